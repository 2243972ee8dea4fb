/**
 * Reads COCO 1.0 (instances) and COCO Keypoints 1.0 JSON into a `Dataset`.
 *
 * - One file per subset: `annotations/instances_<subset>.json` (`default` is no subset),
 *   Roboflow's `<subset>/_annotations.coco.json`, or a single uploaded JSON file. Detection
 *   result lists (`[{image_id, category_id, segmentation|bbox, score}]`) are read too.
 * - Instances: polygons (each ring a polygon; several rings of one object share a group),
 *   RLE masks (list or compact string counts, column-major) and boxes when the segmentation is
 *   empty. CVAT's `attributes` (`occluded`, `rotation`, label attributes) and `score` are kept.
 * - Keypoints: every annotation with `keypoints` is a skeleton of its category; visibility
 *   0 → outside (coordinates kept), 1 → occluded, 2 → visible. Edges are 1-based as CVAT writes
 *   them, or 0-based as Datumaro writes them (a 0 in any edge tells which).
 */
import type { LabelSpec, Shape, SkeletonElement } from '../../core/types';
import { LabelBook, checkAbort, emptyDataset, fileMeta, warningCollector } from '../common/dataset';
import { JsonFile, JsonReader, isRecord, show, type PathSegment } from '../common/json';
import { FormatError, type Dataset, type DatasetItem, type FileSource, type ImportContext } from '../types';
import { cocoRleToMask, decodeCocoString } from './rle';
import { decode as decodePng } from 'fast-png';
import { encodeMask } from '../../core/mask';

export type CocoKind = 'instances' | 'keypoints';

/** The COCO task a file holds, from its name (`instances_train.json` → `instances`). */
export type CocoTask =
  'instances' | 'person_keypoints' | 'stuff' | 'panoptic' | 'labels' | 'image_info' | 'captions';

export interface CocoFileRef {
  path: string;
  subset: string;
  task: CocoTask;
}

const TASK_FILE =
  /(?:^|\/)(instances|person_keypoints|captions|image_info|labels|panoptic|stuff)_([^/]+)\.json$/i;

/**
 * The COCO files of `source` for `kind`, with their subsets. COCO reads `instances` files, or
 * when there are none (as CVAT and Datumaro do) `person_keypoints` (their segmentations),
 * `stuff`, `panoptic`, `labels` (as tags) or `image_info` (images only), in that order. COCO
 * Keypoints reads `person_keypoints` files. Files named otherwise (a single upload, Roboflow's
 * `train/_annotations.coco.json`) are read as the kind asked for.
 */
export function cocoFiles(source: FileSource, kind: CocoKind): CocoFileRef[] {
  const json = source.paths().filter((p) => /\.json$/i.test(p));
  const named = json
    .map((path) => ({ path, m: TASK_FILE.exec(path) }))
    .filter((e): e is { path: string; m: RegExpExecArray } => e.m !== null)
    .map((e) => ({
      path: e.path,
      subset: e.m[2] === 'default' ? '' : e.m[2]!,
      task: e.m[1]!.toLowerCase() as CocoTask,
    }));
  const order: CocoTask[] =
    kind === 'keypoints'
      ? ['person_keypoints']
      : ['instances', 'person_keypoints', 'stuff', 'panoptic', 'labels', 'image_info'];
  for (const task of order) {
    const files = named.filter((f) => f.task === task);
    if (files.length > 0) return files.sort((a, b) => a.subset.localeCompare(b.subset));
  }
  const loose = json.filter((p) => !TASK_FILE.test(p));
  if (loose.length === 0) {
    const captions = named.some((f) => f.task === 'captions');
    throw new FormatError(
      'archive',
      captions
        ? 'only COCO captions, which Loupe does not import'
        : `no COCO ${kind === 'instances' ? 'instances' : 'person keypoints'} file`,
      { expected: `annotations/${kind === 'instances' ? 'instances' : 'person_keypoints'}_<subset>.json` },
    );
  }
  return loose
    .map((path) => {
      const parts = path.split('/');
      // Roboflow: train/_annotations.coco.json
      const subset =
        parts.length >= 2 && parts[parts.length - 2] !== 'annotations' ? parts[parts.length - 2]! : '';
      return { path, subset, task: (kind === 'instances' ? 'instances' : 'person_keypoints') as CocoTask };
    })
    .sort((a, b) => a.subset.localeCompare(b.subset));
}

/** Node ids and label names of a skeleton SVG, and its edges as node id pairs. */
export function parseSkeletonSvg(svg: string): { nodes: Map<string, string>; edges: [string, string][] } {
  const nodes = new Map<string, string>();
  const edges: [string, string][] = [];
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  for (const m of svg.matchAll(/<(circle|line)\b[^>]*>/g)) {
    const tag = m[0];
    if (m[1] === 'circle') {
      const id = attr(tag, 'data-node-id') ?? attr(tag, 'data-element-id');
      const name = attr(tag, 'data-label-name');
      if (id !== undefined && name !== undefined) nodes.set(id, name);
    } else {
      const from = attr(tag, 'data-node-from');
      const to = attr(tag, 'data-node-to');
      if (from !== undefined && to !== undefined) edges.push([from, to]);
    }
  }
  return { nodes, edges };
}

/** A skeleton SVG in CVAT's layout: keypoints on a circle, edges between node ids 1…n. */
export function skeletonSvg(names: readonly string[], edges: readonly [number, number][]): string {
  const n = names.length;
  const pos = names.map((_, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2;
    return [50 + 40 * Math.cos(a), 50 + 40 * Math.sin(a)] as const;
  });
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  let svg = '';
  for (const [a, b] of edges) {
    const p = pos[a]!;
    const q = pos[b]!;
    svg += `<line x1="${p[0]}" y1="${p[1]}" x2="${q[0]}" y2="${q[1]}" stroke="black" data-type="edge" data-node-from="${a + 1}" stroke-width="0.5" data-node-to="${b + 1}"></line>`;
  }
  names.forEach((name, i) => {
    svg += `<circle r="1.5" stroke="black" fill="#b3b3b3" cx="${pos[i]![0]}" cy="${pos[i]![1]}" stroke-width="0.1" data-type="element node" data-element-id="${i + 1}" data-node-id="${i + 1}" data-label-name="${esc(name)}"></circle>`;
  });
  return svg;
}

/** Drops float noise (`0.30000000000000004` → `0.3`) for derived values (areas, sizes). */
export function clean(n: number): number {
  return Number(n.toPrecision(15));
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The next double after `x` towards `direction` (+1 or −1). */
function nextDouble(x: number, direction: 1 | -1): number {
  if (x === 0) return direction * Number.MIN_VALUE;
  f64[0] = x;
  i64[0]! += x > 0 === direction > 0 ? 1n : -1n;
  return f64[0]!;
}

/**
 * The extent `w` to write for an interval [`x1`, `x2`] such that the reader's `x1 + w` gives
 * back exactly `x2`, preferring the shortest decimal (`144.89`, not `144.88999999999999`). This
 * is what keeps COCO boxes from drifting over repeated export and import.
 */
export function exactExtent(x1: number, x2: number): number {
  const raw = x2 - x1;
  const short = clean(raw);
  if (x1 + short === x2) return short;
  if (x1 + raw === x2) return raw;
  let below = raw;
  let above = raw;
  for (let k = 0; k < 8; k++) {
    below = nextDouble(below, -1);
    above = nextDouble(above, 1);
    if (x1 + below === x2) return below;
    if (x1 + above === x2) return above;
  }
  return raw;
}

interface State {
  dataset: Dataset;
  book: LabelBook;
  nextGroup: number;
  warn: (m: string) => void;
}

function readCategories(
  r: JsonReader,
  doc: Record<string, unknown>,
  st: State,
  kind: CocoKind,
): Map<number, LabelSpec> {
  const out = new Map<number, LabelSpec>();
  if (doc.categories === undefined) return out;
  const cats = r.array(doc.categories, ['categories']);
  cats.forEach((raw, i) => {
    const path: PathSegment[] = ['categories', i];
    const c = r.object(raw, path);
    const id = r.integer(c.id, [...path, 'id']);
    const name = r.string(c.name, [...path, 'name']);
    if (out.has(id)) {
      if (out.get(id)!.name !== name)
        throw r.error(
          [...path, 'id'],
          `category id ${id} is used for "${out.get(id)!.name}" and "${name}"`,
          'unique ids',
        );
      return;
    }
    const keypoints = c.keypoints === undefined ? [] : r.array(c.keypoints, [...path, 'keypoints']);
    const label = st.book.label(name, 'any');
    if (kind === 'keypoints' && keypoints.length > 0) {
      label.type = 'skeleton';
      const names = keypoints.map((k, j) => r.string(k, [...path, 'keypoints', j]));
      for (const k of names) st.book.sublabel(label, k);
      const rawEdges = c.skeleton === undefined ? [] : r.array(c.skeleton, [...path, 'skeleton']);
      const edges = rawEdges.map((e, j) => r.numbers(e, [...path, 'skeleton', j], 2) as [number, number]);
      const zeroBased = edges.some(([a, b]) => a === 0 || b === 0);
      const shift = zeroBased ? 0 : 1;
      const pairs = edges.map(([a, b], j): [number, number] => {
        for (const v of [a, b])
          if (!Number.isInteger(v) || v - shift < 0 || v - shift >= names.length)
            throw r.error(
              [...path, 'skeleton', j],
              `edge [${a}, ${b}] names a keypoint that does not exist`,
              `indexes ${shift}–${names.length - 1 + shift}`,
            );
        return [a - shift, b - shift];
      });
      if (label.svg === '') label.svg = skeletonSvg(names, pairs);
    }
    out.set(id, label);
  });
  return out;
}

function attributeValues(
  r: JsonReader,
  st: State,
  label: LabelSpec,
  a: Record<string, unknown>,
  path: PathSegment[],
) {
  const shape = { occluded: false, rotation: 0, attributes: [] as { spec_id: string; value: string }[] };
  const put = (name: string, value: unknown, at: PathSegment[]) => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object')
      throw r.error(at, `attribute "${name}" is ${show(value)}`, 'a string, number or boolean');
    const spec = st.book.attribute(label, name, {
      input_type: typeof value === 'boolean' ? 'checkbox' : 'text',
      values: typeof value === 'boolean' ? ['false'] : [],
      default_value: typeof value === 'boolean' ? 'false' : '',
    });
    shape.attributes.push({ spec_id: spec.id, value: String(value) });
  };
  if (a.attributes !== undefined && a.attributes !== null) {
    const attrs = r.object(a.attributes, [...path, 'attributes']);
    for (const [name, value] of Object.entries(attrs)) {
      const at = [...path, 'attributes', name];
      if (name === 'occluded') {
        if (typeof value !== 'boolean' && value !== 0 && value !== 1)
          throw r.error(at, `is ${show(value)}`, 'true or false');
        shape.occluded = Boolean(value);
      } else if (name === 'rotation') shape.rotation = r.number(value, at);
      else put(name, value, at);
    }
  }
  if (a.score !== undefined) put('score', r.number(a.score, [...path, 'score']), [...path, 'score']);
  return shape;
}

function readDocument(
  r: JsonReader,
  ref: CocoFileRef,
  kind: CocoKind,
  st: State,
  frameBase: number,
  context: ImportContext,
): {
  count: number;
  panoptic: { item: DatasetItem; a: Record<string, unknown>; path: PathSegment[] }[];
  categories: Map<number, LabelSpec>;
} {
  const value = r.json.value;
  const results = Array.isArray(value);
  const doc: Record<string, unknown> = results ? { annotations: value } : r.object(value, []);
  if (!results && doc.images === undefined)
    throw r.error([], 'no "images" list', 'a COCO file with "images", "categories" and "annotations"');
  const categories = readCategories(r, doc, st, kind);

  // Images: frames in id order.
  const images = new Map<number, DatasetItem>();
  if (!results) {
    const list = r.array(doc.images, ['images']);
    const parsed = list.map((raw, i) => {
      const path: PathSegment[] = ['images', i];
      const im = r.object(raw, path);
      const id = r.integer(im.id, [...path, 'id']);
      const name = r.string(im.file_name, [...path, 'file_name']);
      const width = im.width === undefined || im.width === null ? 0 : r.integer(im.width, [...path, 'width']);
      const height =
        im.height === undefined || im.height === null ? 0 : r.integer(im.height, [...path, 'height']);
      if (width < 0 || height < 0)
        throw r.error([...path, width < 0 ? 'width' : 'height'], 'is negative', 'a size ≥ 0');
      return { id, name, width, height, path };
    });
    parsed.sort((a, b) => a.id - b.id);
    parsed.forEach((im, k) => {
      if (images.has(im.id))
        throw r.error([...im.path, 'id'], `image id ${im.id} is used twice`, 'unique image ids');
      images.set(im.id, {
        frame: frameBase + k,
        name: im.name,
        width: im.width,
        height: im.height,
        subset: ref.subset,
      });
    });
  }

  const annotations = doc.annotations === undefined ? [] : r.array(doc.annotations, ['annotations']);
  const panoptic: { item: DatasetItem; a: Record<string, unknown>; path: PathSegment[] }[] = [];
  const categoryIds = () => [...categories.keys()].join(', ') || 'none';
  annotations.forEach((raw, i) => {
    if ((i & 4095) === 0) {
      checkAbort(context.signal);
      context.progress?.(i / Math.max(1, annotations.length), `Reading ${ref.path}`);
    }
    const path: PathSegment[] = ['annotations', i];
    const a = r.object(raw, path);
    const imageId = r.integer(a.image_id, [...path, 'image_id']);
    if (ref.task === 'panoptic') {
      const item = images.get(imageId);
      if (!item)
        throw r.error([...path, 'image_id'], `image id ${imageId} is not in "images"`, 'the id of an image');
      panoptic.push({ item, a, path });
      return;
    }
    const categoryId = r.integer(a.category_id, [...path, 'category_id']);
    let item = images.get(imageId);
    if (!item) {
      if (!results)
        throw r.error([...path, 'image_id'], `image id ${imageId} is not in "images"`, 'the id of an image');
      item = {
        frame: frameBase + images.size,
        name: String(imageId),
        width: 0,
        height: 0,
        subset: ref.subset,
      };
      images.set(imageId, item);
    }
    let label = categories.get(categoryId);
    if (!label) {
      if (!results)
        throw r.error(
          [...path, 'category_id'],
          `category id ${categoryId} is not in "categories"`,
          `one of ${categoryIds()}`,
        );
      label = st.book.label(String(categoryId));
      categories.set(categoryId, label);
    }
    const attrs = attributeValues(r, st, label, a, path);
    const base = {
      ...fileMeta(),
      frame: item.frame,
      label_id: label.id,
      occluded: attrs.occluded,
      outside: false,
      z_order: 0,
      rotation: attrs.rotation,
      group: 0,
      source: 'file' as const,
      attributes: attrs.attributes,
    };

    if (ref.task === 'labels' || ref.task === 'image_info') {
      st.dataset.tags.push({
        ...fileMeta(),
        frame: item.frame,
        label_id: label.id,
        group: 0,
        source: 'file',
        attributes: attrs.attributes,
      });
      return;
    }

    if (kind === 'keypoints') {
      if (a.keypoints === undefined || (Array.isArray(a.keypoints) && a.keypoints.length === 0)) return;
      const kp = r.numbers(a.keypoints, [...path, 'keypoints']);
      if (kp.length % 3 !== 0)
        throw r.error(
          [...path, 'keypoints'],
          `has ${kp.length} numbers`,
          'x, y, v triplets (a multiple of 3)',
        );
      const n = kp.length / 3;
      if (label.sublabels.length === 0) for (let k = 0; k < n; k++) st.book.sublabel(label, String(k + 1));
      if (label.svg === '')
        label.svg = skeletonSvg(
          label.sublabels.map((s) => s.name),
          [],
        );
      if (label.sublabels.length !== n)
        throw r.error(
          [...path, 'keypoints'],
          `has ${n} keypoints`,
          `${label.sublabels.length}, the keypoints of "${label.name}"`,
        );
      const elements: SkeletonElement[] = label.sublabels.map((sub, k) => {
        const v = kp[3 * k + 2]!;
        if (v !== 0 && v !== 1 && v !== 2)
          throw r.error(
            [...path, 'keypoints', 3 * k + 2],
            `visibility is ${v}`,
            '0 (not labeled), 1 (occluded) or 2 (visible)',
          );
        return {
          label_id: sub.id,
          type: 'points',
          points: [kp[3 * k]!, kp[3 * k + 1]!],
          occluded: v === 1,
          outside: v === 0,
          attributes: [],
        };
      });
      st.dataset.shapes.push({ ...base, type: 'skeleton', points: [], elements });
      return;
    }

    const seg = a.segmentation;
    const segPath = [...path, 'segmentation'];
    if (isRecord(seg)) {
      const size = r.numbers(seg.size, [...segPath, 'size'], 2);
      const [h, w] = size as [number, number];
      let counts: number[];
      if (typeof seg.counts === 'string') {
        try {
          counts = decodeCocoString(seg.counts);
        } catch (error) {
          throw r.error([...segPath, 'counts'], (error as Error).message, 'COCO compressed RLE');
        }
      } else counts = r.numbers(seg.counts, [...segPath, 'counts']);
      if (counts.some((c) => c < 0 || !Number.isInteger(c)))
        throw r.error([...segPath, 'counts'], 'has a negative or fractional run', 'non-negative integers');
      const total = counts.reduce((s, c) => s + c, 0);
      if (total > w * h)
        throw r.error(
          [...segPath, 'counts'],
          `runs cover ${total} pixels`,
          `at most ${w * h} (size ${h}×${w})`,
        );
      if (item.width === 0 && item.height === 0) {
        item.width = w;
        item.height = h;
      }
      const points = cocoRleToMask(counts, h, w);
      if (points === null) {
        st.warn(`${r.json.file} ${r.json.where(segPath)}: an empty mask was skipped`);
        return;
      }
      st.dataset.shapes.push({ ...base, type: 'mask', points } as Shape);
      return;
    }
    const rings = seg === undefined || seg === null ? [] : r.array(seg, segPath);
    if (rings.length === 0) {
      if (a.bbox === undefined)
        throw r.error(path, 'has neither "segmentation" nor "bbox"', 'a polygon, an RLE mask or a bbox');
      const [x, y, w, h] = r.numbers(a.bbox, [...path, 'bbox'], 4) as [number, number, number, number];
      if (w < 0 || h < 0)
        throw r.error(
          [...path, 'bbox'],
          `has a negative size [${x}, ${y}, ${w}, ${h}]`,
          '[x, y, width ≥ 0, height ≥ 0]',
        );
      st.dataset.shapes.push({
        ...base,
        type: 'rectangle',
        points: [x, y, x + w, y + h],
      } as Shape);
      return;
    }
    const group = rings.length > 1 ? st.nextGroup++ : 0;
    rings.forEach((ring, j) => {
      const points = r.numbers(ring, [...segPath, j]);
      if (points.length < 6 || points.length % 2 !== 0)
        throw r.error(
          [...segPath, j],
          `has ${points.length} numbers`,
          'a polygon of at least 3 points (x, y pairs)',
        );
      st.dataset.shapes.push({
        ...base,
        ...(j > 0 ? fileMeta() : {}),
        group,
        type: 'polygon',
        points,
      } as Shape);
    });
  });
  const items = [...images.values()];
  st.dataset.items.push(...items);
  return { count: items.length, panoptic, categories };
}

/** Panoptic segments: each segment of the id PNG (`R + 256 G + 65536 B`) becomes a mask. */
async function readPanoptic(
  source: FileSource,
  r: JsonReader,
  ref: CocoFileRef,
  st: State,
  entries: { item: DatasetItem; a: Record<string, unknown>; path: PathSegment[] }[],
  categories: Map<number, LabelSpec>,
): Promise<void> {
  const dir = ref.path.replace(/\.json$/i, '');
  for (const { item, a, path } of entries) {
    const fileName = r.string(a.file_name, [...path, 'file_name']);
    const png = `${dir}/${fileName}`;
    if (!source.has(png))
      throw r.error([...path, 'file_name'], `"${png}" is not in the archive`, 'the segment PNG');
    let image: ReturnType<typeof decodePng>;
    try {
      image = decodePng(await source.read(png));
    } catch (error) {
      throw new FormatError(png, `cannot decode the PNG: ${(error as Error).message}`, {
        expected: 'an RGB PNG',
      });
    }
    const { width, height, channels } = image;
    const data = image.data as ArrayLike<number>;
    const ids = new Uint32Array(width * height);
    for (let i = 0; i < ids.length; i++) {
      const o = i * channels;
      ids[i] = channels >= 3 ? data[o]! + 256 * data[o + 1]! + 65536 * data[o + 2]! : data[o]!;
    }
    if (item.width === 0) item.width = width;
    if (item.height === 0) item.height = height;
    const segments = r.array(a.segments_info, [...path, 'segments_info']);
    segments.forEach((raw, k) => {
      const sp = [...path, 'segments_info', k];
      const seg = r.object(raw, sp);
      const id = r.integer(seg.id, [...sp, 'id']);
      const categoryId = r.integer(seg.category_id, [...sp, 'category_id']);
      const label = categories.get(categoryId);
      if (!label)
        throw r.error(
          [...sp, 'category_id'],
          `category id ${categoryId} is not in "categories"`,
          `one of ${[...categories.keys()].join(', ')}`,
        );
      const bitmap = new Uint8Array(ids.length);
      for (let i = 0; i < ids.length; i++) if (ids[i] === id) bitmap[i] = 1;
      const points = encodeMask(bitmap, width, height);
      if (points === null) {
        st.warn(`${png}: segment ${id} has no pixels and was skipped`);
        return;
      }
      st.dataset.shapes.push({
        ...fileMeta(),
        frame: item.frame,
        label_id: label.id,
        occluded: false,
        outside: false,
        z_order: 0,
        rotation: 0,
        group: 0,
        source: 'file',
        attributes: [],
        type: 'mask',
        points,
      });
    });
  }
}

/** Reads the COCO files of `source` (see `cocoFiles`). */
export async function readCoco(
  source: FileSource,
  kind: CocoKind,
  context: ImportContext = {},
): Promise<Dataset> {
  const dataset = emptyDataset('2d');
  const { warnings, warn } = warningCollector(context);
  const st: State = { dataset, book: new LabelBook(dataset.labels), nextGroup: 1, warn };
  let frame = 0;
  for (const ref of cocoFiles(source, kind)) {
    checkAbort(context.signal);
    const json = JsonFile.parse(await source.text(ref.path), ref.path);
    const r = new JsonReader(json);
    const { count, panoptic, categories } = readDocument(r, ref, kind, st, frame, context);
    if (panoptic.length > 0) await readPanoptic(source, r, ref, st, panoptic, categories);
    frame += count;
  }
  if (warnings.length > 0) dataset.meta.warnings = warnings;
  return dataset;
}
