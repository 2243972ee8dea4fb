import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { points, polygon, rect } from './fixtures';
import { clampRectToImage, pointInPolygon, rectFromCorners, shapeBounds, translateWithin } from './geometry';

const image = { width: 640, height: 480 };

describe('clamping to the image', () => {
  it('clamps each corner into the image', () => {
    expect(clampRectToImage([-10, -5, 700, 500], image)).toEqual([0, 0, 640, 480]);
    expect(clampRectToImage([10, 20, 30, 40], image)).toEqual([10, 20, 30, 40]);
  });

  it('orders swapped corners before clamping', () => {
    expect(clampRectToImage([700, 40, 600, -3], image)).toEqual([600, 0, 640, 40]);
  });

  it('always yields an ordered box inside the image', () => {
    const c = fc.double({ min: -2000, max: 2000, noNaN: true });
    fc.assert(
      fc.property(c, c, c, c, (a, b, d, e) => {
        const [xtl, ytl, xbr, ybr] = clampRectToImage([a, b, d, e], image);
        expect(xtl).toBeGreaterThanOrEqual(0);
        expect(ytl).toBeGreaterThanOrEqual(0);
        expect(xbr).toBeLessThanOrEqual(640);
        expect(ybr).toBeLessThanOrEqual(480);
        expect(xtl).toBeLessThanOrEqual(xbr);
        expect(ytl).toBeLessThanOrEqual(ybr);
      }),
    );
  });

  it('rectFromCorners accepts the corners in any order', () => {
    expect(rectFromCorners({ x: 5, y: 1 }, { x: 2, y: 8 })).toEqual([2, 1, 5, 8]);
  });
});

describe('translateWithin (moving a shape)', () => {
  const bounds = { minX: 10, minY: 10, maxX: 110, maxY: 60 };
  const pts = [10, 10, 110, 60];

  it('moves freely inside the image', () => {
    expect(translateWithin(pts, bounds, 5, -3, image)).toEqual([15, 7, 115, 57]);
  });

  it('stops at the image border without changing the size', () => {
    expect(translateWithin(pts, bounds, -50, -50, image)).toEqual([0, 0, 100, 50]);
    expect(translateWithin(pts, bounds, 1000, 1000, image)).toEqual([540, 430, 640, 480]);
  });

  it('moves without limits when there is no image', () => {
    expect(translateWithin(pts, bounds, -50, 0, null)).toEqual([-40, 10, 60, 60]);
  });
});

describe('shape bounds', () => {
  it('covers a rotated rectangle', () => {
    const b = shapeBounds(rect('r', [0, 45, 100, 55], { rotation: 90 }));
    expect(b?.minX).toBeCloseTo(45);
    expect(b?.maxX).toBeCloseTo(55);
    expect(b?.minY).toBeCloseTo(0);
    expect(b?.maxY).toBeCloseTo(100);
  });

  it('covers polygon and point vertices; empty geometry has none', () => {
    expect(shapeBounds(polygon('p', [3, 4, 10, -2, 7, 9]))).toEqual({ minX: 3, minY: -2, maxX: 10, maxY: 9 });
    expect(shapeBounds(points('pts', []))).toBeNull();
  });

  it('pointInPolygon uses the even-odd rule', () => {
    const square = [0, 0, 10, 0, 10, 10, 0, 10];
    expect(pointInPolygon({ x: 5, y: 5 }, square)).toBe(true);
    expect(pointInPolygon({ x: 15, y: 5 }, square)).toBe(false);
  });
});
