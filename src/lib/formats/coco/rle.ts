/**
 * COCO run-length encoding. COCO masks cover the whole image and run **column-major**
 * (top to bottom, then left to right), starting with a clear run; `counts` is a list of numbers
 * (uncompressed, as in ground-truth crowd annotations) or COCO's compact string. Loupe masks run
 * row-major inside their box (see `core/mask`), so conversion goes through a full bitmap.
 */
import { decodeMaskToImage, encodeMask } from '../../core/mask';

/** Decodes COCO's compact string form of `counts`. */
export function decodeCocoString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error('RLE string ends inside a number');
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`RLE string has "${s[p]}"`);
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10) !== 0) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/** Encodes `counts` in COCO's compact string form. */
export function encodeCocoString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** Loupe mask points from COCO counts of a `height` x `width` image; null for an empty mask. */
export function cocoRleToMask(counts: readonly number[], height: number, width: number): number[] | null {
  const total = width * height;
  const bitmap = new Uint8Array(total);
  let pos = 0;
  for (let i = 0; i < counts.length && pos < total; i++) {
    const end = Math.min(total, pos + counts[i]!);
    if (i & 1) {
      for (let j = pos; j < end; j++) {
        const x = (j / height) | 0;
        const y = j - x * height;
        bitmap[y * width + x] = 1;
      }
    }
    pos = end;
  }
  return encodeMask(bitmap, width, height);
}

export interface CocoMask {
  counts: number[];
  /** Set pixels. */
  area: number;
  /** `[x, y, w, h]` of the set pixels. */
  bbox: [number, number, number, number];
}

/** COCO counts (column-major, whole image) of Loupe mask points; parts outside the image are cut. */
export function maskToCocoRle(points: readonly number[], height: number, width: number): CocoMask {
  return bitmapToCocoRle(decodeMaskToImage(points, width, height), height, width);
}

/** COCO counts of a row-major `width` x `height` bitmap (non-zero is set). */
export function bitmapToCocoRle(bitmap: Uint8Array, height: number, width: number): CocoMask {
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  let area = 0;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = bitmap[y * width + x]! !== 0 ? 1 : 0;
      if (v !== value) {
        counts.push(run);
        run = 0;
        value = v;
      }
      run++;
      if (v) {
        area++;
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  counts.push(run);
  const bbox: [number, number, number, number] =
    area > 0 ? [left, top, right - left + 1, bottom - top + 1] : [0, 0, 0, 0];
  return { counts, area, bbox };
}
