import type { Point } from './geometry';

/** Vertex editing of flat `[x0, y0, …]` outlines: polygons, polylines and point sets. */

/** The index of the vertex within `tolerance` of `p` (the nearest one), or null. */
export function vertexAt(points: readonly number[], p: Point, tolerance: number): number | null {
  let best: number | null = null;
  let bestD = tolerance * tolerance;
  for (let i = 0; 2 * i + 1 < points.length; i++) {
    const d = (points[2 * i]! - p.x) ** 2 + (points[2 * i + 1]! - p.y) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** Midpoints of the edges, flat; the closing edge is included for polygons. */
export function edgeMidpoints(points: readonly number[], closed: boolean): number[] {
  const n = points.length >> 1;
  const out: number[] = [];
  const edges = closed ? n : n - 1;
  if (n < 2) return out;
  for (let i = 0; i < edges; i++) {
    const j = (i + 1) % n;
    out.push((points[2 * i]! + points[2 * j]!) / 2, (points[2 * i + 1]! + points[2 * j + 1]!) / 2);
  }
  return out;
}

/** The edge whose midpoint handle is under `p` (edge i joins vertex i and i + 1), or null. */
export function midpointAt(
  points: readonly number[],
  p: Point,
  tolerance: number,
  closed: boolean,
): number | null {
  return vertexAt(edgeMidpoints(points, closed), p, tolerance);
}

export function moveVertex(points: readonly number[], index: number, to: Point): number[] {
  const out = [...points];
  out[2 * index] = to.x;
  out[2 * index + 1] = to.y;
  return out;
}

/** Inserts `p` after vertex `edge`, splitting that edge. */
export function insertVertex(points: readonly number[], edge: number, p: Point): number[] {
  const out = [...points];
  out.splice(2 * (edge + 1), 0, p.x, p.y);
  return out;
}

/** Removes a vertex, or returns null when the outline would fall below `minPoints`. */
export function removeVertex(points: readonly number[], index: number, minPoints: number): number[] | null {
  if (points.length / 2 - 1 < minPoints) return null;
  const out = [...points];
  out.splice(2 * index, 2);
  return out;
}

/** Fewest vertices each outline type may keep (CVAT's limits). */
export function minVertices(type: 'polygon' | 'polyline' | 'points'): number {
  return type === 'polygon' ? 3 : type === 'polyline' ? 2 : 1;
}
