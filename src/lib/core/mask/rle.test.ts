import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bitmapBounds,
  decodeMask,
  decodeMaskToImage,
  encodeCroppedMask,
  encodeMask,
  maskArea,
  maskBox,
  tsKernels,
  type MaskKernels,
} from './rle';
import { loadBuiltWasmKernels } from './testKernels';

let wasm: MaskKernels;
beforeAll(async () => {
  wasm = await loadBuiltWasmKernels();
});

const bits = (s: string) => Uint8Array.from(s.replace(/\s/g, ''), (c) => (c === '1' ? 1 : 0));

/** Bitmaps biased towards long runs, with the occasional non-0/1 set byte. */
const bitmapArb = fc
  .array(fc.record({ value: fc.constantFrom(0, 1, 1, 255), length: fc.integer({ min: 1, max: 40 }) }), {
    maxLength: 30,
  })
  .map((runs) => {
    const out: number[] = [];
    for (const r of runs) for (let i = 0; i < r.length; i++) out.push(r.value);
    return Uint8Array.from(out);
  });

describe('CVAT RLE, exact encoding', () => {
  it('starts with a clear run, 0 long when the first pixel is set', () => {
    expect(Array.from(tsKernels.encodeRle(bits('0011100')))).toEqual([2, 3, 2]);
    expect(Array.from(tsKernels.encodeRle(bits('1100111')))).toEqual([0, 2, 2, 3]);
    expect(Array.from(tsKernels.encodeRle(bits('0000')))).toEqual([4]);
    expect(Array.from(tsKernels.encodeRle(bits('1')))).toEqual([0, 1]);
    expect(Array.from(tsKernels.encodeRle(new Uint8Array(0)))).toEqual([]);
  });

  it('crops to the set pixels, row-major, with an inclusive [left, top, right, bottom] trailer', () => {
    // 5 x 4 image; set pixels (1,1), (2,1), (3,2), (1,3).
    const image = bits(`
      00000
      01100
      00010
      01000`);
    // Box x 1..3, y 1..3 (3 x 3): rows "110", "001", "100".
    expect(encodeMask(image, 5, 4)).toEqual([0, 2, 3, 2, 2, 1, 1, 3, 3]);
  });

  it('ends with the trailing clear run and decodes back to the box', () => {
    const image = bits(`
      0000
      0100
      0110
      0000`);
    const points = encodeMask(image, 4, 4)!;
    expect(points).toEqual([0, 1, 1, 2, 1, 1, 2, 2]);
    expect(maskBox(points)).toEqual({ left: 1, top: 1, right: 2, bottom: 2 });
    const crop = decodeMask(points);
    expect([crop.left, crop.top, crop.width, crop.height]).toEqual([1, 1, 2, 2]);
    expect(Array.from(crop.bitmap)).toEqual([1, 0, 1, 1]);
    expect(Array.from(decodeMaskToImage(points, 4, 4))).toEqual(Array.from(image));
    expect(maskArea(points)).toBe(3);
  });

  it('has no empty masks', () => {
    expect(encodeMask(new Uint8Array(12), 4, 3)).toBeNull();
    expect(bitmapBounds(new Uint8Array(12), 4, 3)).toBeNull();
  });

  it('drops the parts of a mask outside the image when decoding into it', () => {
    // A 3 x 1 mask at x 2..4 on a 4-wide image: the last pixel falls outside.
    const out = decodeMaskToImage([0, 3, 2, 0, 4, 0], 4, 1);
    expect(Array.from(out)).toEqual([0, 0, 1, 1]);
  });
});

describe('RLE kernels, TypeScript and wasm', () => {
  it('agree with each other and invert (property)', () => {
    fc.assert(
      fc.property(bitmapArb, (bitmap) => {
        const runs = tsKernels.encodeRle(bitmap);
        expect(Array.from(wasm.encodeRle(bitmap))).toEqual(Array.from(runs));
        const norm = Array.from(bitmap, (v) => (v ? 1 : 0));
        expect(Array.from(tsKernels.decodeRle(runs, bitmap.length))).toEqual(norm);
        expect(Array.from(wasm.decodeRle(runs, bitmap.length))).toEqual(norm);
        let sum = 0;
        for (const r of runs) sum += r;
        expect(sum).toBe(bitmap.length);
        for (let i = 1; i < runs.length; i++) expect(runs[i]).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('agree on noise long enough to overflow the first output guess', () => {
    let seed = 7;
    const bitmap = new Uint8Array(200_003).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 1);
    const runs = tsKernels.encodeRle(bitmap);
    expect(runs.length).toBeGreaterThan(4096 + (bitmap.length >>> 4));
    expect(wasm.encodeRle(bitmap)).toEqual(runs);
    expect(wasm.decodeRle(runs, bitmap.length)).toEqual(bitmap);
  });

  it('cut runs past the length and clear what the runs do not reach', () => {
    for (const k of [tsKernels, wasm]) {
      expect(Array.from(k.decodeRle([1, 5], 4))).toEqual([0, 1, 1, 1]);
      expect(Array.from(k.decodeRle([1, 1], 4, new Uint8Array([9, 9, 9, 9])))).toEqual([0, 1, 0, 0]);
    }
  });

  it('give the same CVAT points through either kernel (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer(),
        (w, h, seed) => {
          let s = seed >>> 0;
          const image = new Uint8Array(w * h).map(() => ((s = (s * 69069 + 1) >>> 0) >>> 29) & 1);
          const a = encodeMask(image, w, h, tsKernels);
          const b = encodeMask(image, w, h, wasm);
          expect(b).toEqual(a);
          if (a) {
            expect(Array.from(decodeMaskToImage(a, w, h, wasm))).toEqual(Array.from(image));
            const crop = decodeMask(a, wasm);
            expect(encodeCroppedMask(crop, tsKernels)).toEqual(a);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
