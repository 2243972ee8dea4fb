/**
 * Writes COCO 1.0 instances and COCO Keypoints 1.0 files as CVAT does: one
 * `annotations/<task>_<subset>.json` per subset (`default` without subsets), ids from 1,
 * categories for every label, CVAT's `attributes` (`occluded`, `rotation`, label attributes).
 * Coordinates are written at full precision; widths and heights drop float noise so that
 * `x + w` gives back the right edge. Tracks become shapes on every frame (`expandTracks`).
 *
 * Instances carry rectangles (`segmentation: []`), polygons (several polygons of one group and
 * label become one object with several rings) and masks (uncompressed RLE, `iscrowd: 1`).
 * Polylines, points, ellipses, cuboids, skeletons and tags are not carried. Keypoints carry
 * skeletons only.
 */
import { decodeMaskToImage, maskArea, polygonArea, rasterizePolygon } from '../../core/mask';
import type { AttributeSpec, AttributeValue, LabelSpec, Shape } from '../../core/types';
import { checkAbort, expandTracks } from '../common/dataset';
import type { Dataset, DatasetItem } from '../types';
import { clean, exactExtent, parseSkeletonSvg, type CocoKind } from './read';
import { bitmapToCocoRle, maskToCocoRle } from './rle';

interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: number[][] | { counts: number[]; size: [number, number] };
  area: number;
  bbox: [number, number, number, number];
  iscrowd: 0 | 1;
  attributes: Record<string, string | number | boolean>;
  score?: number;
  keypoints?: number[];
  num_keypoints?: number;
}

function typedValue(spec: AttributeSpec, value: string): string | number | boolean {
  if (spec.input_type === 'checkbox') return value === 'true';
  if (spec.input_type === 'number' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return value;
}

function attributesOf(
  label: LabelSpec,
  shape: { occluded: boolean; rotation: number; attributes: AttributeValue[] },
  skip?: string,
) {
  const out: Record<string, string | number | boolean> = {};
  let score: number | undefined;
  for (const a of shape.attributes) {
    const spec = label.attributes.find((s) => s.id === a.spec_id);
    if (!spec || spec.name === skip) continue;
    if (spec.name === 'score' && Number.isFinite(Number(a.value)) && a.value.trim() !== '')
      score = Number(a.value);
    else out[spec.name] = typedValue(spec, a.value);
  }
  out.occluded = shape.occluded;
  out.rotation = shape.rotation;
  return { attributes: out, score };
}

function bounds(points: readonly number[]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    x0 = Math.min(x0, points[i]!);
    x1 = Math.max(x1, points[i]!);
    y0 = Math.min(y0, points[i + 1]!);
    y1 = Math.max(y1, points[i + 1]!);
  }
  if (x0 > x1) return [0, 0, 0, 0];
  return [x0, y0, clean(x1 - x0), clean(y1 - y0)];
}

const CROWD_TYPES = new Set(['rectangle', 'polygon', 'mask']);

function shapeArea(s: Shape): number {
  if (s.type === 'rectangle') return Math.abs((s.points[2] - s.points[0]) * (s.points[3] - s.points[1]));
  if (s.type === 'polygon') return Math.abs(polygonArea(s.points));
  if (s.type === 'mask') return maskArea(s.points);
  return 0;
}

/** Label id → the id of its `is_crowd` attribute spec, for labels that have one. */
function crowdSpecs(labels: readonly LabelSpec[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of labels) {
    const spec = l.attributes.find((a) => a.name === 'is_crowd');
    if (spec) out.set(l.id, spec.id);
  }
  return out;
}

function isCrowd(s: Shape, specs: ReadonlyMap<string, string>): boolean {
  const spec = specs.get(s.label_id);
  if (spec === undefined || !CROWD_TYPES.has(s.type)) return false;
  const v = s.attributes.find((a) => a.spec_id === spec)?.value;
  return v === 'true' || v === '1';
}

interface Crowd {
  lead: Shape;
  members: Shape[];
  /** Right and bottom edges of the members, for images without a size. */
  extent: [number, number];
}

/**
 * CVAT's `is_crowd` rule: a shape whose `is_crowd` attribute is set becomes one RLE object
 * together with the other rectangles, polygons and masks of its group; the largest shape gives
 * the label and attributes.
 */
function crowdGroups(shapes: readonly Shape[], specs: ReadonlyMap<string, string>): Crowd[] {
  const out: Crowd[] = [];
  const taken = new Set<Shape>();
  for (const s of shapes) {
    if (taken.has(s) || !isCrowd(s, specs)) continue;
    const members =
      s.group !== 0 ? shapes.filter((o) => o.group === s.group && CROWD_TYPES.has(o.type)) : [s];
    for (const m of members) taken.add(m);
    const lead = members.reduce((a, b) => (shapeArea(b) > shapeArea(a) ? b : a));
    let w = 1;
    let h = 1;
    for (const m of members) {
      const n = m.points.length;
      const xs = m.type === 'mask' ? [m.points[n - 2]! + 1] : m.points.filter((_, i) => i % 2 === 0);
      const ys = m.type === 'mask' ? [m.points[n - 1]! + 1] : m.points.filter((_, i) => i % 2 === 1);
      w = Math.max(w, Math.ceil(Math.max(...xs)));
      h = Math.max(h, Math.ceil(Math.max(...ys)));
    }
    out.push({ lead, members, extent: [w, h] });
  }
  return out;
}

/** The union of crowd members on a `width` x `height` bitmap. */
function crowdBitmap(members: readonly Shape[], width: number, height: number): Uint8Array {
  const bitmap = new Uint8Array(width * height);
  for (const m of members) {
    if (m.type === 'mask') {
      const full = decodeMaskToImage(m.points, width, height);
      for (let i = 0; i < full.length; i++) if (full[i]) bitmap[i] = 1;
    } else if (m.type === 'rectangle') {
      const [a, b, c, d] = m.points;
      rasterizePolygon(bitmap, width, height, [a, b, c, b, c, d, a, d], 1);
    } else rasterizePolygon(bitmap, width, height, m.points, 1);
  }
  return bitmap;
}

/** Keypoint edges of a skeleton label as 1-based index pairs, from its SVG. */
export function skeletonEdges(label: LabelSpec): [number, number][] {
  const { nodes, edges } = parseSkeletonSvg(label.svg);
  const index = (node: string): number => {
    const name = nodes.get(node);
    const byName = name === undefined ? -1 : label.sublabels.findIndex((s) => s.name === name);
    if (byName >= 0) return byName + 1;
    const n = Number(node);
    return Number.isInteger(n) && n >= 1 && n <= label.sublabels.length ? n : -1;
  };
  return edges.map(([a, b]): [number, number] => [index(a), index(b)]).filter(([a, b]) => a > 0 && b > 0);
}

export interface CocoWriteOptions {
  signal?: AbortSignal;
}

/** The JSON files of the export: path → text. */
export function writeCoco(
  dataset: Dataset,
  kind: CocoKind,
  options: CocoWriteOptions = {},
): Map<string, string> {
  const flat = expandTracks(dataset);
  const labels = dataset.labels;
  const labelIndex = new Map(labels.map((l, i) => [l.id, i]));
  const crowdSpecIds = crowdSpecs(labels);
  const categories = labels.map((l, i) => {
    const base = { id: i + 1, name: l.name, supercategory: '' };
    if (kind !== 'keypoints') return base;
    const skeleton = l.type === 'skeleton' || l.sublabels.length > 0;
    return {
      ...base,
      keypoints: skeleton ? l.sublabels.map((s) => s.name) : [],
      skeleton: skeleton ? skeletonEdges(l) : [],
    };
  });

  const subsets = new Map<string, DatasetItem[]>();
  for (const item of [...dataset.items].sort((a, b) => a.frame - b.frame)) {
    const name = item.subset === '' ? 'default' : item.subset;
    let list = subsets.get(name);
    if (!list) subsets.set(name, (list = []));
    list.push(item);
  }
  if (subsets.size === 0) subsets.set('default', []);
  const byFrame = new Map<number, Shape[]>();
  for (const s of flat.shapes) {
    if (s.outside) continue;
    let list = byFrame.get(s.frame);
    if (!list) byFrame.set(s.frame, (list = []));
    list.push(s);
  }

  const files = new Map<string, string>();
  for (const [subset, items] of subsets) {
    const annotations: CocoAnnotation[] = [];
    const images = items.map((item) => ({
      id: item.frame + 1,
      width: item.width,
      height: item.height,
      file_name: item.name,
      license: 0,
      flickr_url: '',
      coco_url: '',
      date_captured: 0,
    }));
    let n = 0;
    for (const item of items) {
      if ((n++ & 1023) === 0) checkAbort(options.signal);
      const shapes = byFrame.get(item.frame) ?? [];
      const merged = new Set<Shape>();
      if (kind === 'instances') {
        for (const crowd of crowdGroups(shapes, crowdSpecIds)) {
          for (const c of crowd.members) merged.add(c);
          const label = labels[labelIndex.get(crowd.lead.label_id) ?? -1]!;
          const width = item.width > 0 ? item.width : crowd.extent[0];
          const height = item.height > 0 ? item.height : crowd.extent[1];
          const rle = bitmapToCocoRle(crowdBitmap(crowd.members, width, height), height, width);
          if (rle.area === 0) continue;
          const { attributes, score } = attributesOf(label, crowd.lead, 'is_crowd');
          annotations.push({
            id: annotations.length + 1,
            image_id: item.frame + 1,
            category_id: labelIndex.get(crowd.lead.label_id)! + 1,
            iscrowd: 1,
            attributes,
            ...(score !== undefined ? { score } : {}),
            segmentation: { counts: rle.counts, size: [height, width] },
            area: rle.area,
            bbox: rle.bbox,
          });
        }
      }
      for (const s of shapes) {
        if (merged.has(s)) continue;
        const label = labels[labelIndex.get(s.label_id) ?? -1];
        if (!label) continue;
        const { attributes, score } = attributesOf(label, s);
        const base = {
          id: annotations.length + 1,
          image_id: item.frame + 1,
          category_id: labelIndex.get(s.label_id)! + 1,
          iscrowd: 0 as 0 | 1,
          attributes,
          ...(score !== undefined ? { score } : {}),
        };
        if (kind === 'keypoints') {
          if (s.type !== 'skeleton') continue;
          const keypoints: number[] = [];
          const visible: number[] = [];
          let count = 0;
          for (const sub of label.sublabels) {
            const e = s.elements.find((el) => el.label_id === sub.id);
            if (!e) {
              keypoints.push(0, 0, 0);
              continue;
            }
            const v = e.outside ? 0 : e.occluded ? 1 : 2;
            keypoints.push(e.points[0], e.points[1], v);
            if (v > 0) {
              count++;
              visible.push(e.points[0], e.points[1]);
            }
          }
          const bbox = bounds(visible);
          annotations.push({
            ...base,
            segmentation: [],
            area: clean(bbox[2] * bbox[3]),
            bbox,
            keypoints,
            num_keypoints: count,
          });
          continue;
        }
        if (s.type === 'rectangle') {
          const [a, b, c, d] = s.points;
          const x = Math.min(a, c);
          const y = Math.min(b, d);
          const w = exactExtent(x, Math.max(a, c));
          const h = exactExtent(y, Math.max(b, d));
          annotations.push({ ...base, segmentation: [], area: clean(w * h), bbox: [x, y, w, h] });
        } else if (s.type === 'polygon') {
          const group =
            s.group !== 0
              ? shapes.filter((o) => o.type === 'polygon' && o.group === s.group && o.label_id === s.label_id)
              : [s];
          for (const g of group) merged.add(g);
          const rings = group.map((g) => [...g.points]);
          const all = rings.flat();
          annotations.push({
            ...base,
            segmentation: rings,
            area: clean(rings.reduce((sum, r) => sum + Math.abs(polygonArea(r)), 0)),
            bbox: bounds(all),
          });
        } else if (s.type === 'mask') {
          const n4 = s.points.length;
          const width = item.width > 0 ? item.width : Math.round(s.points[n4 - 2]!) + 1;
          const height = item.height > 0 ? item.height : Math.round(s.points[n4 - 1]!) + 1;
          const rle = maskToCocoRle(s.points, height, width);
          if (rle.area === 0) continue;
          annotations.push({
            ...base,
            iscrowd: 1,
            segmentation: { counts: rle.counts, size: [height, width] },
            area: rle.area,
            bbox: rle.bbox,
          });
        }
      }
    }
    const doc = {
      licenses: [{ name: '', id: 0, url: '' }],
      info: { contributor: '', date_created: '', description: '', url: '', version: '', year: '' },
      categories,
      images,
      annotations,
    };
    const task = kind === 'keypoints' ? 'person_keypoints' : 'instances';
    files.set(`annotations/${task}_${subset}.json`, JSON.stringify(doc));
  }
  return files;
}
