/**
 * Run-length encoding of mask bitmaps as CVAT stores it, and the TypeScript reference kernels.
 *
 * A bitmap is one byte per pixel, row-major; 0 is clear and anything else is set. Runs are the
 * lengths of alternating clear and set runs, starting with a clear run, which is 0 long when the
 * first pixel is set. Runs cover every pixel, so they sum to the bitmap's length.
 *
 * CVAT mask `points` are the runs of the bitmap cropped to its box, followed by the box
 * `[left, top, right, bottom]` with right and bottom inclusive.
 */

/** The hot loops; the TypeScript reference and the wasm build implement the same contract. */
export interface MaskKernels {
  readonly name: 'ts' | 'wasm';
  /** Runs of a whole bitmap; empty for an empty bitmap. */
  encodeRle(bitmap: Uint8Array): Uint32Array;
  /**
   * A bitmap of `length` pixels (0 or 1) from runs. Runs past `length` are cut, pixels the runs
   * do not reach are clear. Writes into `out` when given (its length must be `length`).
   */
  decodeRle(runs: ArrayLike<number>, length: number, out?: Uint8Array): Uint8Array;
}

/** Box of a mask in image pixels; `right` and `bottom` are inclusive. */
export interface MaskBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A bitmap covering `width` x `height` pixels whose top-left pixel is (`left`, `top`). */
export interface CroppedMask {
  bitmap: Uint8Array;
  left: number;
  top: number;
  width: number;
  height: number;
}

function encodeRleTs(bitmap: Uint8Array): Uint32Array {
  const len = bitmap.length;
  if (len === 0) return new Uint32Array(0);
  // Worst case is one run per pixel plus the leading clear run; grow when that is large.
  let out = new Uint32Array(Math.min(len + 1, 1024 + (len >>> 4)));
  let n = 0;
  let set = false;
  let start = 0;
  let i = 0;
  for (;;) {
    if (set) while (i < len && bitmap[i] !== 0) i++;
    else while (i < len && bitmap[i] === 0) i++;
    if (n === out.length) {
      const bigger = new Uint32Array(Math.min(len + 1, out.length * 2));
      bigger.set(out);
      out = bigger;
    }
    out[n++] = i - start;
    if (i === len) break;
    start = i;
    set = !set;
  }
  return out.slice(0, n);
}

function decodeRleTs(runs: ArrayLike<number>, length: number, out?: Uint8Array): Uint8Array {
  const bitmap = out ?? new Uint8Array(length);
  let p = 0;
  for (let i = 0; i < runs.length && p < length; i++) {
    const end = Math.min(length, p + (runs[i] ?? 0));
    const v = i & 1;
    // A call to fill costs more than a short loop.
    if (end - p < 16) for (; p < end; p++) bitmap[p] = v;
    else if (v !== 0 || out) bitmap.fill(v, p, end);
    p = end;
  }
  if (p < length && out) bitmap.fill(0, p, length);
  return bitmap;
}

/** The TypeScript reference kernels. */
export const tsKernels: MaskKernels = { name: 'ts', encodeRle: encodeRleTs, decodeRle: decodeRleTs };

/** The box stored at the end of CVAT mask points. */
export function maskBox(points: ArrayLike<number>): MaskBox {
  const n = points.length;
  if (n < 4) throw new Error(`mask points need a box, got ${n} numbers`);
  const left = Math.round(points[n - 4]!);
  const top = Math.round(points[n - 3]!);
  const right = Math.round(points[n - 2]!);
  const bottom = Math.round(points[n - 1]!);
  if (right < left || bottom < top) throw new Error(`bad mask box [${left}, ${top}, ${right}, ${bottom}]`);
  return { left, top, right, bottom };
}

/** Decodes CVAT mask points into the bitmap of their box. */
export function decodeMask(points: ArrayLike<number>, kernels: MaskKernels = tsKernels): CroppedMask {
  const box = maskBox(points);
  const width = box.right - box.left + 1;
  const height = box.bottom - box.top + 1;
  const runs = Array.prototype.slice.call(points, 0, points.length - 4) as number[];
  return { bitmap: kernels.decodeRle(runs, width * height), left: box.left, top: box.top, width, height };
}

/** Decodes CVAT mask points into a full image bitmap; parts outside the image are dropped. */
export function decodeMaskToImage(
  points: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
  kernels: MaskKernels = tsKernels,
  out: Uint8Array = new Uint8Array(imageWidth * imageHeight),
): Uint8Array {
  const crop = decodeMask(points, kernels);
  blit(crop, out, imageWidth, imageHeight);
  return out;
}

/** Copies a cropped mask into a full bitmap (set pixels only overwrite, clear ones too). */
export function blit(crop: CroppedMask, target: Uint8Array, width: number, height: number): void {
  const x0 = Math.max(0, crop.left);
  const x1 = Math.min(width, crop.left + crop.width);
  const y0 = Math.max(0, crop.top);
  const y1 = Math.min(height, crop.top + crop.height);
  if (x1 <= x0) return;
  for (let y = y0; y < y1; y++) {
    const src = (y - crop.top) * crop.width + (x0 - crop.left);
    target.set(crop.bitmap.subarray(src, src + (x1 - x0)), y * width + x0);
  }
}

/**
 * The tight box of the set pixels of a `width`-wide bitmap, looking only inside `within` when
 * given (a box known to contain every set pixel); null when nothing is set.
 */
export function bitmapBounds(
  bitmap: Uint8Array,
  width: number,
  height: number,
  within?: MaskBox,
): MaskBox | null {
  const x0 = Math.max(0, within?.left ?? 0);
  const x1 = Math.min(width - 1, within?.right ?? width - 1);
  const y0 = Math.max(0, within?.top ?? 0);
  const y1 = Math.min(height - 1, within?.bottom ?? height - 1);
  if (x1 < x0 || y1 < y0) return null;
  const rowHasSet = (y: number) => {
    const row = y * width;
    for (let i = row + x0; i <= row + x1; i++) if (bitmap[i] !== 0) return true;
    return false;
  };
  let top = y0;
  while (top <= y1 && !rowHasSet(top)) top++;
  if (top > y1) return null;
  let bottom = y1;
  while (bottom > top && !rowHasSet(bottom)) bottom--;
  let left = x1;
  let right = x0;
  for (let y = top; y <= bottom; y++) {
    const row = y * width;
    for (let x = x0; x < left; x++) {
      if (bitmap[row + x] !== 0) {
        left = x;
        break;
      }
    }
    for (let x = x1; x > right; x--) {
      if (bitmap[row + x] !== 0) {
        right = x;
        break;
      }
    }
  }
  return { left, top, right, bottom };
}

/** The pixels of a `width`-wide bitmap inside `box`, as a cropped mask. */
export function cropBitmap(bitmap: Uint8Array, width: number, box: MaskBox): CroppedMask {
  const w = box.right - box.left + 1;
  const h = box.bottom - box.top + 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const src = (box.top + y) * width + box.left;
    out.set(bitmap.subarray(src, src + w), y * w);
  }
  return { bitmap: out, left: box.left, top: box.top, width: w, height: h };
}

/**
 * CVAT mask points for a `width` x `height` bitmap: cropped to the tight box of its set pixels,
 * then run-length encoded. Null when no pixel is set (CVAT has no empty masks). `within` is an
 * optional box known to hold every set pixel, to skip scanning the rest.
 */
export function encodeMask(
  bitmap: Uint8Array,
  width: number,
  height: number,
  kernels: MaskKernels = tsKernels,
  within?: MaskBox,
): number[] | null {
  const box = bitmapBounds(bitmap, width, height, within);
  if (!box) return null;
  const crop = cropBitmap(bitmap, width, box);
  return pointsFromRuns(kernels.encodeRle(crop.bitmap), box);
}

/** CVAT mask points for a cropped mask, tightened to its set pixels; null when empty. */
export function encodeCroppedMask(mask: CroppedMask, kernels: MaskKernels = tsKernels): number[] | null {
  const local = bitmapBounds(mask.bitmap, mask.width, mask.height);
  if (!local) return null;
  const crop =
    local.left === 0 && local.top === 0 && local.right === mask.width - 1 && local.bottom === mask.height - 1
      ? mask.bitmap
      : cropBitmap(mask.bitmap, mask.width, local).bitmap;
  return pointsFromRuns(kernels.encodeRle(crop), {
    left: mask.left + local.left,
    top: mask.top + local.top,
    right: mask.left + local.right,
    bottom: mask.top + local.bottom,
  });
}

function pointsFromRuns(runs: Uint32Array, box: MaskBox): number[] {
  const points = new Array<number>(runs.length + 4);
  for (let i = 0; i < runs.length; i++) points[i] = runs[i]!;
  points[runs.length] = box.left;
  points[runs.length + 1] = box.top;
  points[runs.length + 2] = box.right;
  points[runs.length + 3] = box.bottom;
  return points;
}

/** Number of set pixels of CVAT mask points, from the runs alone. */
export function maskArea(points: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < points.length - 4; i += 2) area += points[i]!;
  return area;
}
