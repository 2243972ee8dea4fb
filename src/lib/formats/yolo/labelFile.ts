/**
 * Pieces shared by YOLO 1.1 (darknet) and the Ultralytics YOLO family: label-file lines,
 * normalized boxes, and where an annotation file's image lives.
 */
import type { LabelSpec } from '../../core/types';
import { FormatError } from '../types';
import { dirname, isImagePath, stem } from '../shared-more/paths';
import { fixed, parseIndex, parseNumber, textLines } from '../shared-more/text';
import type { Size } from '../shared-more/imageSize';

export interface YoloLine {
  /** 1-based line number. */
  n: number;
  classId: number;
  values: number[];
}

/** Parses `class v1 v2 …` lines; every token after the class must be a number. */
export function parseYoloLines(text: string, file: string): YoloLine[] {
  return textLines(text, '#').map((line) => {
    const tokens = line.text.split(/\s+/);
    const classId = parseIndex(tokens[0], file, line.n, 'class id');
    const values = tokens.slice(1).map((t, i) => parseNumber(t, file, line.n, `value ${i + 2}`));
    return { n: line.n, classId, values };
  });
}

/** The label of a 0-based class id, or an error naming the valid range. */
export function classLabel(labels: readonly LabelSpec[], line: YoloLine, file: string): LabelSpec {
  const label = labels[line.classId];
  if (!label) {
    throw new FormatError(file, `class id ${line.classId} has no label`, {
      location: `line ${line.n}`,
      expected: labels.length ? `a class id from 0 to ${labels.length - 1}` : 'a label list (none was found)',
    });
  }
  return label;
}

/** `[xtl, ytl, xbr, ybr]` in pixels from normalized centre and size. */
export function boxFromCenter(
  cx: number,
  cy: number,
  w: number,
  h: number,
  size: Size,
): [number, number, number, number] {
  return [
    (cx - w / 2) * size.width,
    (cy - h / 2) * size.height,
    (cx + w / 2) * size.width,
    (cy + h / 2) * size.height,
  ];
}

/** `cx cy w h` normalized, 6 decimals, from `[xtl, ytl, xbr, ybr]`. */
export function centerFromBox(points: readonly number[], size: Size): string {
  const [x1, y1, x2, y2] = points as [number, number, number, number];
  return [
    (x1 + x2) / 2 / size.width,
    (y1 + y2) / 2 / size.height,
    (x2 - x1) / size.width,
    (y2 - y1) / size.height,
  ]
    .map((v) => fixed(v, 6))
    .join(' ');
}

/** Normalized `x y` pairs from pixel points. */
export function normalizedPoints(points: readonly number[], size: Size): string {
  return points.map((v, i) => fixed(v / (i % 2 === 0 ? size.width : size.height), 6)).join(' ');
}

/** The image beside an annotation file: same stem, any image extension, in one of `folders`. */
export function findImage(
  paths: ReadonlySet<string>,
  byStem: Map<string, string>,
  folders: string[],
  name: string,
): string | undefined {
  for (const folder of folders) {
    const key = folder ? `${folder}/${name}` : name;
    const hit = byStem.get(key);
    if (hit && paths.has(hit)) return hit;
  }
  return undefined;
}

/** Image paths keyed by path without extension. */
export function imagesByStem(paths: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of paths) {
    if (!isImagePath(p)) continue;
    const key = `${dirname(p) ? `${dirname(p)}/` : ''}${stem(p)}`;
    if (!out.has(key)) out.set(key, p);
  }
  return out;
}

export function sizeError(file: string, image: string): FormatError {
  return new FormatError(
    file,
    `the size of image "${image}" is unknown, so normalized coordinates cannot be converted`,
    {
      expected: `the image in the archive, or a task frame named "${image}" to import into`,
    },
  );
}

export function exportSizeError(file: string, image: string): FormatError {
  return new FormatError(file, `item "${image}" has no width and height, which normalized coordinates need`, {
    expected: 'items with known image sizes',
  });
}
