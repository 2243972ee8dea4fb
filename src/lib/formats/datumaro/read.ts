/**
 * Reads Datumaro 1.0 JSON (`annotations/<subset>.json`, one file per subset) into a `Dataset`.
 *
 * - Labels: `categories.label.labels[]`; a label with a `parent` is a point of that skeleton.
 *   Attribute names come from the label and from `categories.label.attributes`; their types are
 *   guessed from the values (booleans become checkboxes, the rest text).
 * - Annotation types: `label` (tag), `bbox` (`[x, y, w, h]`), `polygon`, `polyline`, `points`,
 *   `ellipse` (`[x1, y1, x2, y2]`), `cuboid_2d`, `mask` (COCO RLE, column-major), `skeleton`
 *   (points as x, y, visibility triplets in the order of `categories.points`, visibility
 *   0 → outside, 1 → occluded), `cuboid_3d` (3D datasets). `caption` has no equivalent and is
 *   skipped with a warning, as are annotations without a label (`label_id: null`).
 * - Tracks: shapes with a `track_id` attribute (as CVAT writes them) are joined into tracks;
 *   shapes marked `keyframe: false` are interpolated frames and are dropped.
 * - Frames: `attr.frame` when every item has a distinct one, otherwise the order of the items.
 */
import type {
  AttributeValue,
  LabelSpec,
  Shape,
  ShapeType,
  SkeletonElement,
  Track,
  TrackedShape,
} from '../../core/types';
import { cocoRleToMask, decodeCocoString } from '../coco/rle';
import { LabelBook, checkAbort, emptyDataset, fileMeta, warningCollector } from '../common/dataset';
import { JsonFile, JsonReader, isRecord, show, type PathSegment } from '../common/json';
import { FormatError, type Dataset, type DatasetItem, type FileSource, type ImportContext } from '../types';
import { skeletonSvg } from '../coco/read';

export interface DatumaroFileRef {
  path: string;
  subset: string;
}

/** `annotations/<subset>.json` files (`default` is no subset); a single JSON upload otherwise. */
export function datumaroFiles(source: FileSource): DatumaroFileRef[] {
  const json = source.paths().filter((p) => /\.json$/i.test(p));
  const inFolder = json.filter((p) => /(^|\/)annotations\/[^/]+\.json$/i.test(p));
  const files = inFolder.length > 0 ? inFolder : json.length === 1 ? json : [];
  if (files.length === 0)
    throw new FormatError(
      'archive',
      json.length === 0
        ? 'no JSON file'
        : `several JSON files outside annotations/ (${json.slice(0, 4).join(', ')})`,
      {
        expected: 'annotations/<subset>.json',
      },
    );
  return files
    .map((path) => {
      const base = path
        .split('/')
        .pop()!
        .replace(/\.json$/i, '');
      return { path, subset: base === 'default' ? '' : base };
    })
    .sort((a, b) => a.subset.localeCompare(b.subset));
}

interface Category {
  label: LabelSpec | null;
  /** For sublabels: the skeleton and the point's spec. */
  parent?: LabelSpec;
}

interface Parsed {
  ref: DatumaroFileRef;
  r: JsonReader;
  items: { raw: Record<string, unknown>; path: PathSegment[]; item: DatasetItem; frameAttr?: number }[];
  categories: Category[];
  /** Skeleton label id → its points in annotation order (sublabel ids). */
  pointOrder: Map<string, string[]>;
}

const SHAPE_TYPES: Record<string, ShapeType> = {
  bbox: 'rectangle',
  polygon: 'polygon',
  polyline: 'polyline',
  points: 'points',
  ellipse: 'ellipse',
  cuboid_2d: 'cuboid',
  mask: 'mask',
  skeleton: 'skeleton',
  cuboid_3d: 'cuboid',
};

const SPECIAL = new Set(['occluded', 'rotation', 'track_id', 'keyframe', 'outside']);

function readCategories(
  r: JsonReader,
  doc: Record<string, unknown>,
  book: LabelBook,
): Parsed['categories'] & { order: Map<string, string[]> } {
  const out: Category[] = [];
  const order = new Map<string, string[]>();
  const cats = doc.categories === undefined ? {} : r.object(doc.categories, ['categories']);
  const labelCat = cats.label === undefined ? undefined : r.object(cats.label, ['categories', 'label']);
  // Attribute names shared by all labels: specs are created when a value uses them.
  if (labelCat?.attributes !== undefined)
    r.array(labelCat.attributes, ['categories', 'label', 'attributes']).forEach((a, i) =>
      r.string(a, ['categories', 'label', 'attributes', i]),
    );
  const labels =
    labelCat?.labels === undefined ? [] : r.array(labelCat.labels, ['categories', 'label', 'labels']);
  const parsed = labels.map((raw, i) => {
    const path: PathSegment[] = ['categories', 'label', 'labels', i];
    const l = r.object(raw, path);
    const name = r.string(l.name, [...path, 'name']);
    const parent = l.parent === undefined || l.parent === null ? '' : r.string(l.parent, [...path, 'parent']);
    const attrs =
      l.attributes === undefined
        ? []
        : r
            .array(l.attributes, [...path, 'attributes'])
            .map((a, k) => r.string(a, [...path, 'attributes', k]));
    return { name, parent, attrs, path };
  });
  const parents = new Set(parsed.filter((p) => p.parent !== '').map((p) => p.parent));
  for (const p of parsed) {
    if (p.parent !== '') continue;
    const label = book.label(p.name, parents.has(p.name) ? 'skeleton' : 'any');
    for (const a of p.attrs) book.attribute(label, a);
  }
  for (const p of parsed) {
    if (p.parent === '') {
      out.push({ label: book.find(p.name)! });
      continue;
    }
    const parent = book.find(p.parent);
    if (!parent)
      throw r.error(
        [...p.path, 'parent'],
        `parent "${p.parent}" is not a label`,
        'the name of a skeleton label',
      );
    const sub = book.sublabel(parent, p.name);
    for (const a of p.attrs) book.attribute(sub, a);
    out.push({ label: null, parent });
    order.set(parent.id, [...(order.get(parent.id) ?? []), sub.id]);
  }
  // categories.points: the order of skeleton points and the edges.
  if (cats.points !== undefined) {
    const items = r.array(r.object(cats.points, ['categories', 'points']).items ?? [], [
      'categories',
      'points',
      'items',
    ]);
    items.forEach((raw, i) => {
      const path: PathSegment[] = ['categories', 'points', 'items', i];
      const it = r.object(raw, path);
      const labelId = r.integer(it.label_id, [...path, 'label_id']);
      const cat = out[labelId];
      if (!cat)
        throw r.error([...path, 'label_id'], `label id ${labelId} is out of range`, `0–${out.length - 1}`);
      const label = cat.label;
      if (!label || label.sublabels.length === 0) return;
      const names =
        it.labels === undefined
          ? []
          : r.array(it.labels, [...path, 'labels']).map((n, k) => r.string(n, [...path, 'labels', k]));
      const ids = names.map((n, k) => {
        const s = label.sublabels.find((x) => x.name === n);
        if (!s)
          throw r.error(
            [...path, 'labels', k],
            `"${n}" is not a point of "${label.name}"`,
            label.sublabels.map((x) => `"${x.name}"`).join(', '),
          );
        return s.id;
      });
      if (ids.length > 0) order.set(label.id, ids);
      const joints =
        it.joints === undefined
          ? []
          : r.array(it.joints, [...path, 'joints']).map((j, k) => r.numbers(j, [...path, 'joints', k], 2));
      const zeroBased = joints.some(([a, b]) => a === 0 || b === 0);
      const shift = zeroBased ? 0 : 1;
      const edges = joints.map(([a, b], k): [number, number] => {
        for (const v of [a!, b!])
          if (!Number.isInteger(v) || v - shift < 0 || v - shift >= names.length)
            throw r.error(
              [...path, 'joints', k],
              `joint [${a}, ${b}] names a point that does not exist`,
              `indexes ${shift}–${names.length - 1 + shift}`,
            );
        return [a! - shift, b! - shift];
      });
      if (label.svg === '') {
        // The SVG lists points in sublabel order; map the edges from the annotation order.
        const index = (k: number) => label.sublabels.findIndex((s) => s.id === ids[k]);
        label.svg = skeletonSvg(
          label.sublabels.map((s) => s.name),
          edges.map(([a, b]) => [index(a), index(b)]),
        );
      }
    });
  }
  for (const label of book.labels)
    if (label.sublabels.length > 0 && label.svg === '')
      label.svg = skeletonSvg(
        label.sublabels.map((s) => s.name),
        [],
      );
  return Object.assign(out, { order });
}

/** Reads the Datumaro files of `source`. `dimension` decides what `cuboid_3d` means. */
export async function readDatumaro(
  source: FileSource,
  context: ImportContext = {},
  dimension?: '2d' | '3d',
): Promise<Dataset> {
  const dataset = emptyDataset('2d');
  const book = new LabelBook(dataset.labels);
  const { warnings, warn } = warningCollector(context);
  const parsed: Parsed[] = [];
  let signature = '';
  for (const ref of datumaroFiles(source)) {
    checkAbort(context.signal);
    const json = JsonFile.parse(await source.text(ref.path), ref.path);
    const r = new JsonReader(json);
    const doc = r.object(json.value, []);
    if (doc.items === undefined)
      throw r.error([], 'no "items" list', 'a Datumaro file with "categories" and "items"');
    const before = book.labels.length;
    const categories = readCategories(r, doc, book);
    // Every subset file repeats the categories; the first one defines them.
    const names = categories.map((c) => (c.label ?? c.parent)?.name ?? '').join('\u0000');
    if (signature === '') signature = names;
    else if (names !== signature && book.labels.length !== before)
      throw r.error(
        ['categories'],
        'the labels differ from the other subset files',
        'the same categories in every file',
      );
    const items = r.array(doc.items, ['items']).map((raw, i) => {
      const path: PathSegment[] = ['items', i];
      const it = r.object(raw, path);
      const id = typeof it.id === 'number' ? String(it.id) : r.string(it.id, [...path, 'id']);
      let name = id;
      let width = 0;
      let height = 0;
      const media = isRecord(it.image) ? it.image : isRecord(it.point_cloud) ? it.point_cloud : undefined;
      const mediaKey = isRecord(it.image) ? 'image' : 'point_cloud';
      if (media) {
        if (media.path !== undefined) name = r.string(media.path, [...path, mediaKey, 'path']);
        if (media.size !== undefined && media.size !== null) {
          const size = r.numbers(media.size, [...path, mediaKey, 'size'], 2);
          height = size[0]!;
          width = size[1]!;
        }
      }
      if (isRecord(it.point_cloud)) dataset.dimension = '3d';
      const attr = isRecord(it.attr) ? it.attr : {};
      const frameAttr =
        typeof attr.frame === 'number' && Number.isInteger(attr.frame) && attr.frame >= 0
          ? attr.frame
          : undefined;
      const related = Array.isArray(it.related_images)
        ? it.related_images
            .filter(isRecord)
            .map((x) => String(x.path ?? ''))
            .filter((x) => x !== '')
        : undefined;
      const item: DatasetItem = {
        frame: 0,
        name,
        width,
        height,
        subset: ref.subset,
        ...(related && related.length > 0 ? { related } : {}),
      };
      return { raw: it, path, item, frameAttr };
    });
    parsed.push({ ref, r, items, categories, pointOrder: categories.order });
  }
  if (dimension) dataset.dimension = dimension;

  // Frames.
  const all = parsed.flatMap((p) => p.items);
  const attrFrames = all.map((x) => x.frameAttr);
  const useAttr =
    all.length > 0 && attrFrames.every((f) => f !== undefined) && new Set(attrFrames).size === all.length;
  all.forEach((x, i) => (x.item.frame = useAttr ? x.frameAttr! : i));
  dataset.items = all.map((x) => x.item).sort((a, b) => a.frame - b.frame);

  const tracks = new Map<
    string,
    {
      label: LabelSpec;
      group: number;
      attributes: Map<string, string>;
      shapes: TrackedShape[];
      elements: Map<string, TrackedShape[]>;
    }
  >();
  let n = 0;
  let total = 0;
  for (const p of parsed)
    for (const { raw } of p.items) total += Array.isArray(raw.annotations) ? raw.annotations.length : 0;
  for (const p of parsed) {
    const { r } = p;
    for (const { raw, path, item } of p.items) {
      const anns = raw.annotations === undefined ? [] : r.array(raw.annotations, [...path, 'annotations']);
      anns.forEach((araw, k) => {
        if ((n++ & 4095) === 0) {
          checkAbort(context.signal);
          context.progress?.(Math.min(0.99, n / Math.max(1, total)), `Reading ${p.ref.path}`);
        }
        const ap: PathSegment[] = [...path, 'annotations', k];
        const a = r.object(araw, ap);
        const type = r.string(a.type, [...ap, 'type']);
        if (type === 'caption') {
          warn(`${r.json.file} ${r.json.where(ap)}: a caption was skipped (Loupe has no captions)`);
          return;
        }
        if (type === 'cuboid_3d' && dataset.dimension !== '3d') {
          warn(`${r.json.file} ${r.json.where(ap)}: a 3D cuboid in a 2D dataset was skipped`);
          return;
        }
        if (type !== 'label' && !(type in SHAPE_TYPES))
          throw r.error(
            [...ap, 'type'],
            `unknown annotation type "${type}"`,
            `one of label, ${Object.keys(SHAPE_TYPES).join(', ')}, caption`,
          );
        if (a.label_id === null || a.label_id === undefined) {
          warn(`${r.json.file} ${r.json.where(ap)}: a ${type} without a label was skipped`);
          return;
        }
        const labelId = r.integer(a.label_id, [...ap, 'label_id']);
        const cat = p.categories[labelId];
        if (!cat || !cat.label)
          throw r.error(
            [...ap, 'label_id'],
            cat
              ? `label id ${labelId} is a skeleton point, not a label`
              : `label id ${labelId} is out of range`,
            `an index into categories.label.labels (0–${p.categories.length - 1})`,
          );
        const label = cat.label;
        const attrs = isRecord(a.attributes)
          ? a.attributes
          : a.attributes === undefined
            ? {}
            : r.object(a.attributes, [...ap, 'attributes']);
        const attributes = values(book, label, attrs, r, [...ap, 'attributes']);
        const occluded = attrs.occluded === true;
        const rotation = typeof attrs.rotation === 'number' ? attrs.rotation : 0;
        const group = a.group === undefined || a.group === null ? 0 : r.integer(a.group, [...ap, 'group']);
        const z = a.z_order === undefined ? 0 : r.integer(a.z_order, [...ap, 'z_order']);
        if (type === 'label') {
          dataset.tags.push({
            ...fileMeta(),
            frame: item.frame,
            label_id: label.id,
            group,
            source: 'file',
            attributes,
          });
          return;
        }
        const geometry = readGeometry(r, a, ap, type, label, p.pointOrder, book, item);
        if (geometry === null) {
          warn(`${r.json.file} ${r.json.where(ap)}: an empty mask was skipped`);
          return;
        }
        const trackId = attrs.track_id;
        if (trackId !== undefined && trackId !== null) {
          const key = `${label.id}:${String(trackId)}`;
          let t = tracks.get(key);
          if (!t)
            tracks.set(key, (t = { label, group, attributes: new Map(), shapes: [], elements: new Map() }));
          const keyframe = attrs.keyframe === undefined ? true : attrs.keyframe === true;
          if (!keyframe && t.shapes.length > 0) return;
          // Values are sorted into track-level and per-keyframe ones once the track is complete.
          const outside = attrs.outside === true;
          t.shapes.push({
            type: geometry.type,
            frame: item.frame,
            occluded,
            outside,
            z_order: z,
            rotation,
            points: geometry.points,
            attributes,
          });
          for (const e of geometry.elements ?? []) {
            let list = t.elements.get(e.label_id);
            if (!list) t.elements.set(e.label_id, (list = []));
            list.push({
              type: 'points',
              frame: item.frame,
              occluded: e.occluded,
              outside: e.outside || outside,
              z_order: z,
              rotation: 0,
              points: e.points,
              attributes: e.attributes,
            });
          }
          return;
        }
        const base = {
          ...fileMeta(),
          frame: item.frame,
          label_id: label.id,
          occluded,
          outside: false,
          z_order: z,
          rotation,
          group,
          source: 'file' as const,
          attributes,
        };
        if (geometry.type === 'skeleton')
          dataset.shapes.push({ ...base, type: 'skeleton', points: [], elements: geometry.elements ?? [] });
        else dataset.shapes.push({ ...base, type: geometry.type, points: geometry.points } as Shape);
      });
    }
  }
  for (const t of tracks.values()) {
    t.shapes.sort((a, b) => a.frame - b.frame);
    // Datumaro does not say which attributes are mutable: one that changes along the track is.
    const specIds = new Set(t.shapes.flatMap((s) => s.attributes.map((a) => a.spec_id)));
    for (const id of specIds) {
      const spec = t.label.attributes.find((x) => x.id === id)!;
      const seen = new Set(t.shapes.map((s) => s.attributes.find((a) => a.spec_id === id)?.value));
      if (seen.size > 1) spec.mutable = true;
      if (spec.mutable) continue;
      t.attributes.set(id, [...seen][0] ?? '');
      for (const s of t.shapes) s.attributes = s.attributes.filter((a) => a.spec_id !== id);
    }
    const track: Track = {
      ...fileMeta(),
      job_id: '',
      frame: t.shapes[0]!.frame,
      label_id: t.label.id,
      group: t.group,
      source: 'file',
      attributes: [...t.attributes].map(([spec_id, value]) => ({ spec_id, value })),
      shapes: t.shapes,
      elements: [...t.elements].map(([label_id, shapes]) => {
        // Element attributes are not mutable in Datumaro: keep them on the element.
        const sorted = shapes.sort((a, b) => a.frame - b.frame);
        const attributes = sorted[0]?.attributes ?? [];
        return { label_id, attributes, shapes: sorted.map((s) => ({ ...s, attributes: [] })) };
      }),
    };
    dataset.tracks.push(track);
  }
  if (warnings.length > 0) dataset.meta.warnings = warnings;
  return dataset;
}

function values(
  book: LabelBook,
  owner: { name: string; attributes: LabelSpec['attributes'] },
  attrs: Record<string, unknown>,
  r: JsonReader,
  path: PathSegment[],
): AttributeValue[] {
  const out: AttributeValue[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    if (SPECIAL.has(name) || value === null || value === undefined) continue;
    if (typeof value === 'object')
      throw r.error([...path, name], `is ${show(value)}`, 'a string, number or boolean');
    const spec = book.attribute(
      owner,
      name,
      typeof value === 'boolean' ? { input_type: 'checkbox', values: ['false'], default_value: 'false' } : {},
    );
    out.push({ spec_id: spec.id, value: String(value) });
  }
  return out;
}

interface Geometry {
  type: ShapeType;
  points: number[];
  elements?: SkeletonElement[];
}

function readGeometry(
  r: JsonReader,
  a: Record<string, unknown>,
  ap: PathSegment[],
  type: string,
  label: LabelSpec,
  pointOrder: Map<string, string[]>,
  book: LabelBook,
  item: DatasetItem,
): Geometry | null {
  const shapeType = SHAPE_TYPES[type]!;
  switch (type) {
    case 'bbox': {
      const [x, y, w, h] = r.numbers(a.bbox, [...ap, 'bbox'], 4) as [number, number, number, number];
      if (w < 0 || h < 0)
        throw r.error(
          [...ap, 'bbox'],
          `has a negative size [${x}, ${y}, ${w}, ${h}]`,
          '[x, y, width ≥ 0, height ≥ 0]',
        );
      return { type: shapeType, points: [x, y, x + w, y + h] };
    }
    case 'ellipse': {
      const [x1, y1, x2, y2] = r.numbers(a.points, [...ap, 'points'], 4) as [number, number, number, number];
      const cx = (x1 + x2) / 2;
      const cy = (y1 + y2) / 2;
      return { type: shapeType, points: [cx, cy, x2, y1] };
    }
    case 'cuboid_2d': {
      const points = r.numbers(a.points, [...ap, 'points'], 16);
      return { type: shapeType, points };
    }
    case 'cuboid_3d': {
      const p = r.numbers(a.position, [...ap, 'position'], 3);
      const rot = r.numbers(a.rotation, [...ap, 'rotation'], 3);
      const s = r.numbers(a.scale, [...ap, 'scale'], 3);
      return { type: shapeType, points: [...p, ...rot, ...s, 0, 0, 0, 0, 0, 0, 0] };
    }
    case 'mask': {
      const rle = r.object(a.rle, [...ap, 'rle']);
      const [h, w] = r.numbers(rle.size, [...ap, 'rle', 'size'], 2) as [number, number];
      let counts: number[];
      if (typeof rle.counts === 'string') {
        try {
          counts = decodeCocoString(rle.counts);
        } catch (error) {
          throw r.error([...ap, 'rle', 'counts'], (error as Error).message, 'COCO compressed RLE');
        }
      } else counts = r.numbers(rle.counts, [...ap, 'rle', 'counts']);
      const total = counts.reduce((s, c) => s + c, 0);
      if (total > w * h)
        throw r.error(
          [...ap, 'rle', 'counts'],
          `runs cover ${total} pixels`,
          `at most ${w * h} (size ${h}×${w})`,
        );
      if (item.width === 0 && item.height === 0) {
        item.width = w;
        item.height = h;
      }
      const points = cocoRleToMask(counts, h, w);
      return points === null ? null : { type: 'mask', points };
    }
    case 'skeleton': {
      const raw = r.numbers(a.points, [...ap, 'points']);
      const order = pointOrder.get(label.id) ?? label.sublabels.map((s) => s.id);
      if (raw.length !== order.length * 3)
        throw r.error(
          [...ap, 'points'],
          `has ${raw.length} numbers`,
          `${order.length * 3} (x, y, visibility for each point of "${label.name}")`,
        );
      const pointAttrs =
        a.points_attributes === undefined ? [] : r.array(a.points_attributes, [...ap, 'points_attributes']);
      const elements = order.map((subId, k): SkeletonElement => {
        const v = raw[3 * k + 2]!;
        if (v !== 0 && v !== 1 && v !== 2)
          throw r.error(
            [...ap, 'points', 3 * k + 2],
            `visibility is ${v}`,
            '0 (absent), 1 (hidden) or 2 (visible)',
          );
        const sub = label.sublabels.find((s) => s.id === subId)!;
        const pa =
          pointAttrs[k] === undefined ? {} : r.object(pointAttrs[k], [...ap, 'points_attributes', k]);
        return {
          label_id: subId,
          type: 'points',
          points: [raw[3 * k]!, raw[3 * k + 1]!],
          occluded: v === 1,
          outside: v === 0,
          attributes: values(book, sub, pa, r, [...ap, 'points_attributes', k]),
        };
      });
      return { type: 'skeleton', points: [], elements };
    }
    default: {
      const points = r.numbers(a.points, [...ap, 'points']);
      const minimum = type === 'polygon' ? 6 : type === 'polyline' ? 4 : 2;
      if (points.length < minimum || points.length % 2 !== 0)
        throw r.error(
          [...ap, 'points'],
          `has ${points.length} numbers`,
          `x, y pairs, at least ${minimum / 2} point(s) for a ${type}`,
        );
      return { type: shapeType, points };
    }
  }
}
