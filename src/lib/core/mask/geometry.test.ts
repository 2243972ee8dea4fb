import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskToPolygons, simplifyClosed } from './contour';
import { intersectMask, maskIoU, removeUnderlyingPixels, subtractMask, unionMask } from './ops';
import { polygonArea, polygonToMask, polygonsToMask, rasterizePolygon } from './polygon';
import { decodeMaskToImage, encodeMask, maskArea } from './rle';

const W = 48;
const H = 40;

/** Random bitmaps of W x H from a seed, `density` of 8 set. */
const imageArb = (density: number) =>
  fc.integer().map((seed) => {
    let s = seed >>> 0;
    return new Uint8Array(W * H).map(() => ((s = (s * 69069 + 1) >>> 0) >>> 29 < density ? 1 : 0));
  });

/** Star-shaped polygons (radii at sorted angles around a centre), inside or across the image. */
const starArb = fc
  .record({
    cx: fc.double({ min: 5, max: 60, noNaN: true }),
    cy: fc.double({ min: 5, max: 60, noNaN: true }),
    radii: fc.array(fc.double({ min: 3, max: 30, noNaN: true }), { minLength: 3, maxLength: 16 }),
  })
  .map(({ cx, cy, radii }) =>
    radii.flatMap((r, i) => {
      const a = (2 * Math.PI * i) / radii.length;
      return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
    }),
  );

function perimeter(p: number[]): number {
  let sum = 0;
  for (let i = 0; i < p.length; i += 2) {
    const j = (i + 2) % p.length;
    sum += Math.hypot(p[j]! - p[i]!, p[j + 1]! - p[i + 1]!);
  }
  return sum;
}

describe('polygon to mask', () => {
  it('fills the pixels whose centres are inside', () => {
    // The square [1, 3] x [1, 3] covers pixel centres 1.5 and 2.5 in each direction.
    const points = polygonToMask([1, 1, 3, 1, 3, 3, 1, 3], 5, 5)!;
    expect(points).toEqual([0, 4, 1, 1, 2, 2]);
    // Edges through pixel centres: the half-open rule takes the left/top edge, not the right/bottom.
    expect(maskArea(polygonToMask([0.5, 0.5, 2.5, 0.5, 2.5, 2.5, 0.5, 2.5], 5, 5)!)).toBe(4);
    expect(polygonToMask([0.1, 0.1, 0.4, 0.1, 0.4, 0.4], 5, 5)).toBeNull();
  });

  it('uses the even-odd rule for self-overlapping polygons', () => {
    // A pentagram: the centre pentagon is inside twice, so even-odd leaves it clear.
    const star = [0, 1, 2, 3, 4].flatMap((k) => {
      const a = -Math.PI / 2 + (k * 4 * Math.PI) / 5;
      return [20 + 18 * Math.cos(a), 20 + 18 * Math.sin(a)];
    });
    const image = decodeMaskToImage(polygonToMask(star, 40, 40)!, 40, 40);
    expect(image[20 * 40 + 20]).toBe(0);
    expect(image[5 * 40 + 20]).toBe(1);
  });

  it('clips to the image', () => {
    const points = polygonToMask([-10, -10, 100, -10, 100, 100, -10, 100], 6, 4)!;
    expect(points).toEqual([0, 24, 0, 0, 5, 3]);
  });

  it('covers about the polygon area (property)', () => {
    fc.assert(
      fc.property(starArb, (star) => {
        const inside = star.every((v, i) => v >= 0 && v <= (i % 2 ? H : W));
        fc.pre(inside);
        const points = polygonToMask(star, W, H);
        const area = points ? maskArea(points) : 0;
        expect(Math.abs(area - polygonArea(star))).toBeLessThanOrEqual(perimeter(star) * 0.75 + 2);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mask to polygons', () => {
  it('outlines a region along pixel edges, clockwise, corners only', () => {
    const image = new Uint8Array(5 * 4);
    for (const [x, y] of [
      [1, 1],
      [2, 1],
      [1, 2],
    ]) {
      image[y! * 5 + x!] = 1;
    }
    const polygons = maskToPolygons(encodeMask(image, 5, 4)!, 5, 4, 0);
    expect(polygons).toEqual([[1, 1, 3, 1, 3, 2, 2, 2, 2, 3, 1, 3]]);
    expect(polygonArea(polygons[0]!)).toBe(3);
  });

  it('joins diagonal neighbours into one region and fills holes', () => {
    const image = new Uint8Array(4 * 4);
    image[0] = 1;
    image[5] = 1; // (1, 1), touching (0, 0) at a corner
    expect(maskToPolygons(encodeMask(image, 4, 4)!, 4, 4, 0)).toHaveLength(1);
    // A ring of 8 pixels around a hole gives one polygon of 9 pixels.
    const ring = new Uint8Array(5 * 5);
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) ring[y * 5 + x] = x === 2 && y === 2 ? 0 : 1;
    const polygons = maskToPolygons(encodeMask(ring, 5, 5)!, 5, 5, 0);
    expect(polygons.map(polygonArea)).toEqual([9]);
  });

  it('rasterises back to every pixel of the mask at accuracy 0 (property)', () => {
    fc.assert(
      fc.property(imageArb(3), (image) => {
        const points = encodeMask(image, W, H);
        fc.pre(points !== null);
        const polygons = maskToPolygons(points!, W, H, 0);
        const back = decodeMaskToImage(polygonsToMask(polygons, W, H)!, W, H);
        expect(image.every((v, i) => v === 0 || back[i] === 1)).toBe(true);
        // Each pixel-edge outline covers exactly its own area in pixels.
        for (const polygon of polygons) {
          const alone = new Uint8Array(W * H);
          rasterizePolygon(alone, W, H, polygon);
          expect(alone.reduce((s, v) => s + v, 0)).toBe(polygonArea(polygon));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the area within tolerance through polygon → mask → polygon (property)', () => {
    fc.assert(
      fc.property(starArb, fc.constantFrom(0, 0.5, 1, 2), (star, accuracy) => {
        fc.pre(star.every((v, i) => v >= 0 && v <= (i % 2 ? H : W)));
        const points = polygonToMask(star, W, H);
        fc.pre(points !== null);
        const polygons = maskToPolygons(points!, W, H, accuracy);
        const area = polygons.reduce((s, p) => s + polygonArea(p), 0);
        expect(Math.abs(area - polygonArea(star))).toBeLessThanOrEqual(
          perimeter(star) * (0.75 + accuracy) + 4,
        );
        for (const p of polygons) expect(p.length).toBeGreaterThanOrEqual(6);
      }),
      { numRuns: 300 },
    );
  });

  it('simplifies within the tolerance', () => {
    // A staircase diagonal collapses to a triangle at accuracy 1.
    const ring = [0, 0, 1, 0, 1, 1, 2, 1, 2, 2, 3, 2, 3, 3, 0, 3];
    expect(simplifyClosed(ring, 1).length / 2).toBeLessThanOrEqual(4);
    expect(simplifyClosed(ring, 0.1)).toEqual(ring);
  });
});

describe('mask boolean operations', () => {
  const decode = (p: number[] | null) => (p ? decodeMaskToImage(p, W, H) : new Uint8Array(W * H));

  it('match bitwise operations on the image (property)', () => {
    fc.assert(
      fc.property(imageArb(2), imageArb(4), (ia, ib) => {
        const a = encodeMask(ia, W, H);
        const b = encodeMask(ib, W, H);
        fc.pre(a !== null && b !== null);
        const sub = decode(subtractMask(a!, b!));
        const uni = decode(unionMask(a!, b!));
        const inter = decode(intersectMask(a!, b!));
        expect(sub).toEqual(ia.map((v, i) => v & (ib[i]! ^ 1)));
        expect(uni).toEqual(ia.map((v, i) => v | ib[i]!));
        expect(inter).toEqual(ia.map((v, i) => v & ib[i]!));
      }),
      { numRuns: 150 },
    );
  });

  it('computes IoU and removes underlying pixels from lower masks', () => {
    const left = polygonToMask([0, 0, 4, 0, 4, 4, 0, 4], W, H)!; // 16 px
    const right = polygonToMask([2, 0, 6, 0, 6, 4, 2, 4], W, H)!; // 16 px, 8 shared
    const far = polygonToMask([20, 20, 22, 20, 22, 22, 20, 22], W, H)!;
    const inside = polygonToMask([2, 1, 4, 1, 4, 3, 2, 3], W, H)!;
    expect(maskIoU(left, right)).toBeCloseTo(8 / 24);
    const changed = removeUnderlyingPixels(right, [
      { key: 'left', points: left },
      { key: 'far', points: far },
      { key: 'inside', points: inside },
    ]);
    expect(changed.map((c) => c.key)).toEqual(['left', 'inside']);
    expect(maskArea(changed[0]!.points!)).toBe(8);
    expect(changed[1]!.points).toBeNull();
  });
});
