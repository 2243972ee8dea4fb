import type { Shape } from '../core/types';

/** A point in either world (image pixel) or screen (CSS pixel) space; the name at the use site says which. */
export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Axis-aligned box, in the shape rbush indexes. */
export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export type RectPoints = [number, number, number, number];

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/** `[xtl, ytl, xbr, ybr]` with the corners ordered, whichever corners `a` and `b` were. */
export function rectFromCorners(a: Point, b: Point): RectPoints {
  return [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)];
}

export function normalizeRect([x1, y1, x2, y2]: readonly [number, number, number, number]): RectPoints {
  return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)];
}

/** Clamps every corner into `[0, width] × [0, height]`; a box fully outside collapses onto the border. */
export function clampRectToImage(rect: RectPoints, image: Size): RectPoints {
  const [xtl, ytl, xbr, ybr] = normalizeRect(rect);
  return [
    clamp(xtl, 0, image.width),
    clamp(ytl, 0, image.height),
    clamp(xbr, 0, image.width),
    clamp(ybr, 0, image.height),
  ];
}

export function clampPointToImage(p: Point, image: Size): Point {
  return { x: clamp(p.x, 0, image.width), y: clamp(p.y, 0, image.height) };
}

/** Bounds of a flat `[x0, y0, x1, y1, …]` list. */
export function boundsOfFlat(points: readonly number[]): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] as number;
    const y = points[i + 1] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

/** Centre and half-sizes of a rectangle or an ellipse (`[cx, cy, rightX, topY]`). */
export function centredBox(shape: Shape): { cx: number; cy: number; hw: number; hh: number } | null {
  const [a = 0, b = 0, c = 0, d = 0] = shape.points;
  if (shape.type === 'rectangle') {
    return { cx: (a + c) / 2, cy: (b + d) / 2, hw: Math.abs(c - a) / 2, hh: Math.abs(d - b) / 2 };
  }
  if (shape.type === 'ellipse') return { cx: a, cy: b, hw: Math.abs(c - a), hh: Math.abs(b - d) };
  return null;
}

/** World bounds of a shape, rotation included; null when the shape has no drawable geometry. */
export function shapeBounds(shape: Shape): Box | null {
  const box = centredBox(shape);
  if (box) {
    const rad = (shape.rotation * Math.PI) / 180;
    const cos = Math.abs(Math.cos(rad));
    const sin = Math.abs(Math.sin(rad));
    const ex = box.hw * cos + box.hh * sin;
    const ey = box.hw * sin + box.hh * cos;
    return { minX: box.cx - ex, minY: box.cy - ey, maxX: box.cx + ex, maxY: box.cy + ey };
  }
  if (shape.type === 'skeleton') {
    return finite(boundsOfFlat(shape.elements.flatMap((e) => (e.outside ? [] : e.points))));
  }
  if (shape.type === 'mask') {
    // RLE first, then [left, top, right, bottom]: the last four numbers are the box.
    const n = shape.points.length;
    if (n < 4) return null;
    return finite(boundsOfFlat(shape.points.slice(n - 4)));
  }
  return finite(boundsOfFlat(shape.points));
}

function finite(box: Box): Box | null {
  return Number.isFinite(box.minX) && Number.isFinite(box.minY) ? box : null;
}

export function expandBox(box: Box, by: number): Box {
  return { minX: box.minX - by, minY: box.minY - by, maxX: box.maxX + by, maxY: box.maxY + by };
}

export function unionBox(a: Box, b: Box): Box {
  return {
    minX: Math.min(a.minX, b.minX),
    minY: Math.min(a.minY, b.minY),
    maxX: Math.max(a.maxX, b.maxX),
    maxY: Math.max(a.maxY, b.maxY),
  };
}

export function boxContains(box: Box, p: Point): boolean {
  return p.x >= box.minX && p.x <= box.maxX && p.y >= box.minY && p.y <= box.maxY;
}

export function distanceToSegmentSquared(p: Point, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p.x - ax) * dx + (p.y - ay) * dy) / len2;
  t = clamp(t, 0, 1);
  const ex = p.x - (ax + t * dx);
  const ey = p.y - (ay + t * dy);
  return ex * ex + ey * ey;
}

/** Even-odd point-in-polygon over a flat point list. */
export function pointInPolygon(p: Point, points: readonly number[]): boolean {
  let inside = false;
  const n = points.length - (points.length % 2);
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const xi = points[i] as number;
    const yi = points[i + 1] as number;
    const xj = points[j] as number;
    const yj = points[j + 1] as number;
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function nearPolyline(p: Point, points: readonly number[], tolerance: number, closed: boolean): boolean {
  const t2 = tolerance * tolerance;
  const n = points.length - (points.length % 2);
  if (n === 2)
    return (
      distanceToSegmentSquared(
        p,
        points[0] as number,
        points[1] as number,
        points[0] as number,
        points[1] as number,
      ) <= t2
    );
  for (let i = 0; i + 3 < n; i += 2) {
    if (
      distanceToSegmentSquared(
        p,
        points[i] as number,
        points[i + 1] as number,
        points[i + 2] as number,
        points[i + 3] as number,
      ) <= t2
    ) {
      return true;
    }
  }
  if (closed && n >= 4) {
    return (
      distanceToSegmentSquared(
        p,
        points[n - 2] as number,
        points[n - 1] as number,
        points[0] as number,
        points[1] as number,
      ) <= t2
    );
  }
  return false;
}

export function nearAnyPoint(p: Point, points: readonly number[], tolerance: number): boolean {
  const t2 = tolerance * tolerance;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const dx = p.x - (points[i] as number);
    const dy = p.y - (points[i + 1] as number);
    if (dx * dx + dy * dy <= t2) return true;
  }
  return false;
}

/** Rotates `p` about `(cx, cy)` by `-degrees`: maps a world point into a rotated shape's own frame. */
export function unrotate(p: Point, cx: number, cy: number, degrees: number): Point {
  if (degrees === 0) return p;
  const rad = (-degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const dx = p.x - cx;
  const dy = p.y - cy;
  return { x: cx + dx * cos - dy * sin, y: cy + dx * sin + dy * cos };
}

/**
 * Whether a world point hits a shape: inside filled shapes, or within `tolerance` (world units) of
 * a stroke or a point.
 */
export function shapeContains(shape: Shape, p: Point, tolerance: number): boolean {
  switch (shape.type) {
    case 'rectangle': {
      const box = centredBox(shape);
      if (!box) return false;
      const q = unrotate(p, box.cx, box.cy, shape.rotation);
      return Math.abs(q.x - box.cx) <= box.hw + tolerance && Math.abs(q.y - box.cy) <= box.hh + tolerance;
    }
    case 'ellipse': {
      const box = centredBox(shape);
      if (!box) return false;
      const q = unrotate(p, box.cx, box.cy, shape.rotation);
      const rx = box.hw + tolerance;
      const ry = box.hh + tolerance;
      if (rx <= 0 || ry <= 0) return false;
      const nx = (q.x - box.cx) / rx;
      const ny = (q.y - box.cy) / ry;
      return nx * nx + ny * ny <= 1;
    }
    case 'polygon':
      return pointInPolygon(p, shape.points) || nearPolyline(p, shape.points, tolerance, true);
    case 'polyline':
      return nearPolyline(p, shape.points, tolerance, false);
    case 'points':
      return nearAnyPoint(p, shape.points, tolerance);
    case 'skeleton':
    case 'cuboid':
    case 'mask': {
      const box = shapeBounds(shape);
      return box !== null && boxContains(expandBox(box, tolerance), p);
    }
  }
}

/** Shape types whose `points` are plain (x, y) pairs, so moving the shape is translating every pair. */
export function isTranslatable(shape: Shape): boolean {
  return shape.type !== 'mask' && shape.type !== 'skeleton' && shape.points.length >= 2;
}

/**
 * Translates a flat point list by `(dx, dy)`, limiting the shift so that `bounds` stays inside the
 * image when it started inside (a box larger than the image is pinned at the top-left).
 */
export function translateWithin(
  points: readonly number[],
  bounds: Box,
  dx: number,
  dy: number,
  image: Size | null,
): number[] {
  let sx = dx;
  let sy = dy;
  if (image) {
    sx = limitShift(bounds.minX, bounds.maxX, dx, image.width);
    sy = limitShift(bounds.minY, bounds.maxY, dy, image.height);
  }
  return points.map((v, i) => (i % 2 === 0 ? v + sx : v + sy));
}

function limitShift(min: number, max: number, shift: number, extent: number): number {
  if (max - min >= extent) return -min;
  const lo = Math.min(0, -min);
  const hi = Math.max(0, extent - max);
  return clamp(shift, lo, hi);
}
