/**
 * Editing tracks (CVAT's track mode): create a track from a drawn shape, see it as a shape on
 * any frame, write an edit made on one frame back as a keyframe, and the track operations
 * (keyframe and outside switches, split, merge, shape ↔ track). Pure functions over `Track`,
 * so the job view, the exporters and the server share them.
 *
 * Attributes: a label's mutable attributes live on each keyframe, the others on the track.
 */
import { newId, now } from './ids';
import { keyframeIndexAt, shapeStateAt, type ResolvedShape } from './interpolation';
import { defaultAttributeValues, type DrawnGeometry } from './shapes';
import type {
  AttributeValue,
  FrameObject,
  Id,
  LabelSpec,
  Shape,
  SkeletonElement,
  Track,
  TrackedShape,
} from './types';

type ShapeObject = Extract<FrameObject, { kind: 'shape' }>;

/** Splits attribute values into the label's mutable and immutable ones. */
export function splitAttributes(
  values: readonly AttributeValue[],
  label: Pick<LabelSpec, 'attributes'> | undefined,
): { mutable: AttributeValue[]; immutable: AttributeValue[] } {
  const mutableIds = new Set(label?.attributes.filter((a) => a.mutable).map((a) => a.id) ?? []);
  const mutable: AttributeValue[] = [];
  const immutable: AttributeValue[] = [];
  for (const v of values) (mutableIds.has(v.spec_id) ? mutable : immutable).push(v);
  return { mutable, immutable };
}

function keyframeOf(shape: Shape, frame: number, attributes: AttributeValue[]): TrackedShape {
  return {
    type: shape.type,
    frame,
    occluded: shape.occluded,
    outside: shape.outside,
    z_order: shape.z_order,
    rotation: shape.rotation,
    points: shape.type === 'skeleton' ? [] : [...shape.points],
    attributes,
  };
}

function elementKeyframe(e: SkeletonElement, frame: number, z_order: number): TrackedShape {
  return {
    type: 'points',
    frame,
    occluded: e.occluded,
    outside: e.outside,
    z_order,
    rotation: 0,
    points: [...e.points],
    attributes: e.attributes,
  };
}

/** A new track whose first keyframe is `shape` (CVAT's "Track" button, or shape → track). */
export function trackFromShape(shape: Shape, label: LabelSpec | undefined, jobId: Id): Track {
  const { mutable, immutable } = splitAttributes(shape.attributes, label);
  return {
    id: newId(),
    updated_date: now(),
    author: shape.author,
    job_id: jobId,
    frame: shape.frame,
    label_id: shape.label_id,
    group: shape.group,
    source: shape.source,
    attributes: immutable,
    shapes: [keyframeOf({ ...shape, outside: false }, shape.frame, mutable)],
    elements:
      shape.type === 'skeleton'
        ? shape.elements.map((e) => ({
            label_id: e.label_id,
            attributes: [],
            shapes: [elementKeyframe(e, shape.frame, shape.z_order)],
          }))
        : [],
  };
}

/** A track drawn from scratch on `frame`. */
export function createTrack(input: {
  geometry: DrawnGeometry;
  frame: number;
  label: LabelSpec;
  jobId: Id;
  z_order: number;
}): Track {
  const { geometry, frame, label } = input;
  const shape = {
    kind: 'shape',
    id: '',
    updated_date: now(),
    author: '',
    frame,
    label_id: label.id,
    occluded: false,
    outside: false,
    z_order: input.z_order,
    rotation: geometry.rotation ?? 0,
    group: 0,
    source: 'manual',
    attributes: defaultAttributeValues(label),
    type: geometry.type,
    points: geometry.type === 'skeleton' ? [] : [...geometry.points],
    elements: (geometry.elements ?? []).map((e) => ({ ...e, type: 'points' as const, attributes: [] })),
  } as unknown as Shape;
  return trackFromShape(shape, label, input.jobId);
}

/** Where a frame lies in a track: keyframe or not, and its neighbouring keyframes. */
export interface TrackPosition {
  keyframe: boolean;
  outside: boolean;
  previousKeyframe: number | null;
  nextKeyframe: number | null;
  firstFrame: number;
  lastKeyframe: number;
}

export function trackPosition(track: Track, frame: number): TrackPosition | null {
  const shapes = track.shapes;
  if (shapes.length === 0) return null;
  const i = keyframeIndexAt(shapes, frame);
  const keyframe = i >= 0 && shapes[i]!.frame === frame;
  const prev = keyframe ? i - 1 : i;
  const next = i + 1;
  return {
    keyframe,
    outside: i < 0 || shapes[i]!.outside,
    previousKeyframe: prev >= 0 ? shapes[prev]!.frame : null,
    nextKeyframe: next < shapes.length ? shapes[next]!.frame : null,
    firstFrame: shapes[0]!.frame,
    lastKeyframe: shapes[shapes.length - 1]!.frame,
  };
}

/**
 * The track as a shape on `frame` (outside included, so the sidebar can switch it back), or null
 * before its first keyframe. The object's id is the track's id.
 */
export function trackShapeAt(track: Track, frame: number): ShapeObject | null {
  const state = shapeStateAt(track.shapes, frame);
  if (state === null) return null;
  return shapeFromState(track, state, frame);
}

/** The shape a resolved state stands for (the view the canvas and sidebar work with). */
export function shapeFromState(track: Track, state: ResolvedShape, frame: number): ShapeObject {
  const base = {
    kind: 'shape' as const,
    id: track.id,
    updated_date: track.updated_date,
    author: track.author,
    frame,
    label_id: track.label_id,
    occluded: state.occluded,
    outside: state.outside,
    z_order: state.z_order,
    rotation: state.rotation,
    group: track.group,
    source: track.source,
    attributes: [...track.attributes, ...state.attributes],
  };
  if (state.type !== 'skeleton') return { ...base, type: state.type, points: state.points } as ShapeObject;
  const elements: SkeletonElement[] = track.elements.map((element) => {
    const s = shapeStateAt(element.shapes, frame);
    return {
      label_id: element.label_id,
      type: 'points',
      points: s && s.points.length >= 2 ? [s.points[0]!, s.points[1]!] : [0, 0],
      occluded: s?.occluded ?? false,
      outside: s === null || s.outside,
      attributes: s?.attributes ?? element.attributes,
    };
  });
  return { ...base, type: 'skeleton', points: [], elements };
}

/** Inserts or replaces the keyframe at `shape.frame`, keeping the list sorted. */
export function withKeyframe(shapes: readonly TrackedShape[], shape: TrackedShape): TrackedShape[] {
  const out = [...shapes];
  const i = keyframeIndexAt(out, shape.frame);
  if (i >= 0 && out[i]!.frame === shape.frame) out[i] = shape;
  else out.splice(i + 1, 0, shape);
  return out;
}

function sameValues(a: readonly AttributeValue[], b: readonly AttributeValue[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((v, i) => v.spec_id === b[i]!.spec_id && v.value === b[i]!.value);
}

function samePoints(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Writes an edit made on `frame` back into the track. `before` is the track's shape on the frame
 * (from `trackShapeAt`), `after` the edited one. Geometry, occlusion, outside, z-order and mutable
 * attributes become a keyframe on the frame; label, group, source, colour and immutable
 * attributes change the whole track. A label change resets the attributes, as in CVAT.
 */
export function applyTrackEdit(
  track: Track,
  frame: number,
  before: ShapeObject,
  after: ShapeObject,
  labels: readonly LabelSpec[],
): Track {
  const label = labels.find((l) => l.id === after.label_id);
  const next: Track = { ...track, updated_date: now() };
  if (after.label_id !== track.label_id) {
    const attrs = splitAttributes(defaultAttributeValues(label ?? { attributes: [] }), label);
    next.label_id = after.label_id;
    next.attributes = attrs.immutable;
    next.shapes = track.shapes.map((s) => ({ ...s, attributes: attrs.mutable }));
    return next;
  }
  next.group = after.group;
  next.source = after.source;
  const { mutable, immutable } = splitAttributes(after.attributes, label);
  if (!sameValues(immutable, track.attributes)) next.attributes = immutable;
  const geometryChanged =
    before.occluded !== after.occluded ||
    before.outside !== after.outside ||
    before.z_order !== after.z_order ||
    before.rotation !== after.rotation ||
    (after.type !== 'skeleton' && before.type !== 'skeleton' && !samePoints(before.points, after.points)) ||
    !sameValues(splitAttributes(before.attributes, label).mutable, mutable);
  if (geometryChanged) next.shapes = withKeyframe(track.shapes, keyframeOf(after, frame, mutable));
  if (after.type === 'skeleton' && before.type === 'skeleton') {
    let elementsChanged = false;
    const elements = track.elements.map((element, k) => {
      const a = after.elements[k];
      const b = before.elements[k];
      if (!a || !b) return element;
      if (a.outside === b.outside && a.occluded === b.occluded && samePoints(a.points, b.points))
        return element;
      elementsChanged = true;
      return { ...element, shapes: withKeyframe(element.shapes, elementKeyframe(a, frame, after.z_order)) };
    });
    if (elementsChanged) {
      next.elements = elements;
      // The skeleton itself gets a keyframe too, so that the star shows on this frame.
      if (!geometryChanged) next.shapes = withKeyframe(track.shapes, keyframeOf(after, frame, mutable));
    }
  }
  return next;
}

/**
 * CVAT's keyframe star (K): a frame that is a keyframe stops being one (unless it is the only
 * one); any other frame becomes a keyframe holding the interpolated state.
 */
export function toggleKeyframe(track: Track, frame: number): Track {
  const i = keyframeIndexAt(track.shapes, frame);
  if (i >= 0 && track.shapes[i]!.frame === frame) {
    if (track.shapes.length === 1) return track;
    const shapes = track.shapes.filter((_, k) => k !== i);
    const elements = track.elements.map((e) => ({
      ...e,
      shapes: e.shapes.length > 1 ? e.shapes.filter((s) => s.frame !== frame) : e.shapes,
    }));
    return { ...track, updated_date: now(), frame: shapes[0]!.frame, shapes, elements };
  }
  const state = shapeStateAt(track.shapes, frame);
  if (state === null) return track;
  const { keyframe: _k, ...shape } = state;
  const elements = track.elements.map((e) => {
    const s = shapeStateAt(e.shapes, frame);
    if (s === null) return e;
    const { keyframe: _e, ...es } = s;
    return { ...e, shapes: withKeyframe(e.shapes, { ...es, frame }) };
  });
  return { ...track, updated_date: now(), shapes: withKeyframe(track.shapes, { ...shape, frame }), elements };
}

/** CVAT's outside switch (O): from this frame on, the object is outside (or back inside). */
export function setOutside(track: Track, frame: number, outside: boolean): Track {
  const state = shapeStateAt(track.shapes, frame);
  if (state === null) return track;
  const { keyframe: _k, ...shape } = state;
  return {
    ...track,
    updated_date: now(),
    shapes: withKeyframe(track.shapes, { ...shape, frame, outside }),
  };
}

/**
 * Splits a track at `frame` (CVAT's Split): the first part ends with an outside keyframe on the
 * frame, the second starts there with the state the track had on it. Null when the frame is not
 * strictly inside the track.
 */
export function splitTrack(track: Track, frame: number): [Track, Track] | null {
  const first = track.shapes[0];
  if (!first || frame <= first.frame) return null;
  const state = shapeStateAt(track.shapes, frame);
  if (state === null || state.outside) return null;
  const { keyframe: _k, ...at } = state;
  const cut = (shapes: readonly TrackedShape[]): [TrackedShape[], TrackedShape[]] => {
    const s = shapeStateAt(shapes, frame);
    const before = shapes.filter((k) => k.frame < frame);
    const after = shapes.filter((k) => k.frame > frame);
    if (s === null) return [before, after];
    const { keyframe: _e, ...es } = s;
    return [
      before.length > 0 ? [...before, { ...es, frame, outside: true }] : before,
      [{ ...es, frame }, ...after],
    ];
  };
  const [elementsA, elementsB] = [
    track.elements.map((e) => ({ ...e, shapes: cut(e.shapes)[0] })),
    track.elements.map((e) => ({ ...e, shapes: cut(e.shapes)[1] })),
  ];
  const a: Track = {
    ...track,
    updated_date: now(),
    shapes: [...track.shapes.filter((k) => k.frame < frame), { ...at, frame, outside: true }],
    elements: elementsA,
  };
  const b: Track = {
    ...track,
    id: newId(),
    updated_date: now(),
    frame,
    shapes: [{ ...at, frame, outside: false }, ...track.shapes.filter((k) => k.frame > frame)],
    elements: elementsB,
  };
  return [a, b];
}

/** An object that can take part in a merge: a shape on its frame, or a whole track. */
export type MergeSource = { kind: 'shape'; shape: Shape } | { kind: 'track'; track: Track };

/**
 * CVAT's Merge (M): shapes and tracks of one object become a single track. Every shape becomes
 * a keyframe; tracks bring their keyframes. Where two sources have a keyframe on the same frame,
 * the later source wins. A gap between sources is bridged by interpolation, as in CVAT; a source
 * that ends outside keeps its outside keyframe unless a later source starts on that frame.
 * Label, attributes and group come from the first source. All sources must have the same type.
 */
export function mergeIntoTrack(
  sources: readonly MergeSource[],
  labels: readonly LabelSpec[],
  jobId: Id,
): Track {
  if (sources.length === 0) throw new Error('Nothing to merge.');
  const typeOf = (s: MergeSource) => (s.kind === 'shape' ? s.shape.type : s.track.shapes[0]?.type);
  const type = typeOf(sources[0]!);
  if (sources.some((s) => typeOf(s) !== type))
    throw new Error('Only objects of the same shape type can be merged into one track.');
  const head = sources[0]!;
  const base =
    head.kind === 'track'
      ? { ...head.track }
      : trackFromShape(
          head.shape,
          labels.find((l) => l.id === head.shape.label_id),
          jobId,
        );
  const label = labels.find((l) => l.id === base.label_id);
  const byFrame = new Map<number, TrackedShape>();
  const elementFrames = base.elements.map(() => new Map<number, TrackedShape>());
  for (const source of sources) {
    if (source.kind === 'shape') {
      const { mutable } = splitAttributes(source.shape.attributes, label);
      byFrame.set(
        source.shape.frame,
        keyframeOf({ ...source.shape, outside: false }, source.shape.frame, mutable),
      );
      if (source.shape.type === 'skeleton')
        source.shape.elements.forEach((e, k) =>
          elementFrames[k]?.set(
            source.shape.frame,
            elementKeyframe(e, source.shape.frame, source.shape.z_order),
          ),
        );
    } else {
      for (const s of source.track.shapes) byFrame.set(s.frame, s);
      source.track.elements.forEach((e, k) => {
        for (const s of e.shapes) elementFrames[k]?.set(s.frame, s);
      });
    }
  }
  const shapes = [...byFrame.values()].sort((a, b) => a.frame - b.frame);
  return {
    ...base,
    id: newId(),
    updated_date: now(),
    frame: shapes[0]!.frame,
    shapes,
    elements: base.elements.map((e, k) => ({
      ...e,
      shapes: [...elementFrames[k]!.values()].sort((a, b) => a.frame - b.frame),
    })),
  };
}
