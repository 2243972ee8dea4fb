/**
 * MOT 1.1: `gt/gt.txt` rows `frame, track_id, x, y, w, h, not_ignored, class_id, visibility`
 * (frames and class ids 1-based; track -1 is a box without a track), `gt/labels.txt`, images in
 * `img1/%06d.<ext>` and an optional `seqinfo.ini`. Rows of one track id become a box track with
 * a keyframe per row; `visibility` and `ignored` are mutable attributes, as in CVAT.
 */
import type { AttributeValue, LabelSpec, TrackedShape } from '../../core/types';
import { trackToShapes } from '../common/dataset';
import type {
  Dataset,
  DatasetItem,
  ExportOptions,
  FileSink,
  FileSource,
  FormatCodec,
  ImportContext,
} from '../types';
import { FormatError } from '../types';
import { attributeValue, DatasetBuilder, isTrue, keyframe } from '../shared-more/builder';
import { extname, findRoot, isImagePath, stem } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { parseNumber, short, textLines } from '../shared-more/text';
import { closeRuns } from '../shared-more/tracks';

/** MOT Challenge's classes, for sequences without labels.txt. */
export const MOT_LABELS = [
  'pedestrian',
  'person on vehicle',
  'car',
  'bicycle',
  'motorbike',
  'non motorized vehicle',
  'static person',
  'distractor',
  'occluder',
  'occluder on the ground',
  'occluder full',
  'reflection',
  'crowd',
];

/** `[Sequence]` keys of seqinfo.ini, lower-cased. */
export function parseSeqinfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of textLines(text, ';')) {
    const eq = line.text.indexOf('=');
    if (eq > 0) out.set(line.text.slice(0, eq).trim().toLowerCase(), line.text.slice(eq + 1).trim());
  }
  return out;
}

export interface MotAttributes {
  visibility: (label: LabelSpec, value: string) => AttributeValue;
  ignored: (label: LabelSpec, value: boolean) => AttributeValue;
}

export function motAttributes(builder: DatasetBuilder): MotAttributes {
  return {
    visibility: (label, value) =>
      builder.value(label, 'visibility', value, {
        input_type: 'number',
        values: ['0', '1', '0.01'],
        default_value: '1',
        mutable: true,
      }),
    ignored: (label, value) =>
      builder.value(label, 'ignored', String(value), { input_type: 'checkbox', mutable: true }),
  };
}

async function importMot(source: FileSource, context: ImportContext): Promise<Dataset> {
  const root = findRoot(source.paths(), 'gt/gt.txt');
  if (root === null)
    throw new FormatError('gt/gt.txt', 'not found in the archive', {
      expected: 'gt/gt.txt with one box per line',
    });
  const at = (p: string) => (root ? `${root}/${p}` : p);
  const file = 'gt/gt.txt';
  const builder = new DatasetBuilder();
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    context.warn?.(message);
  };
  let labelNames = MOT_LABELS;
  let labelsFile = '';
  for (const candidate of ['gt/labels.txt', 'labels.txt', 'classes.txt']) {
    if (source.has(at(candidate))) {
      labelNames = textLines(await source.text(at(candidate))).map((l) => l.text);
      labelsFile = candidate;
      break;
    }
  }
  const seq = source.has(at('seqinfo.ini'))
    ? parseSeqinfo(await source.text(at('seqinfo.ini')))
    : new Map<string, string>();
  const imDir = seq.get('imdir') ?? 'img1';
  const imExt = seq.get('imext') ?? '';
  const images = new Map<number, string>();
  for (const p of source.paths()) {
    if (!p.startsWith(at(`${imDir}/`)) || !isImagePath(p)) continue;
    const n = Number(stem(p));
    if (Number.isInteger(n)) images.set(n, p);
  }
  const rows = textLines(await source.text(at(file)), '#').map((line) => {
    const t = line.text.split(/\s*,\s*|\s+/);
    if (t.length < 6) {
      throw new FormatError(file, `${t.length} columns`, {
        location: `line ${line.n}`,
        expected: 'frame, track_id, x, y, w, h[, not_ignored, class_id, visibility]',
      });
    }
    const num = (i: number, name: string) => parseNumber(t[i], file, line.n, name);
    const frame = num(0, 'frame');
    if (!Number.isInteger(frame) || frame < 0)
      throw new FormatError(file, `frame is "${t[0]}"`, {
        location: `line ${line.n}`,
        expected: 'a frame number from 1',
      });
    const track = num(1, 'track_id');
    return {
      n: line.n,
      frame,
      track,
      box: [num(2, 'x'), num(3, 'y'), num(4, 'w'), num(5, 'h')] as const,
      notIgnored: t.length > 6 ? num(6, '"not ignored"') !== 0 : true,
      classId: t.length > 7 ? num(7, 'class_id') : 1,
      visibility: t.length > 8 ? t[8]! : '1',
    };
  });
  // MOT is 1-based; some tools write frame 0 and class 0, and are read as 0-based.
  const frameBase = rows.some((r) => r.frame === 0) ? 0 : 1;
  const classBase = rows.some((r) => r.classId === 0) ? 0 : 1;
  if (frameBase === 0) warn(`${file}: frame 0 is present, so frames are read as 0-based`);
  if (classBase === 0) warn(`${file}: class_id 0 is present, so class ids are read as 0-based`);
  let maxFrame = seq.has('seqlength') ? Number(seq.get('seqlength')) - 1 + frameBase : 0;
  for (const r of rows) maxFrame = Math.max(maxFrame, r.frame);
  for (const f of images.keys()) maxFrame = Math.max(maxFrame, f);
  if (context.frames) maxFrame = Math.max(maxFrame, frameBase + context.frames.length - 1);
  const sizes = new SizeResolver(source, context);
  const width = Number(seq.get('imwidth') ?? 0);
  const height = Number(seq.get('imheight') ?? 0);
  const items: DatasetItem[] = [];
  for (let f = frameBase; f <= maxFrame; f++) {
    const image = images.get(f);
    const index = f - frameBase;
    const name =
      context.frames?.[index]?.name ??
      (image ? image.slice(at(`${imDir}/`).length) : `${String(f).padStart(6, '0')}${imExt}`);
    const size = (await sizes.size(name, image)) ?? { width, height };
    items.push(builder.item(name, '', size.width, size.height));
  }
  const labels = labelNames.map((n) => builder.label(n, 'rectangle'));
  const attrs = motAttributes(builder);
  const tracks = new Map<string, { label: LabelSpec; shapes: TrackedShape[]; line: number }>();
  const seenIds = new Set<number>();
  for (const r of rows) {
    context.signal?.throwIfAborted();
    const label = labels[r.classId - classBase];
    if (!label) {
      throw new FormatError(file, `class_id ${r.classId} has no label`, {
        location: `line ${r.n}`,
        expected: `a class id from ${classBase} to ${labels.length - 1 + classBase} (a line of ${labelsFile || 'the MOT class list'})`,
      });
    }
    const item = items[r.frame - frameBase]!;
    const [x, y, w, h] = r.box;
    const points = [x, y, x + w, y + h];
    const attributes = [attrs.visibility(label, r.visibility), attrs.ignored(label, !r.notIgnored)];
    if (r.track < 0) {
      builder.shape({
        type: 'rectangle',
        frame: item.frame,
        label_id: label.id,
        points: points as [number, number, number, number],
        attributes,
      });
      continue;
    }
    // A track id whose class changes is split: one track per (id, class), with a warning.
    const key = `${r.track}\u0000${label.id}`;
    let track = tracks.get(key);
    if (!track) {
      if (seenIds.has(r.track))
        warn(
          `${file} line ${r.n}: track ${r.track} changes its class to ${r.classId}; the rows of each class form their own track`,
        );
      track = { label, shapes: [], line: r.n };
      tracks.set(key, track);
      seenIds.add(r.track);
    }
    track.shapes.push(keyframe('rectangle', item.frame, points, { attributes }));
  }
  const frames = new Set(items.map((i) => i.frame));
  for (const { label, shapes } of tracks.values()) builder.track(label.id, closeRuns(shapes, frames));
  if (seq.get('name')) builder.dataset.meta.name = seq.get('name');
  if (seq.get('framerate')) builder.dataset.meta.fps = Number(seq.get('framerate'));
  if (warnings.length) builder.dataset.meta.warnings = warnings;
  return builder.dataset;
}

async function exportMot(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const classOf = new Map(dataset.labels.map((l, i) => [l.id, i + 1]));
  const items = [...dataset.items].sort((a, b) => a.frame - b.frame);
  const motFrame = new Map(items.map((item, i) => [item.frame, i + 1]));
  const frames = items.map((i) => i.frame);
  const rows: { frame: number; line: string }[] = [];
  const row = (
    frame: number,
    track: number,
    s: { label_id: string; points: number[]; attributes: AttributeValue[] },
  ) => {
    const f = motFrame.get(frame);
    if (f === undefined) return;
    const label = labels.get(s.label_id);
    const [x1, y1, x2, y2] = s.points as [number, number, number, number];
    const visibility = attributeValue(label, s.attributes, 'visibility') ?? '1';
    const ignored = isTrue(attributeValue(label, s.attributes, 'ignored'));
    const cells = [
      f,
      track,
      short(x1, 2),
      short(y1, 2),
      short(x2 - x1, 2),
      short(y2 - y1, 2),
      ignored ? 0 : 1,
      classOf.get(s.label_id),
      visibility || '1',
    ];
    rows.push({ frame: f, line: cells.join(',') });
  };
  for (const s of dataset.shapes) if (s.type === 'rectangle' && !s.outside) row(s.frame, -1, s);
  let next = 1;
  for (const track of dataset.tracks) {
    if (!track.shapes.some((s) => s.type === 'rectangle')) continue;
    const id = next++;
    for (const s of trackToShapes(track, frames)) if (s.type === 'rectangle') row(s.frame, id, s);
  }
  rows.sort((a, b) => a.frame - b.frame);
  const first = items[0];
  const ext = (first && extname(first.name)) || '.jpg';
  const seqinfo = [
    '[Sequence]',
    `name=${dataset.meta.name ?? 'sequence'}`,
    'imDir=img1',
    `frameRate=${dataset.meta.fps ?? 30}`,
    `seqLength=${items.length}`,
    `imWidth=${first?.width ?? 0}`,
    `imHeight=${first?.height ?? 0}`,
    `imExt=${ext}`,
  ];
  await sink.write('seqinfo.ini', `${seqinfo.join('\n')}\n`);
  await sink.write('gt/labels.txt', dataset.labels.map((l) => `${l.name}\n`).join(''));
  await sink.write('gt/gt.txt', rows.map((r) => `${r.line}\n`).join(''));
  if (options.saveImages) {
    for (const [i, item] of items.entries()) {
      options.signal?.throwIfAborted();
      const bytes = await options.media?.(item);
      if (bytes)
        await sink.write(`img1/${String(i + 1).padStart(6, '0')}${extname(item.name) || '.jpg'}`, bytes);
      options.progress?.((i + 1) / items.length, item.name);
    }
  }
}

export const motCodec: FormatCodec = {
  name: 'MOT',
  version: '1.1',
  id: 'mot',
  dimension: '2d',
  kinds: ['rectangle', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    const root = findRoot(source.paths(), 'gt/gt.txt');
    return root === null ? 0 : 0.9;
  },
  import: importMot,
  export: exportMot,
};
