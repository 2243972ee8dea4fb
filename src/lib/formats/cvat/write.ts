/**
 * Writes CVAT for images 1.1 and CVAT for video 1.1 XML, in the layout of CVAT's 2023 exporter:
 * 2-space indentation, coordinates with 2 decimals, elements always written as open/close pairs.
 * Images: tracks become shapes on every frame where they are visible (`expandTracks`). Video:
 * tracks keep keyframes and `outside`, interpolated frames are written with `keyframe="0"` as
 * CVAT does, and standalone shapes become one-frame tracks.
 */
import { shapeStateAt } from '../../core/interpolation';
import type {
  AttributeSpec,
  AttributeValue,
  LabelSpec,
  Shape,
  Tag,
  Track,
  TrackedShape,
} from '../../core/types';
import { checkAbort, expandTracks } from '../common/dataset';
import { XmlWriter } from '../common/xml';
import type { Dataset } from '../types';
import { CUBOID_KEYS } from './read';

const XML_TAGS: Record<string, string> = {
  rectangle: 'box',
  polygon: 'polygon',
  polyline: 'polyline',
  points: 'points',
  ellipse: 'ellipse',
  cuboid: 'cuboid',
  mask: 'mask',
  skeleton: 'skeleton',
};

type Attrs = Record<string, string | number | undefined>;

export function fmt(n: number): string {
  const s = n.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

function pointString(points: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) parts.push(`${fmt(points[i]!)},${fmt(points[i + 1]!)}`);
  return parts.join(';');
}

/** Geometry attributes of a shape, in CVAT's attribute order. */
function geometryAttrs(type: string, points: readonly number[], rotation: number): Attrs {
  const rot = rotation !== 0 ? fmt(rotation) : undefined;
  switch (type) {
    case 'rectangle':
      return {
        xtl: fmt(points[0]!),
        ytl: fmt(points[1]!),
        xbr: fmt(points[2]!),
        ybr: fmt(points[3]!),
        rotation: rot,
      };
    case 'ellipse':
      return {
        cx: fmt(points[0]!),
        cy: fmt(points[1]!),
        rx: fmt(points[2]! - points[0]!),
        ry: fmt(points[1]! - points[3]!),
        rotation: rot,
      };
    case 'cuboid': {
      const out: Attrs = {};
      CUBOID_KEYS.forEach((k, i) => (out[k] = fmt(points[i] ?? 0)));
      return out;
    }
    case 'mask': {
      const n = points.length;
      const left = Math.round(points[n - 4]!);
      const top = Math.round(points[n - 3]!);
      return {
        rle: points.slice(0, n - 4).join(', '),
        left,
        top,
        width: Math.round(points[n - 2]!) - left + 1,
        height: Math.round(points[n - 1]!) - top + 1,
      };
    }
    case 'skeleton':
      return {};
    default:
      return { points: pointString(points) };
  }
}

class Labels {
  private readonly byId = new Map<string, { name: string; attributes: AttributeSpec[] }>();

  constructor(labels: readonly LabelSpec[]) {
    for (const l of labels) {
      this.byId.set(l.id, l);
      for (const s of l.sublabels) this.byId.set(s.id, s);
    }
  }

  name(id: string): string {
    const l = this.byId.get(id);
    if (!l) throw new Error(`CVAT export: unknown label id ${id}`);
    return l.name;
  }

  attributes(id: string, values: readonly AttributeValue[]): [string, string][] {
    const specs = this.byId.get(id)?.attributes ?? [];
    const out: [string, string][] = [];
    for (const v of values) {
      const spec = specs.find((s) => s.id === v.spec_id);
      if (spec) out.push([spec.name, v.value]);
    }
    return out;
  }
}

function writeAttributes(w: XmlWriter, list: [string, string][]): void {
  for (const [name, value] of list) w.leaf('attribute', { name }, value);
}

function writeLabelSpecs(w: XmlWriter, labels: readonly LabelSpec[]): void {
  const attrSpecs = (specs: readonly AttributeSpec[]) => {
    w.open('attributes');
    for (const a of specs) {
      w.open('attribute');
      w.leaf('name', {}, a.name);
      w.leaf('mutable', {}, a.mutable ? 'True' : 'False');
      w.leaf('input_type', {}, a.input_type);
      w.leaf('default_value', {}, a.default_value);
      w.leaf('values', {}, a.values.join('\n'));
      w.close();
    }
    w.close();
  };
  w.open('labels');
  for (const l of labels) {
    w.open('label');
    w.leaf('name', {}, l.name);
    w.leaf('color', {}, l.color);
    w.leaf('type', {}, l.type);
    attrSpecs(l.attributes);
    if (l.type === 'skeleton' || l.sublabels.length > 0) w.leaf('svg', {}, l.svg);
    w.close();
    for (const s of l.sublabels) {
      w.open('label');
      w.leaf('name', {}, s.name);
      w.leaf('color', {}, s.color);
      w.leaf('type', {}, 'points');
      attrSpecs(s.attributes);
      w.leaf('parent', {}, l.name);
      w.close();
    }
  }
  w.close();
}

function writeMeta(w: XmlWriter, dataset: Dataset, mode: 'annotation' | 'interpolation'): void {
  const start = Number(dataset.meta.startFrame ?? 0);
  const step = Number(dataset.meta.frameStep ?? 1);
  const last = dataset.items.reduce((m, i) => Math.max(m, i.frame), -1);
  w.open('meta');
  w.open('task');
  w.leaf('name', {}, String(dataset.meta.name ?? ''));
  w.leaf('size', {}, String(dataset.items.length));
  w.leaf('mode', {}, mode);
  w.leaf('start_frame', {}, String(start));
  w.leaf('stop_frame', {}, String(start + Math.max(0, last) * step));
  w.leaf('frame_filter', {}, step > 1 ? `step=${step}` : '');
  writeLabelSpecs(w, dataset.labels);
  w.close();
  if (mode === 'interpolation' && dataset.items.length > 0) {
    const first = dataset.items[0]!;
    w.open('original_size');
    w.leaf('width', {}, String(first.width));
    w.leaf('height', {}, String(first.height));
    w.close();
  }
  if (dataset.meta.source) w.leaf('source', {}, String(dataset.meta.source));
  w.leaf('dumped', {}, new Date().toISOString().replace('T', ' ').replace('Z', '+00:00'));
  w.close();
}

function writeShape(w: XmlWriter, labels: Labels, s: Shape): void {
  const tag = XML_TAGS[s.type]!;
  w.open(tag, {
    label: labels.name(s.label_id),
    source: s.source,
    occluded: s.occluded ? 1 : 0,
    ...geometryAttrs(s.type, s.points, s.rotation),
    z_order: s.z_order,
    group_id: s.group !== 0 ? s.group : undefined,
  });
  if (s.type === 'skeleton') {
    for (const e of s.elements) {
      w.open('points', {
        label: labels.name(e.label_id),
        source: s.source,
        outside: e.outside ? 1 : 0,
        occluded: e.occluded ? 1 : 0,
        points: pointString(e.points),
      });
      writeAttributes(w, labels.attributes(e.label_id, e.attributes));
      w.close();
    }
  }
  writeAttributes(w, labels.attributes(s.label_id, s.attributes));
  w.close();
}

function writeTag(w: XmlWriter, labels: Labels, t: Tag, frame?: number): void {
  w.open('tag', {
    frame,
    label: labels.name(t.label_id),
    source: t.source,
    group_id: t.group !== 0 ? t.group : undefined,
  });
  writeAttributes(w, labels.attributes(t.label_id, t.attributes));
  w.close();
}

/** Moves the writer's text into `parts` now and then, to keep strings small. */
function flush(w: XmlWriter, parts: string[]): void {
  if (w.size > 1 << 22) parts.push(w.take());
}

/** CVAT for images XML. Tracks are turned into shapes on every frame where they are visible. */
export function writeCvatImagesXml(dataset: Dataset, signal?: AbortSignal): string {
  const flat = expandTracks(dataset);
  const labels = new Labels(dataset.labels);
  const w = new XmlWriter();
  const parts: string[] = [];
  w.open('annotations');
  w.leaf('version', {}, '1.1');
  writeMeta(w, dataset, 'annotation');
  const shapesByFrame = new Map<number, Shape[]>();
  for (const s of flat.shapes) {
    if (s.outside) continue;
    let list = shapesByFrame.get(s.frame);
    if (!list) shapesByFrame.set(s.frame, (list = []));
    list.push(s);
  }
  const tagsByFrame = new Map<number, Tag[]>();
  for (const t of flat.tags) {
    let list = tagsByFrame.get(t.frame);
    if (!list) tagsByFrame.set(t.frame, (list = []));
    list.push(t);
  }
  const items = [...dataset.items].sort((a, b) => a.frame - b.frame);
  let n = 0;
  for (const item of items) {
    if ((n++ & 1023) === 0) checkAbort(signal);
    w.open('image', {
      id: item.frame,
      name: item.name,
      subset: item.subset !== '' ? item.subset : undefined,
      width: item.width,
      height: item.height,
    });
    for (const s of shapesByFrame.get(item.frame) ?? []) writeShape(w, labels, s);
    for (const t of tagsByFrame.get(item.frame) ?? []) writeTag(w, labels, t);
    w.close();
    flush(w, parts);
  }
  w.close();
  parts.push(w.toString());
  return parts.join('');
}

function trackedAttrs(t: TrackedShape, frame: number, keyframe: boolean): Attrs {
  return {
    frame,
    keyframe: keyframe ? 1 : 0,
    outside: t.outside ? 1 : 0,
    occluded: t.occluded ? 1 : 0,
    ...geometryAttrs(t.type, t.points, t.rotation),
    z_order: t.z_order,
  };
}

function mergedAttributes(
  track: readonly AttributeValue[],
  shape: readonly AttributeValue[],
): AttributeValue[] {
  const m = new Map<string, string>();
  for (const a of track) m.set(a.spec_id, a.value);
  for (const a of shape) m.set(a.spec_id, a.value);
  return [...m].map(([spec_id, value]) => ({ spec_id, value }));
}

/** The frames a track is written on: keyframes plus the item frames between them (and after the last one, unless it is outside). */
function trackFrames(
  shapes: readonly TrackedShape[],
  frames: readonly number[],
  interpolated: boolean,
): number[] {
  if (shapes.length === 0) return [];
  const keys = shapes.map((s) => s.frame);
  if (!interpolated) return keys;
  const first = keys[0]!;
  const lastShape = shapes[shapes.length - 1]!;
  const end = lastShape.outside ? lastShape.frame : Infinity;
  const set = new Set(keys);
  for (const f of frames) if (f > first && f < end) set.add(f);
  return [...set].sort((a, b) => a - b);
}

function shapeToTrack(s: Shape, next: number | undefined): Track {
  const base: TrackedShape = {
    type: s.type,
    frame: s.frame,
    occluded: s.occluded,
    outside: false,
    z_order: s.z_order,
    rotation: s.rotation,
    points: s.points,
    attributes: [],
  };
  const shapes = next === undefined ? [base] : [base, { ...base, frame: next, outside: true }];
  const elements =
    s.type === 'skeleton'
      ? s.elements.map((e) => {
          const kf: TrackedShape = {
            type: 'points',
            frame: s.frame,
            occluded: e.occluded,
            outside: e.outside,
            z_order: s.z_order,
            rotation: 0,
            points: e.points,
            attributes: [],
          };
          return {
            label_id: e.label_id,
            attributes: e.attributes,
            shapes: next === undefined ? [kf] : [kf, { ...kf, frame: next, outside: true }],
          };
        })
      : [];
  return {
    id: s.id,
    updated_date: s.updated_date,
    author: s.author,
    job_id: '',
    frame: s.frame,
    label_id: s.label_id,
    group: s.group,
    source: s.source,
    attributes: s.attributes,
    shapes,
    elements,
  };
}

export interface CvatVideoWriteOptions {
  /** Write every frame between keyframes with `keyframe="0"`, as CVAT does. Default true. */
  interpolated?: boolean;
  signal?: AbortSignal;
}

/** CVAT for video XML. Frame numbers are written as `startFrame + frame * frameStep`. */
export function writeCvatVideoXml(dataset: Dataset, options: CvatVideoWriteOptions = {}): string {
  const interpolated = options.interpolated ?? true;
  const start = Number(dataset.meta.startFrame ?? 0);
  const step = Number(dataset.meta.frameStep ?? 1);
  const abs = (f: number) => start + f * step;
  const labels = new Labels(dataset.labels);
  const frames = [...new Set(dataset.items.map((i) => i.frame))].sort((a, b) => a - b);
  const nextFrame = (f: number): number | undefined => {
    let lo = 0;
    let hi = frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (frames[mid]! <= f) lo = mid + 1;
      else hi = mid;
    }
    return frames[lo];
  };
  const tracks: Track[] = [...dataset.tracks];
  for (const s of dataset.shapes) tracks.push(shapeToTrack(s, nextFrame(s.frame)));

  const w = new XmlWriter();
  const parts: string[] = [];
  w.open('annotations');
  w.leaf('version', {}, '1.1');
  writeMeta(w, dataset, 'interpolation');
  tracks.forEach((track, id) => {
    if ((id & 255) === 0) checkAbort(options.signal);
    w.open('track', {
      id,
      label: labels.name(track.label_id),
      source: track.source,
      group_id: track.group !== 0 ? track.group : undefined,
    });
    const keyframes = new Set(track.shapes.map((s) => s.frame));
    for (const frame of trackFrames(track.shapes, frames, interpolated)) {
      const state = shapeStateAt(track.shapes, frame);
      if (state === null) continue;
      const keyframe = keyframes.has(frame);
      if (!keyframe && state.outside) continue;
      const attributes = labels.attributes(
        track.label_id,
        mergedAttributes(track.attributes, state.attributes),
      );
      if (state.type === 'skeleton') {
        const states = track.elements.map((element) => shapeStateAt(element.shapes, frame));
        if (!keyframe && states.every((e) => e === null || e.outside)) continue;
        w.open('skeleton', {
          frame: abs(frame),
          keyframe: keyframe ? 1 : 0,
          outside: state.outside ? 1 : 0,
          occluded: state.occluded ? 1 : 0,
          z_order: state.z_order,
        });
        track.elements.forEach((element, k) => {
          const e = states[k];
          if (e === null || e === undefined) return;
          w.open('points', {
            label: labels.name(element.label_id),
            keyframe: element.shapes.some((s) => s.frame === frame) ? 1 : 0,
            outside: e.outside || state.outside ? 1 : 0,
            occluded: e.occluded ? 1 : 0,
            points: pointString(e.points),
          });
          writeAttributes(
            w,
            labels.attributes(element.label_id, mergedAttributes(element.attributes, e.attributes)),
          );
          w.close();
        });
        writeAttributes(w, attributes);
        w.close();
      } else {
        w.open(XML_TAGS[state.type]!, trackedAttrs(state, abs(frame), keyframe));
        writeAttributes(w, attributes);
        w.close();
      }
      flush(w, parts);
    }
    w.close();
  });
  for (const t of dataset.tags) writeTag(w, labels, t, abs(t.frame));
  w.close();
  parts.push(w.toString());
  return parts.join('');
}
