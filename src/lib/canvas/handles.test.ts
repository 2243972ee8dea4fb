import { describe, expect, it } from 'vitest';
import type { RectPoints } from './geometry';
import fc from 'fast-check';
import {
  HANDLES,
  handleAt,
  handlePosition,
  resizeRect,
  resizeRotatedRect,
  rotatedHandleAt,
  rotatedHandlePosition,
  type Handle,
} from './handles';
import { rotatePoint } from './rotation';

const box: RectPoints = [10, 20, 110, 70];

describe('rectangle handles', () => {
  it('places eight handles on the corners and edge midpoints', () => {
    expect(HANDLES.map((h) => handlePosition(box, h))).toEqual([
      { x: 10, y: 20 },
      { x: 60, y: 20 },
      { x: 110, y: 20 },
      { x: 110, y: 45 },
      { x: 110, y: 70 },
      { x: 60, y: 70 },
      { x: 10, y: 70 },
      { x: 10, y: 45 },
    ]);
  });

  it('finds the handle under the pointer within the tolerance', () => {
    expect(handleAt(box, { x: 12, y: 18 }, 4)).toBe('nw');
    expect(handleAt(box, { x: 60, y: 73 }, 4)).toBe('s');
    expect(handleAt(box, { x: 60, y: 45 }, 4)).toBeNull();
  });

  it('prefers a corner when a tiny box puts a corner and an edge handle at the same distance', () => {
    expect(handleAt([0, 0, 2, 2], { x: 0, y: 0 }, 4)).toBe('nw');
  });
});

describe('resizeRect', () => {
  it('a corner handle moves both of its edges', () => {
    expect(resizeRect(box, 'se', { x: 150, y: 90 })).toEqual([10, 20, 150, 90]);
    expect(resizeRect(box, 'nw', { x: 0, y: 0 })).toEqual([0, 0, 110, 70]);
    expect(resizeRect(box, 'ne', { x: 120, y: 30 })).toEqual([10, 30, 120, 70]);
    expect(resizeRect(box, 'sw', { x: 5, y: 80 })).toEqual([5, 20, 110, 80]);
  });

  it('an edge handle moves only its edge', () => {
    expect(resizeRect(box, 'e', { x: 200, y: 999 })).toEqual([10, 20, 200, 70]);
    expect(resizeRect(box, 'n', { x: -999, y: 0 })).toEqual([10, 0, 110, 70]);
    expect(resizeRect(box, 'w', { x: 50, y: 0 })).toEqual([50, 20, 110, 70]);
    expect(resizeRect(box, 's', { x: 0, y: 30 })).toEqual([10, 20, 110, 30]);
  });

  it('flips instead of inverting when dragged past the opposite edge', () => {
    expect(resizeRect(box, 'e', { x: 0, y: 0 })).toEqual([0, 20, 10, 70]);
    expect(resizeRect(box, 'nw', { x: 200, y: 100 })).toEqual([110, 70, 200, 100]);
  });
});

describe('rotated handles', () => {
  const coord = fc.double({ min: -500, max: 500, noNaN: true });
  const size = fc.double({ min: 1, max: 300, noNaN: true });
  const angle = fc.double({ min: -720, max: 720, noNaN: true });
  const handle = fc.constantFrom(...HANDLES);
  const opposite = (h: Handle): Handle =>
    h.replace('n', 'S').replace('s', 'N').replace('e', 'W').replace('w', 'E').toLowerCase() as Handle;
  const centre = ([a, b, c, d]: RectPoints) => ({ x: (a + c) / 2, y: (b + d) / 2 });

  it('are hit in the box frame and drawn turned with it', () => {
    const r: RectPoints = [0, 0, 40, 20];
    const p = rotatedHandlePosition(r, 90, 'ne');
    // (40, 0) turned 90° clockwise about (20, 10) lands on (30, 30).
    expect(p.x).toBeCloseTo(30);
    expect(p.y).toBeCloseTo(30);
    expect(rotatedHandleAt(r, 90, { x: 31, y: 29 }, 3)).toBe('ne');
    expect(rotatedHandleAt(r, 90, { x: 40, y: 0 }, 3)).toBeNull();
  });

  it('resizing keeps the opposite handle fixed in the image, keeps the size following the pointer', () => {
    fc.assert(
      fc.property(coord, coord, size, size, angle, handle, coord, coord, (x, y, w, h, deg, hd, px, py) => {
        const r: RectPoints = [x, y, x + w, y + h];
        const p = { x: px, y: py };
        const out = resizeRotatedRect(r, deg, hd, p);
        expect(out[2]).toBeGreaterThanOrEqual(out[0]);
        expect(out[3]).toBeGreaterThanOrEqual(out[1]);
        // The anchor: the opposite handle of the original box, in the image.
        const anchor = rotatedHandlePosition(r, deg, opposite(hd));
        // It is still a handle of the new box (the same one, or its mirror when the box flipped).
        const tol = 1e-6 * (1 + Math.abs(x) + Math.abs(y) + w + h + Math.abs(px) + Math.abs(py));
        const kept = HANDLES.some((h2) => {
          const q = rotatedHandlePosition(out, deg, h2);
          return Math.abs(q.x - anchor.x) <= tol && Math.abs(q.y - anchor.y) <= tol;
        });
        expect(kept).toBe(true);
        const local = rotatePoint(p, centre(r), -deg);
        const before = handlePosition(r, opposite(hd));
        // Size follows the pointer along the axes the handle owns.
        if (hd.includes('e') || hd.includes('w'))
          expect(Math.abs(out[2] - out[0] - Math.abs(local.x - before.x))).toBeLessThanOrEqual(tol);
        else expect(Math.abs(out[2] - out[0] - w)).toBeLessThanOrEqual(tol);
        if (hd.startsWith('n') || hd.startsWith('s'))
          expect(Math.abs(out[3] - out[1] - Math.abs(local.y - before.y))).toBeLessThanOrEqual(tol);
        else expect(Math.abs(out[3] - out[1] - h)).toBeLessThanOrEqual(tol);
      }),
    );
  });
});
