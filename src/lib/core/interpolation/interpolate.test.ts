import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShapeType, TrackedShape } from '../types';
import {
  interpolatePolyPoints,
  interpolateRotation,
  interpolateShape,
  shortestAngleDiff,
} from './interpolate';

const kf = (
  frame: number,
  type: ShapeType,
  points: number[],
  extra: Partial<TrackedShape> = {},
): TrackedShape => ({
  type,
  frame,
  occluded: false,
  outside: false,
  z_order: 0,
  rotation: 0,
  points,
  attributes: [],
  ...extra,
});

const coord = fc.double({ min: -1e4, max: 1e4, noNaN: true });
const angle = fc.double({ min: 0, max: 359.999, noNaN: true });
/** Circular distance between two angles in degrees. */
const circular = (a: number, b: number) => {
  const d = Math.abs((((a - b) % 360) + 360) % 360);
  return Math.min(d, 360 - d);
};

describe('interpolateShape', () => {
  it('returns the keyframes themselves at their frames', () => {
    fc.assert(
      fc.property(
        fc.array(coord, { minLength: 4, maxLength: 4 }),
        fc.array(coord, { minLength: 4, maxLength: 4 }),
        angle,
        (p, q, r) => {
          const a = kf(3, 'rectangle', p, { rotation: r });
          const b = kf(9, 'rectangle', q);
          expect(interpolateShape(a, b, 3)).toEqual(a);
          expect(interpolateShape(a, b, 9)).toEqual(b);
        },
      ),
    );
  });

  it('keeps interpolated boxes, ellipses and cuboids between their neighbours', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ShapeType>('rectangle', 'ellipse', 'cuboid'),
        fc.array(fc.tuple(coord, coord), { minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 2, max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (type, pairs, start, length, t) => {
          const n = type === 'cuboid' ? 16 : 4;
          const a = kf(
            start,
            type,
            pairs.slice(0, n).map(([x]) => x),
          );
          const b = kf(
            start + length,
            type,
            pairs.slice(0, n).map(([, y]) => y),
          );
          const frame = start + Math.round(t * length);
          const s = interpolateShape(a, b, frame);
          expect(s.frame).toBe(frame);
          expect(s.points).toHaveLength(n);
          s.points.forEach((v, i) => {
            const lo = Math.min(a.points[i]!, b.points[i]!);
            const hi = Math.max(a.points[i]!, b.points[i]!);
            expect(v).toBeGreaterThanOrEqual(lo - 1e-9);
            expect(v).toBeLessThanOrEqual(hi + 1e-9);
          });
        },
      ),
    );
  });

  it('turns rotation the shortest way', () => {
    fc.assert(
      fc.property(angle, angle, fc.integer({ min: 1, max: 9 }), (r0, r1, k) => {
        const offset = k / 10;
        const r = interpolateRotation(r0, r1, offset);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThan(360);
        const total = circular(r0, r1);
        expect(circular(r0, r)).toBeCloseTo(total * offset, 6);
        expect(circular(r, r1)).toBeCloseTo(total * (1 - offset), 6);
      }),
    );
    expect(shortestAngleDiff(10, 350)).toBe(20);
    expect(shortestAngleDiff(350, 10)).toBe(-20);
    expect(shortestAngleDiff(180, 0)).toBe(180);
    expect(shortestAngleDiff(0, 180)).toBe(180);
    const a = kf(0, 'rectangle', [0, 0, 10, 10], { rotation: 350 });
    const b = kf(4, 'rectangle', [0, 0, 10, 10], { rotation: 30 });
    expect(interpolateShape(a, b, 1).rotation).toBeCloseTo(0, 9);
    expect(interpolateShape(a, b, 2).rotation).toBeCloseTo(10, 9);
  });

  it('keeps the vertex count of interpolated polygons and polylines within bounds', () => {
    const point = fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }));
    fc.assert(
      fc.property(
        fc.constantFrom<ShapeType>('polygon', 'polyline'),
        fc.uniqueArray(point, { minLength: 3, maxLength: 30, selector: ([x, y]) => `${x},${y}` }),
        fc.uniqueArray(point, { minLength: 3, maxLength: 30, selector: ([x, y]) => `${x},${y}` }),
        fc.integer({ min: 1, max: 9 }),
        (type, p, q, frame) => {
          const a = kf(0, type, p.flat());
          const b = kf(10, type, q.flat());
          const s = interpolateShape(a, b, frame);
          expect(s.points.length % 2).toBe(0);
          expect(s.points.every(Number.isFinite)).toBe(true);
          const n = s.points.length / 2;
          expect(n).toBeGreaterThanOrEqual(1);
          expect(n).toBeLessThanOrEqual(p.length + q.length);
        },
      ),
    );
  });

  it('reproduces a polygon that does not change and moves a translated one rigidly', () => {
    const square = [0, 0, 100, 0, 100, 100, 0, 100];
    expect(interpolatePolyPoints(square, square, 0.3, true)).toEqual(square);
    const moved = square.map((v, i) => v + (i % 2 === 0 ? 40 : -20));
    const half = interpolatePolyPoints(square, moved, 0.5, true);
    expect(half).toEqual(square.map((v, i) => v + (i % 2 === 0 ? 20 : -10)));
    const line = [0, 0, 10, 0, 20, 5];
    expect(interpolatePolyPoints(line, line, 0.5, false)).toEqual(line);
  });

  it('matches polylines with different vertex counts by arc length', () => {
    // Left: 2 vertices; right: 3 on the same straight line; the middle one is matched to the
    // nearest left vertex and kept.
    const s = interpolatePolyPoints([0, 0, 100, 0], [0, 10, 50, 10, 100, 10], 0.5, false);
    expect(s).toEqual([0, 5, 25, 5, 100, 5]);
  });

  it('moves single points and holds point sets unless asked to pair them', () => {
    const one = interpolateShape(kf(0, 'points', [0, 0]), kf(4, 'points', [8, 4]), 1);
    expect(one.points).toEqual([2, 1]);
    const a = kf(0, 'points', [0, 0, 10, 10]);
    const b = kf(4, 'points', [8, 4, 18, 14]);
    expect(interpolateShape(a, b, 2).points).toEqual([0, 0, 10, 10]);
    expect(interpolateShape(a, b, 2, { points: 'pairwise' }).points).toEqual([4, 2, 14, 12]);
  });

  it('holds masks, mismatched types and keyframes after an outside one', () => {
    const mask = kf(0, 'mask', [3, 4, 5, 0, 0, 2, 2]);
    const next = kf(6, 'mask', [1, 1, 10, 10, 11, 11]);
    expect(interpolateShape(mask, next, 3)).toEqual({ ...mask, frame: 3 });
    const rect = kf(0, 'rectangle', [0, 0, 1, 1]);
    expect(interpolateShape(rect, kf(2, 'polygon', [0, 0, 1, 0, 1, 1]), 1)).toEqual({ ...rect, frame: 1 });
    const gone = kf(0, 'rectangle', [0, 0, 1, 1], { outside: true });
    expect(interpolateShape(gone, kf(2, 'rectangle', [4, 4, 5, 5]), 1).points).toEqual([0, 0, 1, 1]);
  });

  it('takes occlusion, z-order and attributes from the left keyframe', () => {
    const a = kf(0, 'rectangle', [0, 0, 2, 2], {
      occluded: true,
      z_order: 3,
      attributes: [{ spec_id: 's', value: 'a' }],
    });
    const b = kf(2, 'rectangle', [2, 2, 4, 4], { attributes: [{ spec_id: 's', value: 'b' }] });
    const s = interpolateShape(a, b, 1);
    expect(s).toMatchObject({ occluded: true, z_order: 3, outside: false, points: [1, 1, 3, 3] });
    expect(s.attributes).toEqual([{ spec_id: 's', value: 'a' }]);
  });
});
