/**
 * Interpolation of a track between two keyframes, compatible with CVAT (cvat-core and the
 * dataset exporter compute the same positions):
 * - rectangle, ellipse, cuboid, skeleton (its own box): linear per coordinate; `rotation` by the
 *   shortest angle;
 * - points: linear only when both keyframes hold exactly one point, otherwise the left keyframe
 *   is held (CVAT's rule); `{ points: 'pairwise' }` interpolates equal-sized sets point by point;
 * - polygon, polyline: CVAT's arc-length matching (both curves are parameterised by normalised
 *   arc length, points are matched to the nearest offset both ways, matched pairs are
 *   interpolated, then runs are thinned with the threshold `baseLength / (2N)`); polygons are
 *   closed by repeating the first vertex during the computation;
 * - mask: never interpolated, the left keyframe's mask is held;
 * - keyframes of different types or of incompatible sizes: the left keyframe is held.
 * Skeleton elements are tracks of single points, interpolated one by one (see `resolve.ts`).
 */
import type { TrackedShape } from '../types';

export interface InterpolationOptions {
  /** `cvat` (default): only single points move. `pairwise`: equal-sized sets move point by point. */
  points?: 'cvat' | 'pairwise';
}

/**
 * The signed difference `right − left` in degrees along the shorter arc, in (−180, 180]
 * (a half turn goes clockwise, as in CVAT).
 */
export function shortestAngleDiff(right: number, left: number): number {
  let diff = (right - left) % 360;
  if (diff > 180) diff -= 360;
  else if (diff <= -180) diff += 360;
  return diff;
}

/** Rotation at `offset` ∈ [0, 1] between two angles, normalised to [0, 360). */
export function interpolateRotation(left: number, right: number, offset: number): number {
  const r = (left + shortestAngleDiff(right, left) * offset + 360) % 360;
  return r < 0 ? r + 360 : r;
}

function lerpArray(a: readonly number[], b: readonly number[], offset: number): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + (b[i]! - a[i]!) * offset;
  return out;
}

function held(a: TrackedShape, frame: number): TrackedShape {
  return { ...a, frame };
}

/**
 * The shape of a track on `frame` between keyframes `a` and `b` (`a.frame < b.frame`). At
 * `a.frame` and `b.frame` the keyframes are returned as they are (copied). The result takes
 * `occluded`, `z_order` and attributes from `a`, and `outside` is false unless `a` is outside.
 */
export function interpolateShape(
  a: TrackedShape,
  b: TrackedShape,
  frame: number,
  options: InterpolationOptions = {},
): TrackedShape {
  if (frame <= a.frame) return { ...a };
  if (frame >= b.frame) return { ...b };
  if (a.outside || a.type !== b.type) return held(a, frame);
  const offset = (frame - a.frame) / (b.frame - a.frame);
  switch (a.type) {
    case 'rectangle':
    case 'ellipse':
    case 'cuboid':
    case 'skeleton':
      if (a.points.length !== b.points.length) return held(a, frame);
      return {
        ...a,
        frame,
        points: lerpArray(a.points, b.points, offset),
        rotation: interpolateRotation(a.rotation, b.rotation, offset),
      };
    case 'points': {
      const single = a.points.length === 2 && b.points.length === 2;
      const pairwise = options.points === 'pairwise' && a.points.length === b.points.length;
      if (!single && !pairwise) return held(a, frame);
      return {
        ...a,
        frame,
        points: lerpArray(a.points, b.points, offset),
        rotation: interpolateRotation(a.rotation, b.rotation, offset),
      };
    }
    case 'polygon':
    case 'polyline':
      if (a.points.length < 2 || b.points.length < 2) return held(a, frame);
      return { ...a, frame, points: interpolatePolyPoints(a.points, b.points, offset, a.type === 'polygon') };
    case 'mask':
      return held(a, frame);
  }
}

// ---------------------------------------------------------------------------------------------
// Polygons and polylines

function curveLength(p: readonly number[], from: number, to: number): number {
  // Length of the polyline through points `from..to` (point indices, inclusive).
  let length = 0;
  for (let i = from + 1; i <= to; i++) {
    const dx = p[2 * i]! - p[2 * i - 2]!;
    const dy = p[2 * i + 1]! - p[2 * i - 1]!;
    length += Math.sqrt(dx * dx + dy * dy);
  }
  return length;
}

function offsetVector(p: readonly number[]): number[] {
  const n = p.length / 2;
  const length = curveLength(p, 0, n - 1);
  const out = [0];
  let accumulated = 0;
  for (let i = 1; i < n; i++) {
    const dx = p[2 * i]! - p[2 * i - 2]!;
    const dy = p[2 * i + 1]! - p[2 * i - 1]!;
    accumulated += Math.sqrt(dx * dx + dy * dy);
    out.push(length > 0 ? accumulated / length : 0);
  }
  return out;
}

/** Index of the first entry of `curve` nearest to `value`. */
function nearest(value: number, curve: readonly number[]): number {
  let best = 0;
  let bestDistance = Math.abs(value - curve[0]!);
  for (let i = 1; i < curve.length; i++) {
    const d = Math.abs(value - curve[i]!);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * CVAT's polyshape interpolation on flat `[x0, y0, …]` arrays. `closed` repeats the first vertex
 * at the end of both curves and drops the last output vertex, as CVAT does for polygons.
 */
export function interpolatePolyPoints(
  leftFlat: readonly number[],
  rightFlat: readonly number[],
  offset: number,
  closed: boolean,
): number[] {
  const left = closed ? [...leftFlat, leftFlat[0]!, leftFlat[1]!] : leftFlat;
  const right = closed ? [...rightFlat, rightFlat[0]!, rightFlat[1]!] : rightFlat;
  const nLeft = left.length / 2;
  const nRight = right.length / 2;
  const leftOffsets = offsetVector(left);
  const rightOffsets = offsetVector(right);

  // Each left point to its nearest right point, then each unmatched right point to its nearest
  // left point; every list sorted.
  const matching: number[][] = leftOffsets.map((value) => [nearest(value, rightOffsets)]);
  const matched = new Uint8Array(nRight);
  for (const m of matching) matched[m[0]!] = 1;
  for (let j = 0; j < nRight; j++) {
    if (!matched[j]) matching[nearest(rightOffsets[j]!, leftOffsets)]!.push(j);
  }
  for (const m of matching) if (m.length > 1) m.sort((x, y) => x - y);

  const ix: number[] = [];
  const iy: number[] = [];
  const firstIndex: number[] = [];
  for (let i = 0; i < nLeft; i++) {
    firstIndex.push(ix.length);
    const lx = left[2 * i]!;
    const ly = left[2 * i + 1]!;
    for (const j of matching[i]!) {
      ix.push(lx + (right[2 * j]! - lx) * offset);
      iy.push(ly + (right[2 * j + 1]! - ly) * offset);
    }
  }

  const out: number[] = [];
  const distance = (i: number, j: number) => Math.sqrt((ix[i]! - ix[j]!) ** 2 + (iy[i]! - iy[j]!) ** 2);
  const minimize = (baseLength: number, n: number, start: number, stop: number) => {
    const threshold = baseLength / (2 * n);
    const kept = [start];
    let latest = start;
    for (let i = start + 1; i < stop; i++) {
      if (distance(latest, i) >= threshold) {
        kept.push(i);
        latest = i;
      }
    }
    kept.push(stop);
    if (kept.length === 2 && distance(start, stop) < threshold) {
      out.push((ix[start]! + ix[stop]!) / 2, (iy[start]! + iy[stop]!) / 2);
      return;
    }
    for (const k of kept) out.push(ix[k]!, iy[k]!);
  };
  const leftSegment = (start: number, stop: number) => {
    const s = firstIndex[start]!;
    const e = firstIndex[stop]!;
    if (s === e) {
      out.push(ix[s]!, iy[s]!);
      return;
    }
    minimize(curveLength(left, start, stop), stop - start + 1, s, e);
  };
  const rightSegment = (i: number) => {
    const m = matching[i]!;
    const s = firstIndex[i]!;
    const e = s + m.length - 1;
    minimize(curveLength(right, m[0]!, m[m.length - 1]!), m[m.length - 1]! - m[0]! + 1, s, e);
  };

  let opened = -1;
  for (let i = 0; i < nLeft; i++) {
    const m = matching[i]!;
    if (m.length === 1) {
      if (opened >= 0) {
        if (m[0] === matching[opened]![0]) continue;
        leftSegment(opened, i - 1);
      }
      opened = i;
    } else {
      if (opened >= 0) {
        leftSegment(opened, i - 1);
        opened = -1;
      }
      rightSegment(i);
    }
  }
  if (opened >= 0) leftSegment(opened, nLeft - 1);

  if (closed) out.length = Math.max(0, out.length - 2);
  return out;
}
