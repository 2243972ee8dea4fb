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
