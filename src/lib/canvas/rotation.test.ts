import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDegrees, rotatePoint, rotationFromHandle, snapDegrees } from './rotation';

const c = { x: 50, y: 50 };
const angle = fc.double({ min: -1e4, max: 1e4, noNaN: true });

describe('rotation handle', () => {
  it('reads 0° straight up, 90° to the right (clockwise), 180° down', () => {
    expect(rotationFromHandle(c, { x: 50, y: 10 }, false)).toBeCloseTo(0);
    expect(rotationFromHandle(c, { x: 90, y: 50 }, false)).toBeCloseTo(90);
    expect(rotationFromHandle(c, { x: 50, y: 90 }, false)).toBeCloseTo(180);
    expect(rotationFromHandle(c, { x: 10, y: 50 }, false)).toBeCloseTo(270);
  });

  it('with Shift snaps to the nearest multiple of 15°', () => {
    const p = rotatePoint({ x: 50, y: 10 }, c, 37);
    expect(rotationFromHandle(c, p, true)).toBe(30);
    expect(rotationFromHandle(c, rotatePoint({ x: 50, y: 10 }, c, 38), true)).toBe(45);
  });

  it('snapped angles are multiples of 15 in [0, 360) and within 7.5° of the raw angle', () => {
    fc.assert(
      fc.property(angle, (a) => {
        const s = snapDegrees(a);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThan(360);
        expect(s % 15).toBe(0);
        const diff = Math.abs(((normalizeDegrees(a) - s + 540) % 360) - 180);
        expect(diff).toBeLessThanOrEqual(7.5 + 1e-9);
      }),
    );
  });

  it('the handle dragged to a point rotated by θ reads θ back', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 359.99, noNaN: true }), (theta) => {
        const p = rotatePoint({ x: 50, y: 0 }, c, theta);
        const got = rotationFromHandle(c, p, false);
        const diff = Math.abs(((got - theta + 540) % 360) - 180);
        expect(diff).toBeLessThan(1e-6);
      }),
    );
  });

  it('rotating preserves the distance to the centre', () => {
    fc.assert(
      fc.property(angle, fc.double({ min: -500, max: 500, noNaN: true }), (a, x) => {
        const p = rotatePoint({ x, y: 7 }, c, a);
        expect(Math.hypot(p.x - c.x, p.y - c.y)).toBeCloseTo(Math.hypot(x - c.x, 7 - c.y), 6);
      }),
    );
  });
});
