/**
 * Shapes ↔ per-pixel index images, for the segmentation formats (VOC, Segmentation mask,
 * CamVid, Cityscapes, KITTI, MOTS): shapes are painted in z-order, and each region of an index
 * image becomes a CVAT mask (RLE in its tight box), pixel for pixel.
 */
import { blit, decodeMask, encodeCroppedMask, rasterizePolygon } from '../../core/mask';
import type { Shape } from '../../core/types';

/** Paints `shapes` (rectangles, polygons, masks, ellipses) into `target` with `value(shape)`. */
export function paintShapes(
  shapes: readonly Shape[],
  width: number,
  height: number,
  target: Uint32Array,
  value: (shape: Shape, index: number) => number,
): void {
  const order = shapes
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => ['rectangle', 'polygon', 'mask', 'ellipse'].includes(s.type))
    .sort((a, b) => a.s.z_order - b.s.z_order || a.i - b.i);
  const bitmap = new Uint8Array(width * height);
  for (const { s, i } of order) {
    bitmap.fill(0);
    if (s.type === 'mask') blit(decodeMask(s.points), bitmap, width, height);
    else rasterizePolygon(bitmap, width, height, outline(s), 1);
    const v = value(s, i);
    for (let p = 0; p < bitmap.length; p++) if (bitmap[p] !== 0) target[p] = v;
  }
}

/** The polygon outline of a rectangle (rotated), polygon or ellipse. */
function outline(s: Shape): number[] {
  if (s.type === 'polygon') return s.points;
  if (s.type === 'ellipse') {
    const [cx, cy, rxp, typ] = s.points;
    const rx = Math.abs(rxp - cx);
    const ry = Math.abs(cy - typ);
    const out: number[] = [];
    const a = (s.rotation * Math.PI) / 180;
    for (let k = 0; k < 64; k++) {
      const t = (k / 64) * 2 * Math.PI;
      const x = rx * Math.cos(t);
      const y = ry * Math.sin(t);
      out.push(cx + x * Math.cos(a) - y * Math.sin(a), cy + x * Math.sin(a) + y * Math.cos(a));
    }
    return out;
  }
  const [x1, y1, x2, y2] = s.points as number[] as [number, number, number, number];
  if (!s.rotation) return [x1, y1, x2, y1, x2, y2, x1, y2];
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const a = (s.rotation * Math.PI) / 180;
  const out: number[] = [];
  for (const [x, y] of [
    [x1, y1],
    [x2, y1],
    [x2, y2],
    [x1, y2],
  ] as const) {
    out.push(
      cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a),
      cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a),
    );
  }
  return out;
}

/**
 * CVAT mask points of every distinct value of `keys` except those `skip` says, in first-seen
 * order. One pass finds each value's box; each mask is then cut from its box only.
 */
export function regions(
  keys: Uint32Array,
  width: number,
  height: number,
  skip: (key: number) => boolean,
): Map<number, number[]> {
  const boxes = new Map<number, [number, number, number, number]>();
  const skipped = new Set<number>();
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const k = keys[i]!;
      const box = boxes.get(k);
      if (box) {
        if (x < box[0]) box[0] = x;
        if (x > box[2]) box[2] = x;
        box[3] = y;
      } else if (!skipped.has(k)) {
        if (skip(k)) skipped.add(k);
        else boxes.set(k, [x, y, x, y]);
      }
    }
  }
  const out = new Map<number, number[]>();
  for (const [k, [left, top, right, bottom]] of boxes) {
    const w = right - left + 1;
    const h = bottom - top + 1;
    const bitmap = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      const row = (top + y) * width + left;
      for (let x = 0; x < w; x++) if (keys[row + x] === k) bitmap[y * w + x] = 1;
    }
    const points = encodeCroppedMask({ bitmap, left, top, width: w, height: h });
    if (points) out.set(k, points);
  }
  return out;
}

/** For each distinct key, the most frequent value of `values` on its pixels (one pass). */
export function majorities(keys: Uint32Array, values: Uint32Array): Map<number, number> {
  const counts = new Map<number, Map<number, number>>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    let byValue = counts.get(k);
    if (!byValue) counts.set(k, (byValue = new Map()));
    byValue.set(values[i]!, (byValue.get(values[i]!) ?? 0) + 1);
  }
  const out = new Map<number, number>();
  for (const [k, byValue] of counts) {
    let best = -1;
    let bestN = -1;
    for (const [v, n] of byValue) if (n > bestN) [best, bestN] = [v, n];
    out.set(k, best);
  }
  return out;
}
