/**
 * `labelmap.txt` of Pascal VOC and Segmentation mask: `name:r,g,b:parts:actions` per line,
 * `#` comments. An empty colour means the VOC default for the line's index.
 */
import { FormatError } from '../types';
import { rgbKey, vocColor } from '../shared-more/png';
import { textLines } from '../shared-more/text';

export interface LabelmapEntry {
  name: string;
  color: [number, number, number];
  parts: string[];
  actions: string[];
  /** 0-based index among the entries (grey masks store it). */
  index: number;
}

export const VOC_LABELS = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
] as const;

/** VOC's 21 classes with their colours, for datasets without a labelmap. */
export function defaultLabelmap(): LabelmapEntry[] {
  return VOC_LABELS.map((name, index) => ({ name, color: vocColor(index), parts: [], actions: [], index }));
}

export function parseLabelmap(text: string, file = 'labelmap.txt'): LabelmapEntry[] {
  const out: LabelmapEntry[] = [];
  const names = new Set<string>();
  for (const line of textLines(text, '#')) {
    const fields = line.text.split(':');
    const name = fields[0]!.trim();
    if (name === '')
      throw new FormatError(file, 'a label has no name', {
        location: `line ${line.n}`,
        expected: 'name:r,g,b:parts:actions',
      });
    if (names.has(name))
      throw new FormatError(file, `label "${name}" is listed twice`, {
        location: `line ${line.n}`,
        expected: 'unique label names',
      });
    names.add(name);
    const colorText = (fields[1] ?? '').trim();
    let color = vocColor(out.length);
    if (colorText !== '') {
      const parts = colorText.split(',').map((v) => v.trim());
      const values = parts.map(Number);
      if (parts.length !== 3 || values.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) {
        throw new FormatError(file, `the colour of "${name}" is "${colorText}"`, {
          location: `line ${line.n}`,
          expected: 'r,g,b with integers from 0 to 255',
        });
      }
      color = values as [number, number, number];
    }
    const list = (f: string | undefined) =>
      (f ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
    out.push({ name, color, parts: list(fields[2]), actions: list(fields[3]), index: out.length });
  }
  return out;
}

export function writeLabelmap(entries: readonly LabelmapEntry[]): string {
  const lines = ['# label:color_rgb:parts:actions'];
  for (const e of entries)
    lines.push(`${e.name}:${e.color.join(',')}:${e.parts.join(',')}:${e.actions.join(',')}`);
  return `${lines.join('\n')}\n`;
}

/** Colours for exported labels: their own when distinct and not black, else VOC's by index. */
export function exportColors(
  labels: readonly { name: string; color: string }[],
  hex: (c: string) => [number, number, number],
): LabelmapEntry[] {
  const used = new Set<number>([0]);
  const out: LabelmapEntry[] = [];
  const hasBackground = labels.some((l) => l.name.toLowerCase() === 'background');
  if (!hasBackground) out.push({ name: 'background', color: [0, 0, 0], parts: [], actions: [], index: 0 });
  for (const label of labels) {
    let color: [number, number, number];
    if (label.name.toLowerCase() === 'background') color = [0, 0, 0];
    else {
      color = hex(label.color);
      const vocDefault = VOC_LABELS.indexOf(label.name as (typeof VOC_LABELS)[number]);
      if (vocDefault > 0) color = vocColor(vocDefault);
      for (let k = out.length; used.has(rgbKey(...color)); k++) {
        color = k < 256 ? vocColor(k) : [(k >> 16) & 255, (k >> 8) & 255, k & 255];
      }
    }
    used.add(rgbKey(...color));
    out.push({ name: label.name, color, parts: [], actions: [], index: out.length });
  }
  return out;
}
