import { describe, expect, it } from 'vitest';
import { snapToBorders } from './autoborder';
import { moveCuboidVertex } from './cuboid';
import { edgeMidpoints, insertVertex, midpointAt, removeVertex, vertexAt } from './vertexEdit';

const square = [0, 0, 10, 0, 10, 10, 0, 10];

describe('vertex editing', () => {
  it('finds the vertex and the edge midpoint under the pointer', () => {
    expect(vertexAt(square, { x: 9, y: 1 }, 2)).toBe(1);
    expect(vertexAt(square, { x: 5, y: 5 }, 2)).toBeNull();
    expect(edgeMidpoints(square, true)).toEqual([5, 0, 10, 5, 5, 10, 0, 5]);
    expect(edgeMidpoints(square, false)).toHaveLength(6);
    expect(midpointAt(square, { x: 0.5, y: 5 }, 2, true)).toBe(3);
  });

  it('inserts a vertex into an edge and removes one down to the minimum', () => {
    expect(insertVertex(square, 0, { x: 5, y: -2 })).toEqual([0, 0, 5, -2, 10, 0, 10, 10, 0, 10]);
    expect(insertVertex(square, 3, { x: -1, y: 5 })).toEqual([...square, -1, 5]);
    expect(removeVertex(square, 1, 3)).toEqual([0, 0, 10, 10, 0, 10]);
    expect(removeVertex([0, 0, 1, 1, 2, 0], 0, 3)).toBeNull();
  });
});

describe('automatic bordering', () => {
  const other = { points: square, closed: true };
  it('snaps to a nearby vertex first, then to the nearest point of an edge', () => {
    expect(snapToBorders({ x: 11, y: 1 }, [other], 3)).toEqual({ x: 10, y: 0 });
    expect(snapToBorders({ x: 5, y: 1.5 }, [other], 3)).toEqual({ x: 5, y: 0 });
    expect(snapToBorders({ x: 5, y: 5 }, [other], 3)).toBeNull();
  });
  it('an open polyline has no closing edge to snap to', () => {
    expect(snapToBorders({ x: -1, y: 5 }, [{ points: square, closed: false }], 2)).toBeNull();
    expect(snapToBorders({ x: -1, y: 5 }, [other], 2)).toEqual({ x: 0, y: 5 });
  });
});

describe('cuboid editing', () => {
  const cuboid = [10, 20, 10, 60, 50, 20, 50, 60, 60, 10, 60, 50, 20, 10, 20, 50];
  it('a front corner keeps its vertical edge vertical', () => {
    expect(moveCuboidVertex(cuboid, 0, { x: 5, y: 15 }).slice(0, 4)).toEqual([5, 15, 5, 60]);
  });
  it('a back corner moves the whole back face', () => {
    const moved = moveCuboidVertex(cuboid, 4, { x: 70, y: 5 });
    expect(moved.slice(8)).toEqual([70, 5, 70, 45, 30, 5, 30, 45]);
    expect(moved.slice(0, 8)).toEqual(cuboid.slice(0, 8));
  });
});
