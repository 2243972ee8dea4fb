/**
 * Boolean operations on CVAT mask points. Results are cropped to their set pixels and null when
 * nothing is left. "Remove underlying pixels" is `subtractMask(lower, drawn)` for each mask
 * under the one drawn.
 */
import {
  decodeMask,
  encodeCroppedMask,
  maskArea,
  maskBox,
  tsKernels,
  type CroppedMask,
  type MaskBox,
  type MaskKernels,
} from './rle';

type Op = 'subtract' | 'union' | 'intersect';

function boxesIntersect(a: MaskBox, b: MaskBox): boolean {
  return a.left <= b.right && b.left <= a.right && a.top <= b.bottom && b.top <= a.bottom;
}

/** A blank mask over `box`. */
function blank(box: MaskBox): CroppedMask {
  const width = box.right - box.left + 1;
  const height = box.bottom - box.top + 1;
  return { bitmap: new Uint8Array(width * height), left: box.left, top: box.top, width, height };
}

/** Applies `src` onto `dst` over their overlap, pixel by pixel. */
function apply(dst: CroppedMask, src: CroppedMask, op: Op): void {
  const x0 = Math.max(dst.left, src.left);
  const x1 = Math.min(dst.left + dst.width, src.left + src.width);
  const y0 = Math.max(dst.top, src.top);
  const y1 = Math.min(dst.top + dst.height, src.top + src.height);
  for (let y = y0; y < y1; y++) {
    let d = (y - dst.top) * dst.width + (x0 - dst.left);
    let s = (y - src.top) * src.width + (x0 - src.left);
    for (let x = x0; x < x1; x++, d++, s++) {
      const v = src.bitmap[s] !== 0;
      if (op === 'subtract') {
        if (v) dst.bitmap[d] = 0;
      } else if (op === 'union') {
        if (v) dst.bitmap[d] = 1;
      } else if (!v) {
        dst.bitmap[d] = 0;
      }
    }
  }
}

/** `a` without the pixels of `b`; null when nothing of `a` is left. */
export function subtractMask(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  kernels: MaskKernels = tsKernels,
): number[] | null {
  if (!boxesIntersect(maskBox(a), maskBox(b))) return maskArea(a) > 0 ? Array.from(a) : null;
  const dst = decodeMask(a, kernels);
  apply(dst, decodeMask(b, kernels), 'subtract');
  return encodeCroppedMask(dst, kernels);
}

/** Pixels in `a` or `b`. */
export function unionMask(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  kernels: MaskKernels = tsKernels,
): number[] | null {
  const ba = maskBox(a);
  const bb = maskBox(b);
  const dst = blank({
    left: Math.min(ba.left, bb.left),
    top: Math.min(ba.top, bb.top),
    right: Math.max(ba.right, bb.right),
    bottom: Math.max(ba.bottom, bb.bottom),
  });
  apply(dst, decodeMask(a, kernels), 'union');
  apply(dst, decodeMask(b, kernels), 'union');
  return encodeCroppedMask(dst, kernels);
}

/** Pixels in both `a` and `b`; null when they do not overlap. */
export function intersectMask(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  kernels: MaskKernels = tsKernels,
): number[] | null {
  const ba = maskBox(a);
  const bb = maskBox(b);
  if (!boxesIntersect(ba, bb)) return null;
  const box = {
    left: Math.max(ba.left, bb.left),
    top: Math.max(ba.top, bb.top),
    right: Math.min(ba.right, bb.right),
    bottom: Math.min(ba.bottom, bb.bottom),
  };
  const dst = blank(box);
  apply(dst, decodeMask(a, kernels), 'union');
  apply(dst, decodeMask(b, kernels), 'intersect');
  return encodeCroppedMask(dst, kernels);
}

/** Intersection over union of two masks (0 when both are empty). */
export function maskIoU(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  kernels: MaskKernels = tsKernels,
): number {
  const inter = intersectMask(a, b, kernels);
  const i = inter ? maskArea(inter) : 0;
  const u = maskArea(a) + maskArea(b) - i;
  return u > 0 ? i / u : 0;
}

/**
 * "Remove underlying pixels": each of `lower` without the pixels of `drawn`. Entries whose mask
 * is emptied come back with `points: null` (the shape should be removed); untouched ones are
 * left out.
 */
export function removeUnderlyingPixels<K>(
  drawn: ArrayLike<number>,
  lower: ReadonlyArray<{ key: K; points: ArrayLike<number> }>,
  kernels: MaskKernels = tsKernels,
): Array<{ key: K; points: number[] | null }> {
  const box = maskBox(drawn);
  const changed: Array<{ key: K; points: number[] | null }> = [];
  for (const { key, points } of lower) {
    if (!boxesIntersect(box, maskBox(points))) continue;
    const after = subtractMask(points, drawn, kernels);
    if (after === null || maskArea(after) !== maskArea(points)) changed.push({ key, points: after });
  }
  return changed;
}
