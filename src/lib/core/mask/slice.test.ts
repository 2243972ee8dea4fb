import { describe, expect, it } from 'vitest';
import { maskArea, polygonToMask } from './index';
import { sliceMask, slicePolygon } from './slice';
import { polygonArea } from './polygon';

describe('slicing', () => {
  it('cuts a square mask in two along a vertical line, losing only the cut', () => {
    const square = polygonToMask([10, 10, 50, 10, 50, 50, 10, 50], 100, 100)!;
    const before = maskArea(square);
    const pieces = sliceMask(square, [30, 0, 30, 100]);
    expect(pieces).toHaveLength(2);
    const areas = pieces.map((p) => maskArea(p));
    expect(areas.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(before - 2 * 40);
    expect(Math.abs(areas[0]! - areas[1]!)).toBeLessThanOrEqual(40);
  });

  it('leaves a mask whole when the line misses it', () => {
    const square = polygonToMask([10, 10, 50, 10, 50, 50, 10, 50], 100, 100)!;
    expect(sliceMask(square, [70, 0, 70, 100])).toEqual([square]);
  });

  it('cuts a polygon into polygons along a diagonal polyline', () => {
    const pieces = slicePolygon([0, 0, 60, 0, 60, 60, 0, 60], [-5, -5, 30, 32, 65, 65], 100, 100, 0.5);
    expect(pieces).toHaveLength(2);
    for (const p of pieces) expect(Math.abs(polygonArea(p))).toBeGreaterThan(1500);
  });
});
