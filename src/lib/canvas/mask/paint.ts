/**
 * Brush and eraser rasterisation on a one-byte-per-pixel bitmap. A stroke segment from `a` to
 * `b` fills the area the brush sweeps, so a fast drag sampled far apart leaves no gaps. A pixel is
 * painted when its centre is inside the swept area. Rows are handed to `fillRow` as spans, so
 * the caller can record undo and dirty regions.
 */
import type { Point } from '../geometry';

export type BrushShape = 'circle' | 'square';

/** Paints pixels `x0..x1` (inclusive) of row `y`. */
export type FillRow = (y: number, x0: number, x1: number) => void;

function clipSpan(fill: FillRow, width: number, y: number, xmin: number, xmax: number, halfOpen: boolean) {
  const x0 = Math.max(0, Math.ceil(xmin - 0.5));
  const x1 = Math.min(width - 1, halfOpen ? Math.ceil(xmax - 0.5) - 1 : Math.floor(xmax - 0.5));
  if (x1 >= x0) fill(y, x0, x1);
}

/** The pixels a 1-pixel brush crosses from `a` to `b`: an 8-connected line between their pixels. */
function paintThinLine(a: Point, b: Point, width: number, height: number, fill: FillRow): void {
  let x = Math.floor(a.x);
  let y = Math.floor(a.y);
  const x1 = Math.floor(b.x);
  const y1 = Math.floor(b.y);
  const dx = Math.abs(x1 - x);
  const dy = -Math.abs(y1 - y);
  const sx = x < x1 ? 1 : -1;
  const sy = y < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    if (x >= 0 && x < width && y >= 0 && y < height) fill(y, x, x);
    if (x === x1 && y === y1) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/**
 * Paints the area a brush of `size` pixels (diameter or side) sweeps moving from `a` to `b`
 * (`a` alone when they are equal) on a `width` x `height` bitmap.
 */
export function paintSegment(
  a: Point,
  b: Point,
  size: number,
  shape: BrushShape,
  width: number,
  height: number,
  fill: FillRow,
): void {
  if (size <= 1) {
    paintThinLine(a, b, width, height, fill);
    return;
  }
  const r = size / 2;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const yFrom = Math.max(0, Math.ceil(Math.min(a.y, b.y) - r - 0.5));
  const yTo = Math.min(height - 1, Math.floor(Math.max(a.y, b.y) + r - 0.5));
  if (shape === 'square') {
    // Minkowski sum of the segment and the square: on each row, the centres whose vertical
    // distance to the row is under r, widened by r.
    for (let y = yFrom; y <= yTo; y++) {
      const yc = y + 0.5;
      let t0: number;
      let t1: number;
      if (dy === 0) {
        if (!(yc >= a.y - r && yc < a.y + r)) continue;
        t0 = 0;
        t1 = 1;
      } else {
        const u = (yc - r - a.y) / dy;
        const v = (yc + r - a.y) / dy;
        t0 = Math.max(0, Math.min(u, v));
        t1 = Math.min(1, Math.max(u, v));
        if (t1 < t0) continue;
      }
      const xa = a.x + t0 * dx;
      const xb = a.x + t1 * dx;
      clipSpan(fill, width, y, Math.min(xa, xb) - r, Math.max(xa, xb) + r, true);
    }
    return;
  }
  // Capsule: the two end circles and the band between them; convex, so one span per row.
  const len = Math.hypot(dx, dy);
  const nx = len > 0 ? (-dy / len) * r : 0;
  const ny = len > 0 ? (dx / len) * r : 0;
  const band: Array<[number, number]> = [
    [a.x + nx, a.y + ny],
    [b.x + nx, b.y + ny],
    [b.x - nx, b.y - ny],
    [a.x - nx, a.y - ny],
  ];
  const r2 = r * r;
  for (let y = yFrom; y <= yTo; y++) {
    const yc = y + 0.5;
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of [a, b]) {
      const d = yc - c.y;
      if (d * d <= r2) {
        const h = Math.sqrt(r2 - d * d);
        lo = Math.min(lo, c.x - h);
        hi = Math.max(hi, c.x + h);
      }
    }
    if (len > 0) {
      for (let k = 0; k < 4; k++) {
        const [px, py] = band[k]!;
        const [qx, qy] = band[(k + 1) & 3]!;
        if (py === qy || yc < Math.min(py, qy) || yc > Math.max(py, qy)) continue;
        const x = px + ((yc - py) * (qx - px)) / (qy - py);
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    if (lo <= hi) clipSpan(fill, width, y, lo, hi, false);
  }
}
