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
