import { describe, expect, it } from 'vitest';
import type { RectPoints } from './geometry';
import { HANDLES, handleAt, handlePosition, resizeRect } from './handles';

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
