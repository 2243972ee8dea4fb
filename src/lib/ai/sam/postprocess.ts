/**
 * SAM output handling: mask logits to a bitmap, bitmaps to polygons with a bounded point count,
 * and a prompt that re-finds a mask on the next frame (its box and its most interior point).
 */
import { bitmapBounds, cropBitmap, simplifyClosed, traceRegions, polygonArea } from '$lib/core/mask';
import type { SamPrompt } from './prompt';

/** Pixels whose logit is above 0 (probability above one half). */
export function logitsToBitmap(logits: ArrayLike<number>, threshold = 0): Uint8Array {
  const out = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! > threshold ? 1 : 0;
  return out;
}

/** Intersection over union of two same-sized bitmaps (1 when both are empty). */
export function bitmapIoU(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`bitmap sizes differ: ${a.length} vs ${b.length}`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] !== 0;
    const q = b[i] !== 0;
    if (p && q) inter++;
    if (p || q) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * A closed ring reduced to at most `maxPoints` vertices: the smallest Douglas-Peucker tolerance
 * that fits, found by bisection (CVAT's point-count slider controls the count, not a tolerance).
 */
export function ringWithPointCount(ring: readonly number[], maxPoints: number): number[] {
  const target = Math.max(3, Math.floor(maxPoints));
  if (ring.length / 2 <= target) return [...ring];
  let lo = 0;
  let hi = 1;
  while (simplifyClosed(ring, hi).length / 2 > target && hi < 1e6) hi *= 2;
  let best = simplifyClosed(ring, hi);
  for (let k = 0; k < 24 && hi - lo > 1e-3; k++) {
    const mid = (lo + hi) / 2;
    const candidate = simplifyClosed(ring, mid);
    if (candidate.length / 2 <= target) {
      best = candidate;
      hi = mid;
    } else lo = mid;
  }
  return best;
}

/**
 * The outlines of a full-image bitmap's regions, largest first, each with at most `maxPoints`
 * vertices; regions under `minArea` square pixels are dropped.
 */
export function bitmapToPolygons(
  bitmap: Uint8Array,
  width: number,
  height: number,
  maxPoints: number,
  minArea = 4,
): number[][] {
  const box = bitmapBounds(bitmap, width, height);
  if (!box) return [];
  const rings = traceRegions(cropBitmap(bitmap, width, box), 0)
    .filter((r) => Math.abs(polygonArea(r)) >= minArea)
    .sort((a, b) => Math.abs(polygonArea(b)) - Math.abs(polygonArea(a)));
  return rings.map((r) => ringWithPointCount(r, maxPoints));
}

/**
 * A prompt that asks SAM for the same object on the next frame: the mask's box, widened by
 * `margin` of its size on each side for motion, and one positive click at its most interior
 * pixel (farthest from the background, by a two-pass chamfer distance). Null for an empty mask.
 */
export function promptFromBitmap(
  bitmap: Uint8Array,
  width: number,
  height: number,
  margin = 0.2,
): SamPrompt | null {
  const box = bitmapBounds(bitmap, width, height);
  if (!box) return null;
  const crop = cropBitmap(bitmap, width, box);
  const w = crop.width + 2;
  const h = crop.height + 2;
  const dist = new Float32Array(w * h);
  const BIG = 1e9;
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      if (crop.bitmap[y * crop.width + x]) dist[(y + 1) * w + x + 1] = BIG;
    }
  }
  const D = Math.SQRT2;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      if (dist[i] === 0) continue;
      dist[i] = Math.min(
        dist[i]!,
        dist[i - 1]! + 1,
        dist[i - w]! + 1,
        dist[i - w - 1]! + D,
        dist[i - w + 1]! + D,
      );
    }
  }
  let best = -1;
  let bx = 0;
  let by = 0;
  for (let y = h - 2; y >= 1; y--) {
    for (let x = w - 2; x >= 1; x--) {
      const i = y * w + x;
      if (dist[i] === 0) continue;
      dist[i] = Math.min(
        dist[i]!,
        dist[i + 1]! + 1,
        dist[i + w]! + 1,
        dist[i + w + 1]! + D,
        dist[i + w - 1]! + D,
      );
      if (dist[i]! >= best) {
        best = dist[i]!;
        bx = x;
        by = y;
      }
    }
  }
  const mx = (box.right - box.left + 1) * margin;
  const my = (box.bottom - box.top + 1) * margin;
  return {
    clicks: [{ x: box.left + bx - 1 + 0.5, y: box.top + by - 1 + 0.5, positive: true }],
    box: [
      Math.max(0, box.left - mx),
      Math.max(0, box.top - my),
      Math.min(width, box.right + 1 + mx),
      Math.min(height, box.bottom + 1 + my),
    ],
  };
}
