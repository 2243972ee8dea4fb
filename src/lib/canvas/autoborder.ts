import type { Point } from './geometry';

/** An outline other shapes' vertices and edges can snap to. */
export interface SnapTarget {
  points: readonly number[];
  closed: boolean;
}

/**
 * Automatic bordering: a point being placed snaps to the nearest vertex of another shape within
 * `tolerance` (world units) or, failing that, to the nearest point on one of its edges. Shared
 * borders then line up exactly.
 */
export function snapToBorders(p: Point, targets: readonly SnapTarget[], tolerance: number): Point | null {
  const t2 = tolerance * tolerance;
  let vertex: Point | null = null;
  let vertexD = t2;
  let edge: Point | null = null;
  let edgeD = t2;
  for (const { points, closed } of targets) {
    const n = points.length >> 1;
    for (let i = 0; i < n; i++) {
      const x = points[2 * i]!;
      const y = points[2 * i + 1]!;
      const d = (x - p.x) ** 2 + (y - p.y) ** 2;
      if (d <= vertexD) {
        vertexD = d;
        vertex = { x, y };
      }
      if (i === n - 1 && !closed) break;
      const j = (i + 1) % n;
      if (j === i) break;
      const q = closestOnSegment(p, x, y, points[2 * j]!, points[2 * j + 1]!);
      const e = (q.x - p.x) ** 2 + (q.y - p.y) ** 2;
      if (e <= edgeD) {
        edgeD = e;
        edge = q;
      }
    }
  }
  return vertex ?? edge;
}

function closestOnSegment(p: Point, ax: number, ay: number, bx: number, by: number): Point {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p.x - ax) * dx + (p.y - ay) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return { x: ax + t * dx, y: ay + t * dy };
}

/** Where `p` lies along an outline, as `edge + t` (edge i joins vertex i and i + 1), or null. */
function positionOn(p: Point, points: readonly number[], closed: boolean, tolerance: number): number | null {
  const n = points.length >> 1;
  const t2 = tolerance * tolerance;
  let best: number | null = null;
  let bestD = t2;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    const dv = (x - p.x) ** 2 + (y - p.y) ** 2;
    // A vertex is an exact position; it wins over the edges around it.
    if (dv <= t2) return i;
    if (i === n - 1 && !closed) break;
    const j = (i + 1) % n;
    const bx = points[2 * j]!;
    const by = points[2 * j + 1]!;
    const dx = bx - x;
    const dy = by - y;
    const len2 = dx * dx + dy * dy;
    if (len2 === 0) continue;
    const t = Math.min(1, Math.max(0, ((p.x - x) * dx + (p.y - y) * dy) / len2));
    const d = (x + t * dx - p.x) ** 2 + (y + t * dy - p.y) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i + t;
    }
  }
  return best;
}

function pathLength(a: Point, flat: readonly number[], b: Point): number {
  let len = 0;
  let px = a.x;
  let py = a.y;
  for (let k = 0; k + 1 < flat.length; k += 2) {
    len += Math.hypot(flat[k]! - px, flat[k + 1]! - py);
    px = flat[k]!;
    py = flat[k + 1]!;
  }
  return len + Math.hypot(b.x - px, b.y - py);
}

/** The vertices strictly between positions `from` and `to`, walking forward (`step` 1) or back. */
function walk(points: readonly number[], n: number, from: number, to: number, step: 1 | -1): number[] {
  const out: number[] = [];
  if (step === 1) {
    let end = to;
    while (end < from) end += n;
    for (let k = Math.floor(from) + 1; k < end; k++) {
      const i = ((k % n) + n) % n;
      out.push(points[2 * i]!, points[2 * i + 1]!);
    }
  } else {
    let end = to;
    while (end > from) end -= n;
    for (let k = Math.ceil(from) - 1; k > end; k--) {
      const i = ((k % n) + n) % n;
      out.push(points[2 * i]!, points[2 * i + 1]!);
    }
  }
  return out;
}

/**
 * Automatic bordering between two placed points: when `a` and `b` both lie (within `tolerance`)
 * on the outline of the same target, the target's vertices between them, in order from `a` to
 * `b`, so the new shape follows the shared border exactly. Closed outlines are walked the shorter
 * way round. Empty when no target holds both points.
 */
export function traceBorder(a: Point, b: Point, targets: readonly SnapTarget[], tolerance: number): number[] {
  let best: number[] | null = null;
  let bestLen = Infinity;
  for (const { points, closed } of targets) {
    const n = points.length >> 1;
    if (n < 2) continue;
    const from = positionOn(a, points, closed, tolerance);
    if (from === null) continue;
    const to = positionOn(b, points, closed, tolerance);
    if (to === null || from === to) continue;
    const ways = closed
      ? [walk(points, n, from, to, 1), walk(points, n, from, to, -1)]
      : [walk(points, n, from, to, to > from ? 1 : -1)];
    for (const way of ways) {
      const len = pathLength(a, way, b);
      if (len < bestLen) {
        bestLen = len;
        best = way;
      }
    }
  }
  return best ?? [];
}
