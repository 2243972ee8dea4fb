/**
 * Writes Datumaro 1.0 JSON as CVAT does: `annotations/<subset>.json` (`default` without
 * subsets), labels with skeleton points as child labels, `categories.points` for skeletons
 * (1-based joints), items with `attr.frame`, `image` (`size` is `[height, width]`) or
 * `point_cloud` for 3D. Tracks are written as shapes on every frame from the first keyframe
 * with `track_id`, `keyframe` and `outside` attributes, which the reader joins back.
 */
import { shapeStateAt } from '../../core/interpolation';
import type {
  AttributeSpec,
  AttributeValue,
  LabelSpec,
  Shape,
  SkeletonElement,
  Track,
  TrackedShape,
} from '../../core/types';
import { exactExtent } from '../coco/read';
import { encodeCocoString, maskToCocoRle } from '../coco/rle';
import { skeletonEdges } from '../coco/write';
import { checkAbort } from '../common/dataset';
import type { Dataset, DatasetItem } from '../types';

type Json = Record<string, unknown>;

function typed(spec: AttributeSpec | undefined, value: string): string | number | boolean {
  if (spec?.input_type === 'checkbox') return value === 'true';
  if (spec?.input_type === 'number' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return value;
}

export interface DatumaroWriteOptions {
  signal?: AbortSignal;
}

/** The JSON files of the export: path → text. */
export function writeDatumaro(dataset: Dataset, options: DatumaroWriteOptions = {}): Map<string, string> {
  // Label list: each label, then its points as child labels.
  const entries: { name: string; parent: string; attributes: string[]; id: string }[] = [];
  const specs = new Map<string, AttributeSpec[]>();
  for (const l of dataset.labels) {
    entries.push({ name: l.name, parent: '', attributes: l.attributes.map((a) => a.name), id: l.id });
    specs.set(l.id, l.attributes);
    for (const s of l.sublabels) {
      entries.push({ name: s.name, parent: l.name, attributes: s.attributes.map((a) => a.name), id: s.id });
      specs.set(s.id, s.attributes);
    }
  }
  const index = new Map(entries.map((e, i) => [e.id, i]));
  const labelsById = new Map<string, LabelSpec>(dataset.labels.map((l) => [l.id, l]));
  const attrs = (owner: string, values: readonly AttributeValue[], extra: Json = {}): Json => {
    const out: Json = {};
    const list = specs.get(owner) ?? [];
    for (const v of values) {
      const spec = list.find((s) => s.id === v.spec_id);
      if (spec) out[spec.name] = typed(spec, v.value);
    }
    return { ...out, ...extra };
  };
  const categories: Json = {
    label: {
      labels: entries.map(({ name, parent, attributes }) => ({ name, parent, attributes })),
      attributes: ['occluded'],
    },
  };
  const skeletons = dataset.labels.filter((l) => l.sublabels.length > 0);
  if (skeletons.length > 0)
    categories.points = {
      items: skeletons.map((l) => ({
        label_id: index.get(l.id),
        labels: l.sublabels.map((s) => s.name),
        joints: skeletonEdges(l),
      })),
    };

  const byFrame = new Map<number, Json[]>();
  const items = new Map<number, DatasetItem>(dataset.items.map((i) => [i.frame, i]));
  let nextId = 0;
  const push = (frame: number, a: Json) => {
    let list = byFrame.get(frame);
    if (!list) byFrame.set(frame, (list = []));
    list.push({ id: nextId++, ...a });
  };

  const geometry = (
    type: Shape['type'],
    points: readonly number[],
    label: LabelSpec,
    elements: readonly SkeletonElement[],
    item: DatasetItem | undefined,
  ): Json | null => {
    switch (type) {
      case 'rectangle': {
        const x = Math.min(points[0]!, points[2]!);
        const y = Math.min(points[1]!, points[3]!);
        return {
          type: 'bbox',
          bbox: [
            x,
            y,
            exactExtent(x, Math.max(points[0]!, points[2]!)),
            exactExtent(y, Math.max(points[1]!, points[3]!)),
          ],
        };
      }
      case 'polygon':
      case 'polyline':
        return { type, points: [...points] };
      case 'points':
        return { type: 'points', points: [...points], visibility: new Array(points.length / 2).fill(2) };
      case 'ellipse': {
        const [cx, cy, px, py] = points as [number, number, number, number];
        const rx = px - cx;
        const ry = cy - py;
        return { type: 'ellipse', points: [cx - rx, cy - ry, cx + rx, cy + ry] };
      }
      case 'cuboid':
        if (dataset.dimension === '3d')
          return {
            type: 'cuboid_3d',
            position: points.slice(0, 3),
            rotation: points.slice(3, 6),
            scale: points.slice(6, 9),
          };
        return { type: 'cuboid_2d', points: [...points] };
      case 'mask': {
        const n = points.length;
        const width = item && item.width > 0 ? item.width : Math.round(points[n - 2]!) + 1;
        const height = item && item.height > 0 ? item.height : Math.round(points[n - 1]!) + 1;
        const rle = maskToCocoRle([...points], height, width);
        if (rle.area === 0) return null;
        return { type: 'mask', rle: { counts: encodeCocoString(rle.counts), size: [height, width] } };
      }
      case 'skeleton': {
        const flat: number[] = [];
        const pointAttributes: Json[] = [];
        for (const sub of label.sublabels) {
          const e = elements.find((x) => x.label_id === sub.id);
          if (!e) {
            flat.push(0, 0, 0);
            pointAttributes.push({});
            continue;
          }
          flat.push(e.points[0], e.points[1], e.outside ? 0 : e.occluded ? 1 : 2);
          pointAttributes.push(attrs(sub.id, e.attributes));
        }
        return { type: 'skeleton', points: flat, points_attributes: pointAttributes };
      }
    }
  };

  let n = 0;
  for (const s of dataset.shapes) {
    if ((n++ & 4095) === 0) checkAbort(options.signal);
    const label = labelsById.get(s.label_id);
    if (!label) continue;
    const g = geometry(s.type, s.points, label, s.type === 'skeleton' ? s.elements : [], items.get(s.frame));
    if (!g) continue;
    push(s.frame, {
      ...g,
      attributes: attrs(s.label_id, s.attributes, {
        occluded: s.occluded,
        ...(s.rotation !== 0 ? { rotation: s.rotation } : {}),
      }),
      group: s.group,
      label_id: index.get(s.label_id),
      z_order: s.z_order,
    });
  }
  for (const t of dataset.tags)
    push(t.frame, {
      type: 'label',
      attributes: attrs(t.label_id, t.attributes),
      group: t.group,
      label_id: index.get(t.label_id),
    });

  const frames = [...items.keys()].sort((a, b) => a - b);
  dataset.tracks.forEach((track: Track, trackId) => {
    const label = labelsById.get(track.label_id);
    if (!label) return;
    const keys = new Set(track.shapes.map((s) => s.frame));
    const first = track.shapes[0]?.frame ?? 0;
    const last = track.shapes[track.shapes.length - 1];
    const end = last?.outside ? last.frame : Infinity;
    const written = new Set(keys);
    for (const f of frames) if (f > first && f < end) written.add(f);
    for (const frame of [...written].sort((a, b) => a - b)) {
      const state = shapeStateAt(track.shapes, frame);
      if (!state) continue;
      const keyframe = keys.has(frame);
      if (!keyframe && state.outside) continue;
      const elements: SkeletonElement[] = track.elements.flatMap((e) => {
        const es: TrackedShape | null = shapeStateAt(e.shapes, frame);
        return es
          ? [
              {
                label_id: e.label_id,
                type: 'points' as const,
                points: [es.points[0] ?? 0, es.points[1] ?? 0] as [number, number],
                occluded: es.occluded,
                outside: es.outside,
                attributes: e.attributes,
              },
            ]
          : [];
      });
      const g = geometry(state.type, state.points, label, elements, items.get(frame));
      if (!g) continue;
      const merged = new Map<string, string>();
      for (const a of track.attributes) merged.set(a.spec_id, a.value);
      for (const a of state.attributes) merged.set(a.spec_id, a.value);
      push(frame, {
        ...g,
        attributes: attrs(
          track.label_id,
          [...merged].map(([spec_id, value]) => ({ spec_id, value })),
          {
            occluded: state.occluded,
            ...(state.rotation !== 0 ? { rotation: state.rotation } : {}),
            track_id: trackId,
            keyframe,
            outside: state.outside,
          },
        ),
        group: track.group,
        label_id: index.get(track.label_id),
        z_order: state.z_order,
      });
    }
  });

  const subsets = new Map<string, DatasetItem[]>();
  for (const item of [...dataset.items].sort((a, b) => a.frame - b.frame)) {
    const name = item.subset === '' ? 'default' : item.subset;
    let list = subsets.get(name);
    if (!list) subsets.set(name, (list = []));
    list.push(item);
  }
  if (subsets.size === 0) subsets.set('default', []);
  const files = new Map<string, string>();
  for (const [subset, list] of subsets) {
    const out = list.map((item) => {
      const id = item.name.replace(/\.[^./]+$/, '');
      const media =
        dataset.dimension === '3d'
          ? {
              point_cloud: { path: item.name },
              ...(item.related ? { related_images: item.related.map((path) => ({ path })) } : {}),
            }
          : { image: { path: item.name, size: [item.height, item.width] } };
      return { id, annotations: byFrame.get(item.frame) ?? [], attr: { frame: item.frame }, ...media };
    });
    files.set(`annotations/${subset}.json`, JSON.stringify({ info: {}, categories, items: out }));
  }
  return files;
}
