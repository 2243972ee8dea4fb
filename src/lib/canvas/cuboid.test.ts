import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cuboidFaceAt,
  cuboidFromRect,
  moveCuboidFace,
  moveCuboidVertexFree,
  resetCuboidPerspective,
} from './cuboid';

// Front face (0,0)–(10,10), back face shifted by (3, -3).
const cube = cuboidFromRect([0, 0, 10, 10], { x: 3, y: -3 });

describe('cuboid faces', () => {
  it('finds the face under the pointer: front, then sides, then back', () => {
    expect(cuboidFaceAt(cube, { x: 5, y: 5 })).toBe('front');
    expect(cuboidFaceAt(cube, { x: 11, y: 8 })).toBe('right');
    expect(cuboidFaceAt(cube, { x: 8, y: -2 })).toBe('back');
    expect(cuboidFaceAt(cube, { x: 40, y: 40 })).toBeNull();
  });

  it('the front face moves the cuboid as a unit; the back face moves alone', () => {
    expect(moveCuboidFace(cube, 'front', { x: 2, y: 1 })).toEqual(cube.map((v, i) => v + (i % 2 ? 1 : 2)));
    const back = moveCuboidFace(cube, 'back', { x: 2, y: 1 });
    expect(back.slice(0, 8)).toEqual(cube.slice(0, 8));
    expect(back.slice(8)).toEqual(cube.slice(8).map((v, i) => v + (i % 2 ? 1 : 2)));
  });

  it('a side face changes the depth along its top edge; edges keep their directions', () => {
    const d = fc.double({ min: -50, max: 50, noNaN: true });
    fc.assert(
      fc.property(d, d, fc.constantFrom('left' as const, 'right' as const), (dx, dy, face) => {
        const out = moveCuboidFace(cube, face, { x: dx, y: dy });
        expect(out.slice(0, 8)).toEqual(cube.slice(0, 8));
        // Every back corner moved by the same multiple of the depth (3, -3).
        const sx = out[8]! - cube[8]!;
        const sy = out[9]! - cube[9]!;
        expect(sx).toBeCloseTo(-sy);
        for (let i = 4; i < 8; i++) {
          expect(out[2 * i]! - cube[2 * i]!).toBeCloseTo(sx);
          expect(out[2 * i + 1]! - cube[2 * i + 1]!).toBeCloseTo(sy);
        }
      }),
    );
  });
});

describe('cuboid perspective', () => {
  it('Shift+drag moves one corner; its vertical edge stays vertical', () => {
    const out = moveCuboidVertexFree(cube, 4, { x: 15, y: 1 });
    expect(out).toEqual([0, 0, 0, 10, 10, 0, 10, 10, 15, 1, 15, 7, 3, -3, 3, 7]);
  });

  it('reset puts the back face back to the front face shifted by the back top-right offset', () => {
    const skewed = moveCuboidVertexFree(moveCuboidVertexFree(cube, 6, { x: 4, y: -1 }), 5, { x: 13, y: 2 });
    expect(resetCuboidPerspective(skewed)).toEqual(cube);
    expect(resetCuboidPerspective(cube)).toEqual(cube);
  });
});
