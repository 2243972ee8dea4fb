/**
 * VOC-style segmentation masks, shared by Pascal VOC and Segmentation mask:
 * `SegmentationClass/<id>.png` (label colours from labelmap.txt, or grey label indices) and
 * `SegmentationObject/<id>.png` (one colour per instance). Each instance imports as a CVAT
 * mask, pixel-exact; export paints boxes, polygons and masks in z-order.
 */
import type { LabelSpec, Shape } from '../../core/types';
import type { Dataset, DatasetItem, FileSink, FileSource } from '../types';
import { FormatError } from '../types';
import type { DatasetBuilder } from '../shared-more/builder';
import type { FrameObjects } from '../shared-more/frames';
import {
  decodeKeys,
  encodeRgb,
  keyToRgb,
  rgbKey,
  rgbToHex,
  vocColor,
  type KeyImage,
} from '../shared-more/png';
import { majorities, paintShapes, regions } from '../shared-more/raster';
import type { LabelmapEntry } from './labelmap';

const VOID_RGB = rgbKey(224, 224, 192);
/** Shape types drawn into masks. */
export const PAINTED: readonly Shape['type'][] = ['rectangle', 'polygon', 'mask', 'ellipse'];
const NONE = 0xffffffff;

/** Creates the dataset labels of a labelmap (colours kept). */
export function labelsFromMap(builder: DatasetBuilder, entries: readonly LabelmapEntry[]): void {
  for (const e of entries) builder.label(e.name, 'any', rgbToHex(...e.color));
}

/** Resolves mask pixels to labelmap entries; `null` for background and void pixels. */
class ClassResolver {
  private readonly byRgb = new Map<number, LabelmapEntry>();
  constructor(private readonly entries: readonly LabelmapEntry[]) {
    for (const e of entries) if (!this.byRgb.has(rgbKey(...e.color))) this.byRgb.set(rgbKey(...e.color), e);
  }
  entry(image: KeyImage, i: number, file: string): LabelmapEntry | null {
    const key = image.keys[i]!;
    const e = image.mode === 'rgb' ? this.byRgb.get(key) : this.entries[key];
    if (e) return e.name.toLowerCase() === 'background' ? null : e;
    if (key === 0 || (image.mode === 'rgb' && key === VOID_RGB) || (image.mode === 'value' && key === 255))
      return null;
    const x = i % image.width;
    const y = Math.floor(i / image.width);
    throw new FormatError(
      file,
      `pixel (${x}, ${y}) has ${image.mode === 'rgb' ? `colour ${keyToRgb(key).join(',')}` : `value ${key}`}, which no label has`,
      {
        expected:
          image.mode === 'rgb'
            ? 'a colour listed in labelmap.txt'
            : `a label index below ${this.entries.length} (a line of labelmap.txt)`,
      },
    );
  }
}

export interface MaskFiles {
  classPath?: string;
  objectPath?: string;
}

/** Reads the masks of one item into mask shapes. */
export async function importItemMasks(
  source: FileSource,
  files: MaskFiles,
  names: { class?: string; object?: string },
  item: DatasetItem,
  entries: readonly LabelmapEntry[],
  builder: DatasetBuilder,
): Promise<void> {
  const resolver = new ClassResolver(entries);
  const classImage = files.classPath
    ? decodeKeys(await source.read(files.classPath), names.class!)
    : undefined;
  const objectImage = files.objectPath
    ? decodeKeys(await source.read(files.objectPath), names.object!)
    : undefined;
  const any = classImage ?? objectImage!;
  if (!item.width) item.width = any.width;
  if (!item.height) item.height = any.height;
  if (
    classImage &&
    objectImage &&
    (classImage.width !== objectImage.width || classImage.height !== objectImage.height)
  ) {
    throw new FormatError(names.object!, `is ${objectImage.width}x${objectImage.height}`, {
      expected: `the size of ${names.class} (${classImage.width}x${classImage.height})`,
    });
  }
  const labelOf = (e: LabelmapEntry): LabelSpec => builder.label(e.name, 'any', rgbToHex(...e.color));
  if (!classImage) {
    throw new FormatError(names.object!, 'has no class mask beside it', {
      expected: `${names.class ?? 'SegmentationClass/<id>.png'} with the label colours`,
    });
  }
  // Class index per pixel (NONE for background), errors on unknown colours.
  const classIdx = new Uint32Array(classImage.keys.length);
  for (let i = 0; i < classIdx.length; i++)
    classIdx[i] = resolver.entry(classImage, i, names.class!)?.index ?? NONE;
  const { width, height } = classImage;
  if (objectImage) {
    const skip = (k: number) => k === 0 || (objectImage.mode === 'rgb' ? k === VOID_RGB : k === 255);
    const classes = majorities(objectImage.keys, classIdx);
    for (const [key, points] of regions(objectImage.keys, width, height, skip)) {
      const cls = classes.get(key) ?? NONE;
      if (cls === NONE || cls < 0) continue;
      builder.shape({ type: 'mask', frame: item.frame, label_id: labelOf(entries[cls]!).id, points });
    }
  } else {
    for (const [cls, points] of regions(classIdx, width, height, (k) => k === NONE)) {
      builder.shape({ type: 'mask', frame: item.frame, label_id: labelOf(entries[cls]!).id, points });
    }
  }
}

/** Paints an item's shapes into class and instance PNGs; null when nothing is painted. */
export function renderItemMasks(
  item: DatasetItem,
  shapes: readonly Shape[],
  colorOf: Map<string, number>,
  types: readonly Shape['type'][] = PAINTED,
): { classPng: Uint8Array; objectPng: Uint8Array } | null {
  const paintable = shapes.filter((s) => types.includes(s.type));
  if (paintable.length === 0 || !item.width || !item.height) return null;
  const classKeys = new Uint32Array(item.width * item.height);
  const objectKeys = new Uint32Array(item.width * item.height);
  paintShapes(paintable, item.width, item.height, classKeys, (s) => colorOf.get(s.label_id) ?? 0);
  paintShapes(paintable, item.width, item.height, objectKeys, (_s, i) => {
    const n = i + 1;
    return n < 256 ? rgbKey(...vocColor(n)) : n;
  });
  return {
    classPng: encodeRgb(item.width, item.height, classKeys),
    objectPng: encodeRgb(item.width, item.height, objectKeys),
  };
}

/** Label id → colour key, from the labelmap written with the export. */
export function colorKeys(dataset: Dataset, entries: readonly LabelmapEntry[]): Map<string, number> {
  const byName = new Map(entries.map((e) => [e.name, rgbKey(...e.color)]));
  return new Map(dataset.labels.map((l) => [l.id, byName.get(l.name) ?? 0]));
}

/** Writes class and object PNGs of every item that has paintable shapes. */
export async function exportMasks(
  dataset: Dataset,
  objects: Map<number, FrameObjects>,
  entries: readonly LabelmapEntry[],
  sink: FileSink,
  fileStem: (item: DatasetItem) => string,
  types: readonly Shape['type'][] = PAINTED,
  signal?: AbortSignal,
): Promise<DatasetItem[]> {
  const colors = colorKeys(dataset, entries);
  const written: DatasetItem[] = [];
  for (const item of dataset.items) {
    signal?.throwIfAborted();
    const shapes = objects.get(item.frame)?.shapes ?? [];
    if (shapes.some((s) => types.includes(s.type)) && (!item.width || !item.height)) {
      throw new FormatError(
        `SegmentationClass/${fileStem(item)}.png`,
        `item "${item.name}" has no width and height`,
        {
          expected: 'items with known image sizes to draw masks',
        },
      );
    }
    const masks = renderItemMasks(item, shapes, colors, types);
    if (!masks) continue;
    await sink.write(`SegmentationClass/${fileStem(item)}.png`, masks.classPng);
    await sink.write(`SegmentationObject/${fileStem(item)}.png`, masks.objectPng);
    written.push(item);
  }
  return written;
}
