/**
 * Every dataset format Loupe reads or writes. The import and export dialogs, the `io` worker and
 * the CLI look formats up here; codecs of other formats come from `./more`.
 */
import type { Dimension } from '../core/types';
import { COCO_CODEC, COCO_KEYPOINTS_CODEC } from './coco';
import { CVAT_IMAGES_CODEC, CVAT_VIDEO_CODEC } from './cvat';
import { DATUMARO_3D_CODEC, DATUMARO_CODEC } from './datumaro';
import { MORE_CODECS } from './more';
import { FormatError, type FileSource, type FormatCodec } from './types';

export const CORE_CODECS: readonly FormatCodec[] = [
  CVAT_IMAGES_CODEC,
  CVAT_VIDEO_CODEC,
  COCO_CODEC,
  COCO_KEYPOINTS_CODEC,
  DATUMARO_CODEC,
  DATUMARO_3D_CODEC,
];

export const FORMATS: readonly FormatCodec[] = [...CORE_CODECS, ...MORE_CODECS];

/** `COCO 1.0`, as CVAT shows a format. */
export function displayName(codec: FormatCodec): string {
  return `${codec.name} ${codec.version}`;
}

/**
 * The codec with `id` (or CVAT's display name, `COCO 1.0`, case-insensitive); throws a
 * `FormatError` listing the valid ids.
 */
export function getFormat(id: string): FormatCodec {
  const wanted = id.trim().toLowerCase();
  const codec =
    FORMATS.find((f) => f.id === wanted) ?? FORMATS.find((f) => displayName(f).toLowerCase() === wanted);
  if (codec) return codec;
  throw new FormatError('format', `unknown format "${id}"`, {
    expected: `one of ${FORMATS.map((f) => f.id).join(', ')}`,
  });
}

export interface DetectedFormat {
  codec: FormatCodec;
  /** 0 (no) to 1 (certain). */
  confidence: number;
}

/**
 * Formats `source` may be in, most likely first; formats whose `detect` says 0 (or throws) are
 * left out. Ties keep registry order.
 */
export async function detectFormat(source: FileSource): Promise<DetectedFormat[]> {
  const out: DetectedFormat[] = [];
  for (const codec of FORMATS) {
    if (!codec.detect) continue;
    let confidence = 0;
    try {
      confidence = await codec.detect(source);
    } catch {
      confidence = 0;
    }
    if (confidence > 0) out.push({ codec, confidence: Math.min(1, confidence) });
  }
  return out
    .map((d, i) => ({ d, i }))
    .sort((a, b) => b.d.confidence - a.d.confidence || a.i - b.i)
    .map(({ d }) => d);
}

export interface FormatQuery {
  /** Only formats of this dimension. */
  dimension?: Dimension;
  /** Only formats that can import, or export. */
  direction?: 'import' | 'export';
}

/** Formats for a dialog, in registry order. */
export function formatsFor(query: FormatQuery = {}): FormatCodec[] {
  return FORMATS.filter(
    (f) =>
      (query.dimension === undefined || f.dimension === query.dimension) &&
      (query.direction === undefined ||
        (query.direction === 'import' ? f.import !== undefined : f.export !== undefined)),
  );
}
