import type { Point, RectPoints } from './geometry';

/**
 * 2D cuboids in CVAT's encoding: 8 points, `[front-top-left, front-bottom-left, front-top-right,
 * front-bottom-right, back-top-right, back-bottom-right, back-top-left, back-bottom-left]`.
 * Pairs (0,1), (2,3), (4,5), (6,7) are the vertical edges; the front face is 0-1-3-2.
 */
export const CUBOID_FACES = {
  front: [0, 1, 3, 2],
  right: [2, 3, 5, 4],
  back: [4, 5, 7, 6],
  left: [6, 7, 1, 0],
  top: [0, 2, 4, 6],
  bottom: [1, 3, 5, 7],
} as const;

export const CUBOID_EDGES: readonly [number, number][] = [
  [0, 1],
  [2, 3],
  [4, 5],
  [6, 7],
  [0, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
  [5, 7],
  [6, 0],
  [7, 1],
];

/** The cuboid whose front face is `rect` and whose back face is shifted by `depth`. */
export function cuboidFromRect([xtl, ytl, xbr, ybr]: RectPoints, depth: Point): number[] {
  const { x: dx, y: dy } = depth;
  return [
    xtl,
    ytl,
    xtl,
    ybr,
    xbr,
    ytl,
    xbr,
    ybr,
    xbr + dx,
    ytl + dy,
    xbr + dx,
    ybr + dy,
    xtl + dx,
    ytl + dy,
    xtl + dx,
    ybr + dy,
  ];
}

/** CVAT's default depth for "from rectangle": a tenth of the box, up and to the right. */
export function defaultCuboidDepth([xtl, ytl, xbr, ybr]: RectPoints): Point {
  return { x: (xbr - xtl) * 0.1, y: -(ybr - ytl) * 0.1 };
}

/**
 * Drags one corner. A front corner moves freely and takes its vertical partner's x along, so
 * vertical edges stay vertical; a back corner moves the whole back face (the depth).
 */
export function moveCuboidVertex(points: readonly number[], index: number, to: Point): number[] {
  const out = [...points];
  const partner = index ^ 1;
  if (index < 4) {
    out[2 * index] = to.x;
    out[2 * index + 1] = to.y;
    out[2 * partner] = to.x;
    return out;
  }
  const dx = to.x - (points[2 * index] ?? 0);
  const dy = to.y - (points[2 * index + 1] ?? 0);
  for (let i = 4; i < 8; i++) {
    out[2 * i] = (points[2 * i] ?? 0) + dx;
    out[2 * i + 1] = (points[2 * i + 1] ?? 0) + dy;
  }
  return out;
}

/** The faces of a cuboid that can be dragged on their own; the front face moves the whole cuboid. */
export type CuboidFace = 'front' | 'left' | 'right' | 'back';

function pointInQuad(points: readonly number[], face: readonly number[], p: Point): boolean {
  let inside = false;
  for (let k = 0, j = face.length - 1; k < face.length; j = k++) {
    const xi = points[2 * face[k]!]!;
    const yi = points[2 * face[k]! + 1]!;
    const xj = points[2 * face[j]!]!;
    const yj = points[2 * face[j]! + 1]!;
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The face under `p`: the front face first, then the side faces, then the back face (the part of
 * it the others leave uncovered). The top and bottom faces are not handles of their own.
 */
export function cuboidFaceAt(points: readonly number[], p: Point): CuboidFace | null {
  if (points.length < 16) return null;
  for (const face of ['front', 'right', 'left', 'back'] as const) {
    if (pointInQuad(points, CUBOID_FACES[face], p)) return face;
  }
  return null;
}

function translateBack(points: readonly number[], dx: number, dy: number): number[] {
  const out = [...points];
  for (let i = 4; i < 8; i++) {
    out[2 * i] = (points[2 * i] ?? 0) + dx;
    out[2 * i + 1] = (points[2 * i + 1] ?? 0) + dy;
  }
  return out;
}

/**
 * Drags a face by `delta`. The front face moves the cuboid as a unit. The back face moves on its
 * own (the depth changes freely). A side face changes the depth along its own top edge: the back
 * face slides that way, so the top and bottom edges keep their directions.
 */
export function moveCuboidFace(points: readonly number[], face: CuboidFace, delta: Point): number[] {
  if (face === 'front') return points.map((v, i) => v + (i % 2 === 0 ? delta.x : delta.y));
  if (face === 'back') return translateBack(points, delta.x, delta.y);
  // The top edge of the side face, from its front corner to its back corner.
  const [f, b] = face === 'right' ? [2, 4] : [0, 6];
  const ex = (points[2 * b] ?? 0) - (points[2 * f] ?? 0);
  const ey = (points[2 * b + 1] ?? 0) - (points[2 * f + 1] ?? 0);
  const len2 = ex * ex + ey * ey;
  if (len2 === 0) return translateBack(points, delta.x, delta.y);
  const t = (delta.x * ex + delta.y * ey) / len2;
  return translateBack(points, t * ex, t * ey);
}

/**
 * Shift+drag of a corner (perspective): the corner moves on its own and its vertical partner
 * follows in x only, so vertical edges stay vertical while the faces stop being parallel.
 */
export function moveCuboidVertexFree(points: readonly number[], index: number, to: Point): number[] {
  const out = [...points];
  out[2 * index] = to.x;
  out[2 * index + 1] = to.y;
  out[2 * (index ^ 1)] = to.x;
  return out;
}

/**
 * Removes perspective: the back face becomes the front face shifted by the offset of the back
 * top-right corner from the front top-right corner (CVAT's "Reset perspective").
 */
export function resetCuboidPerspective(points: readonly number[]): number[] {
  if (points.length < 16) return [...points];
  const x = (i: number): number => points[2 * i] ?? 0;
  const y = (i: number): number => points[2 * i + 1] ?? 0;
  const dx = x(4) - x(2);
  const dy = y(4) - y(2);
  const out = points.slice(0, 8);
  // Back corner i mirrors front corner: 4←2, 5←3, 6←0, 7←1.
  for (const f of [2, 3, 0, 1]) out.push(x(f) + dx, y(f) + dy);
  return out;
}
