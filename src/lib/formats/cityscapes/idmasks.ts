/**
 * Instance-id masks shared by Cityscapes (`class * 1000 + instance`) and KITTI
 * (`class * 256 + instance`): decoding into CVAT masks with an `is_crowd` attribute (a pixel
 * value without an instance is a crowd/stuff region), and painting shapes back.
 */
import type { LabelSpec, Shape } from '../../core/types';
import type { DatasetItem } from '../types';
import { FormatError } from '../types';
import type { DatasetBuilder } from '../shared-more/builder';
import { decodeKeys, encodeGrey, encodeRgb, hexToRgb, rgbKey } from '../shared-more/png';
import { paintShapes, regions } from '../shared-more/raster';
import { attributeValue, isTrue } from '../shared-more/builder';

export interface ClassTable {
  /** Label name and colour by class id. */
  names: readonly [string, string][];
  /** The file that defined the table, for errors. */
  file: string;
}

/** Reads `r g b name` lines (label_colors.txt); the line index is the class id. */
export function parseColorTable(text: string): [string, string][] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const t = l.split(/\s+/);
      if (t.length >= 4 && t.slice(0, 3).every((v) => /^\d+$/.test(v))) {
        const [r, g, b] = t.slice(0, 3).map(Number);
        return [t.slice(3).join(' '), `#${[r, g, b].map((v) => v!.toString(16).padStart(2, '0')).join('')}`];
      }
      return [l, '#000000'];
    });
}

export async function importIdMask(
  bytes: Uint8Array,
  file: string,
  item: DatasetItem,
  factor: number,
  table: ClassTable,
  builder: DatasetBuilder,
  warn: (message: string) => void,
): Promise<void> {
  const image = decodeKeys(bytes, file);
  if (image.mode !== 'value')
    throw new FormatError(file, 'is a colour image', {
      expected: `a grey PNG of class_id * ${factor} + instance_id`,
    });
  if (!item.width || !item.height) [item.width, item.height] = [image.width, image.height];
  else if (item.width !== image.width || item.height !== image.height) {
    warn(
      `${file}: the mask is ${image.width}x${image.height} but image "${item.name}" is ${item.width}x${item.height}; the mask size is used`,
    );
    [item.width, item.height] = [image.width, image.height];
  }
  // Cityscapes writes class ids below 1000 for regions without instances; KITTI writes instance 0.
  const split = (v: number) =>
    factor === 1000 && v < 1000 ? { cls: v, inst: 0 } : { cls: Math.floor(v / factor), inst: v % factor };
  for (const [value, points] of regions(image.keys, image.width, image.height, (v) => split(v).cls === 0)) {
    const { cls, inst } = split(value);
    const entry = table.names[cls];
    if (!entry) {
      const i = image.keys.indexOf(value);
      throw new FormatError(
        file,
        `pixel (${i % image.width}, ${Math.floor(i / image.width)}) has value ${value}, class ${cls}, which has no label`,
        {
          expected: `class ids from 1 to ${table.names.length - 1} (${table.file})`,
        },
      );
    }
    const label = builder.label(entry[0], 'any', entry[1]);
    const crowd = builder.value(label, 'is_crowd', String(inst === 0), { input_type: 'checkbox' });
    builder.shape({ type: 'mask', frame: item.frame, label_id: label.id, points, attributes: [crowd] });
  }
}

export interface IdMaskImages {
  instance: Uint8Array;
  classIds: Uint8Array;
  color: Uint8Array;
}

/** Paints shapes into instance, class-id and colour images; class ids come from `classOf`. */
export function renderIdMasks(
  item: DatasetItem,
  shapes: readonly Shape[],
  labels: Map<string, LabelSpec>,
  classOf: Map<string, number>,
  factor: number,
): IdMaskImages {
  const n = item.width * item.height;
  const instance = new Uint32Array(n);
  const classIds = new Uint32Array(n);
  const color = new Uint32Array(n);
  const nextInstance = new Map<number, number>();
  const values = shapes.map((s) => {
    const cls = classOf.get(s.label_id) ?? 0;
    const crowd = isTrue(attributeValue(labels.get(s.label_id), s.attributes, 'is_crowd'));
    if (crowd) return factor === 1000 ? cls : cls * factor;
    const inst = (nextInstance.get(cls) ?? 0) + 1;
    nextInstance.set(cls, inst);
    return cls * factor + inst;
  });
  paintShapes(shapes, item.width, item.height, instance, (_s, i) => values[i]!);
  paintShapes(shapes, item.width, item.height, classIds, (s) => classOf.get(s.label_id) ?? 0);
  paintShapes(shapes, item.width, item.height, color, (s) =>
    rgbKey(...hexToRgb(labels.get(s.label_id)?.color ?? '#000000')),
  );
  return {
    instance: encodeGrey(item.width, item.height, instance, 16),
    classIds: encodeGrey(item.width, item.height, classIds, 8),
    color: encodeRgb(item.width, item.height, color),
  };
}
