/**
 * The position of a track on any frame, and an index of many tracks by frame range.
 *
 * Rules (CVAT's): before the first keyframe a track does not exist; a keyframe with `outside`
 * hides the object until the next keyframe; between two keyframes the shape is interpolated
 * (unless the left one is outside); after the last keyframe its shape is held. Occlusion,
 * z-order and mutable attributes come from the left keyframe. Skeleton tracks carry their
 * points as element tracks, each resolved on its own.
 */
import type { AttributeValue, Id, Track, TrackedShape } from '../types';
import { interpolateRotation, interpolateShape, type InterpolationOptions } from './interpolate';

/** A track's shape on one frame. `keyframe` is true when the frame holds a keyframe. */
export interface ResolvedShape extends TrackedShape {
  keyframe: boolean;
}

export interface ResolvedElement {
  label_id: Id;
  attributes: AttributeValue[];
  /** The element's shape on the frame; null before its first keyframe or while it is outside. */
  shape: ResolvedShape | null;
}

export interface ResolvedTrack {
  track: Track;
  shape: ResolvedShape;
  /** Skeleton elements in the track's order; empty for other types. */
  elements: readonly ResolvedElement[];
}

/** Index of the last keyframe with `frame <= target`, or −1. `shapes` is sorted by frame. */
export function keyframeIndexAt(shapes: readonly TrackedShape[], target: number): number {
  let lo = 0;
  let hi = shapes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (shapes[mid]!.frame <= target) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function withKeyframe(
  s: TrackedShape,
  frame: number,
  points: number[],
  rotation: number,
  keyframe: boolean,
): ResolvedShape {
  return {
    type: s.type,
    frame,
    occluded: s.occluded,
    outside: s.outside,
    z_order: s.z_order,
    rotation,
    points,
    attributes: s.attributes,
    keyframe,
  };
}

/**
 * The state of a keyframe sequence on `frame`, outside shapes included (exporters write them);
 * null before the first keyframe.
 */
export function shapeStateAt(
  shapes: readonly TrackedShape[],
  frame: number,
  options?: InterpolationOptions,
): ResolvedShape | null {
  const i = keyframeIndexAt(shapes, frame);
  if (i < 0) return null;
  return stateFrom(shapes, i, frame, options);
}

/** The state on `frame` given the index of the keyframe at or before it (one search per call). */
function stateFrom(
  shapes: readonly TrackedShape[],
  i: number,
  frame: number,
  options?: InterpolationOptions,
): ResolvedShape {
  const left = shapes[i]!;
  if (left.frame === frame) return withKeyframe(left, left.frame, left.points, left.rotation, true);
  const right = shapes[i + 1];
  if (left.outside || right === undefined)
    return withKeyframe(left, frame, left.points, left.rotation, false);
  if (left.type === 'rectangle' && right.type === 'rectangle' && !options?.points) {
    // Fast path for the most common case, the same arithmetic as `interpolateShape`.
    const offset = (frame - left.frame) / (right.frame - left.frame);
    const a = left.points;
    const b = right.points;
    if (a.length === 4 && b.length === 4) {
      const points = [
        a[0]! + (b[0]! - a[0]!) * offset,
        a[1]! + (b[1]! - a[1]!) * offset,
        a[2]! + (b[2]! - a[2]!) * offset,
        a[3]! + (b[3]! - a[3]!) * offset,
      ];
      return withKeyframe(
        left,
        frame,
        points,
        interpolateRotation(left.rotation, right.rotation, offset),
        false,
      );
    }
  }
  const s = interpolateShape(left, right, frame, options);
  return withKeyframe(s, frame, s.points, s.rotation, false);
}

/** The visible shape of a keyframe sequence on `frame`, or null. */
export function resolveShapes(
  shapes: readonly TrackedShape[],
  frame: number,
  options?: InterpolationOptions,
): ResolvedShape | null {
  const i = keyframeIndexAt(shapes, frame);
  if (i < 0 || shapes[i]!.outside) return null;
  return stateFrom(shapes, i, frame, options);
}

/** The visible shape of a track on `frame`, or null (skeleton elements: see `resolveTrackFull`). */
export function resolveTrack(
  track: Track,
  frame: number,
  options?: InterpolationOptions,
): ResolvedShape | null {
  return resolveShapes(track.shapes, frame, options);
}

/**
 * A track on `frame` with its skeleton elements, or null when it is not visible. A skeleton is
 * visible when its own keyframes say so and at least one element is visible.
 */
const NO_ELEMENTS: readonly ResolvedElement[] = Object.freeze([]);

export function resolveTrackFull(
  track: Track,
  frame: number,
  options?: InterpolationOptions,
): ResolvedTrack | null {
  const shape = resolveShapes(track.shapes, frame, options);
  if (shape === null) return null;
  if (track.elements.length === 0) return { track, shape, elements: NO_ELEMENTS };
  let visible = false;
  const elements = track.elements.map((element): ResolvedElement => {
    const s = resolveShapes(element.shapes, frame, options);
    if (s !== null) visible = true;
    return { label_id: element.label_id, attributes: element.attributes, shape: s };
  });
  return visible ? { track, shape, elements } : null;
}

/**
 * Frames on which a keyframe sequence can be visible: from its first keyframe to its last one
 * (the last keyframe is outside) or to infinity; null when it is never visible.
 */
export function shapesRange(shapes: readonly TrackedShape[]): [number, number] | null {
  let first = -1;
  for (let i = 0; i < shapes.length; i++) {
    if (!shapes[i]!.outside) {
      first = i;
      break;
    }
  }
  if (first < 0) return null;
  const last = shapes[shapes.length - 1]!;
  return [shapes[first]!.frame, last.outside ? last.frame - 1 : Infinity];
}

/** The visible range of a track, its skeleton elements included. */
export function trackRange(track: Track): [number, number] | null {
  const range = shapesRange(track.shapes);
  if (range === null || track.elements.length === 0) return range;
  let start = Infinity;
  let end = -Infinity;
  for (const element of track.elements) {
    const r = shapesRange(element.shapes);
    if (r === null) continue;
    start = Math.min(start, r[0]);
    end = Math.max(end, r[1]);
  }
  if (start > end) return null;
  const s = Math.max(range[0], start);
  const e = Math.min(range[1], end);
  return s <= e ? [s, e] : null;
}

// ---------------------------------------------------------------------------------------------
// Interval index

interface Entry {
  track: Track;
  start: number;
  end: number;
  order: number;
  /** Keyframe frames in a typed array: the binary search stays in one small block of memory. */
  frames: Int32Array;
  /** Rectangle tracks: the keyframes packed in typed arrays (see `packRectangles`), else null. */
  rect: PackedRectangles | null;
}

/**
 * A rectangle track's keyframes side by side in memory: `[xtl, ytl, xbr, ybr, rotation]` per
 * keyframe, flags (1 outside, 2 occluded) and z-orders. Resolving a frame then reads two
 * neighbouring rows instead of chasing two keyframe objects and their point arrays.
 */
interface PackedRectangles {
  values: Float64Array;
  flags: Uint8Array;
  z: Int32Array;
  attributes: AttributeValue[][];
}

function packRectangles(track: Track): PackedRectangles | null {
  if (track.elements.length > 0) return null;
  const n = track.shapes.length;
  const values = new Float64Array(n * 5);
  const flags = new Uint8Array(n);
  const z = new Int32Array(n);
  const attributes: AttributeValue[][] = new Array<AttributeValue[]>(n);
  for (let k = 0; k < n; k++) {
    const s = track.shapes[k]!;
    if (s.type !== 'rectangle' || s.points.length !== 4) return null;
    values.set(s.points, k * 5);
    values[k * 5 + 4] = s.rotation;
    flags[k] = (s.outside ? 1 : 0) | (s.occluded ? 2 : 0);
    z[k] = s.z_order;
    attributes[k] = s.attributes;
  }
  return { values, flags, z, attributes };
}

/** The rectangle of a packed track on `frame`, `i` being the keyframe at or before it (not outside). */
function packedState(entry: Entry, rect: PackedRectangles, i: number, frame: number): ResolvedShape {
  const v = rect.values;
  const a = i * 5;
  const keyframe = entry.frames[i] === frame;
  let points: number[];
  let rotation: number;
  if (keyframe || i + 1 >= entry.frames.length) {
    points = [v[a]!, v[a + 1]!, v[a + 2]!, v[a + 3]!];
    rotation = v[a + 4]!;
  } else {
    const b = a + 5;
    const left = entry.frames[i]!;
    const offset = (frame - left) / (entry.frames[i + 1]! - left);
    points = [
      v[a]! + (v[b]! - v[a]!) * offset,
      v[a + 1]! + (v[b + 1]! - v[a + 1]!) * offset,
      v[a + 2]! + (v[b + 2]! - v[a + 2]!) * offset,
      v[a + 3]! + (v[b + 3]! - v[a + 3]!) * offset,
    ];
    rotation = interpolateRotation(v[a + 4]!, v[b + 4]!, offset);
  }
  return {
    type: 'rectangle',
    frame,
    occluded: (rect.flags[i]! & 2) !== 0,
    outside: false,
    z_order: rect.z[i]!,
    rotation,
    points,
    attributes: rect.attributes[i]!,
    keyframe,
  };
}

function searchFrames(frames: Int32Array, target: number): number {
  let lo = 0;
  let hi = frames.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (frames[mid]! <= target) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

interface Node {
  center: number;
  /** Intervals containing `center`, by start ascending. */
  byStart: Entry[];
  /** The same intervals by end descending. */
  byEnd: Entry[];
  left: Node | null;
  right: Node | null;
}

function build(entries: Entry[]): Node | null {
  if (entries.length === 0) return null;
  const points: number[] = [];
  for (const e of entries) points.push(e.start, Number.isFinite(e.end) ? e.end : e.start);
  points.sort((a, b) => a - b);
  const center = points[points.length >>> 1]!;
  const here: Entry[] = [];
  const lower: Entry[] = [];
  const upper: Entry[] = [];
  for (const e of entries) {
    if (e.end < center) lower.push(e);
    else if (e.start > center) upper.push(e);
    else here.push(e);
  }
  return {
    center,
    byStart: [...here].sort((a, b) => a.start - b.start),
    byEnd: here.sort((a, b) => b.end - a.end),
    left: build(lower),
    right: build(upper),
  };
}

/**
 * Many tracks indexed by the frames on which they can be visible (a centred interval tree), so
 * that a frame costs O(log n + k) instead of a scan of every track. Edits (`set`, `delete`)
 * rebuild the tree lazily on the next query.
 */
export class TrackIndex {
  private readonly entries = new Map<Id, Entry>();
  private root: Node | null = null;
  private dirty = false;
  private nextOrder = 0;
  private readonly hits: Entry[] = [];
  private byOrder: Entry[] = [];
  private flags = new Uint8Array(0);

  constructor(
    tracks: Iterable<Track> = [],
    private readonly options: InterpolationOptions = {},
  ) {
    for (const track of tracks) this.set(track);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces a track (by id); a replaced track keeps its place in the order. */
  set(track: Track): void {
    const previous = this.entries.get(track.id);
    const range = trackRange(track);
    const order = previous?.order ?? this.nextOrder++;
    const frames = new Int32Array(track.shapes.length);
    for (let k = 0; k < frames.length; k++) frames[k] = track.shapes[k]!.frame;
    const rect = this.options.points ? null : packRectangles(track);
    if (range === null) this.entries.set(track.id, { track, start: 1, end: 0, order, frames, rect });
    else this.entries.set(track.id, { track, start: range[0], end: range[1], order, frames, rect });
    this.dirty = true;
  }

  delete(id: Id): boolean {
    const had = this.entries.delete(id);
    if (had) this.dirty = true;
    return had;
  }

  private tree(): Node | null {
    if (this.dirty) {
      this.byOrder = [];
      for (const e of this.entries.values()) this.byOrder[e.order] = e;
      this.root = build([...this.entries.values()].filter((e) => e.start <= e.end));
      this.dirty = false;
    }
    return this.root;
  }

  private entriesAt(frame: number): Entry[] {
    const hits = this.hits;
    hits.length = 0;
    let node = this.tree();
    while (node !== null) {
      if (frame < node.center) {
        for (const e of node.byStart) {
          if (e.start > frame) break;
          hits.push(e);
        }
        node = node.left;
      } else if (frame > node.center) {
        for (const e of node.byEnd) {
          if (e.end < frame) break;
          hits.push(e);
        }
        node = node.right;
      } else {
        for (const e of node.byStart) hits.push(e);
        node = null;
      }
    }
    // Insertion order without a sort: flag the hits by ordinal, then read the flags in order.
    const n = this.byOrder.length;
    if (this.flags.length < n) this.flags = new Uint8Array(Math.max(n, this.flags.length * 2));
    const flags = this.flags;
    let lo = n;
    let hi = -1;
    for (let i = 0; i < hits.length; i++) {
      const order = hits[i]!.order;
      flags[order] = 1;
      if (order < lo) lo = order;
      if (order > hi) hi = order;
    }
    const out = new Array<Entry>(hits.length);
    let k = 0;
    for (let order = lo; order <= hi; order++) {
      if (flags[order] === 0) continue;
      flags[order] = 0;
      out[k++] = this.byOrder[order]!;
    }
    hits.length = 0;
    return out;
  }

  /** Tracks whose range contains `frame`, in insertion order (some may be outside there). */
  tracksAt(frame: number): Track[] {
    return this.entriesAt(frame).map((e) => e.track);
  }

  /** The visible tracks on `frame` with their shapes, in insertion order. */
  resolveFrame(frame: number): ResolvedTrack[] {
    const out: ResolvedTrack[] = [];
    for (const e of this.entriesAt(frame)) {
      const { track } = e;
      if (track.elements.length > 0) {
        const resolved = resolveTrackFull(track, frame, this.options);
        if (resolved !== null) out.push(resolved);
        continue;
      }
      const i = searchFrames(e.frames, frame);
      if (i < 0) continue;
      const rect = e.rect;
      if (rect !== null) {
        if ((rect.flags[i]! & 1) === 0)
          out.push({ track, shape: packedState(e, rect, i, frame), elements: NO_ELEMENTS });
        continue;
      }
      if (track.shapes[i]!.outside) continue;
      out.push({ track, shape: stateFrom(track.shapes, i, frame, this.options), elements: NO_ELEMENTS });
    }
    return out;
  }
}
