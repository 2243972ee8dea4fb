import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceToSegmentSquared } from './geometry';
import { lodTolerance, simplifyFlat } from './simplify';

function circle(n: number, r: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    out.push(r * Math.cos((2 * Math.PI * i) / n), r * Math.sin((2 * Math.PI * i) / n));
  return out;
}

describe('level of detail', () => {
  it('drops vertices closer to the outline than the tolerance', () => {
    const ring = circle(2000, 100);
    const simple = simplifyFlat(ring, 1, true);
    expect(simple.length / 2).toBeLessThan(100);
    expect(simple.length / 2).toBeGreaterThanOrEqual(3);
  });

  it('every dropped vertex stays within the tolerance of the simplified outline', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 8, maxLength: 60 }),
        (noise) => {
          const pts: number[] = [];
          noise.forEach((v, i) => pts.push(i * 10, v));
          const tol = 5;
          const simple = simplifyFlat(pts, tol, false);
          for (let i = 0; i + 1 < pts.length; i += 2) {
            let best = Infinity;
            for (let k = 0; k + 3 < simple.length; k += 2) {
              best = Math.min(
                best,
                distanceToSegmentSquared(
                  { x: pts[i]!, y: pts[i + 1]! },
                  simple[k]!,
                  simple[k + 1]!,
                  simple[k + 2]!,
                  simple[k + 3]!,
                ),
              );
            }
            expect(Math.sqrt(best)).toBeLessThanOrEqual(tol + 1e-9);
          }
        },
      ),
    );
  });

  it('keeps small polygons intact', () => {
    expect(simplifyFlat([0, 0, 10, 0, 10, 10, 0, 10], 100, true)).toEqual([0, 0, 10, 0, 10, 10, 0, 10]);
  });

  it('switches on only when a world pixel is below the screen tolerance', () => {
    expect(lodTolerance(1)).toBeNull();
    expect(lodTolerance(0.25)).toBe(2);
    expect(lodTolerance(0.1)).toBe(4);
  });
});
