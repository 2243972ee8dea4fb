import { describe, expect, it } from 'vitest';
import { traceBorder, type SnapTarget } from './autoborder';

const square: SnapTarget = { points: [0, 0, 100, 0, 100, 100, 0, 100], closed: true };
const line: SnapTarget = { points: [0, 0, 10, 0, 20, 0, 30, 0], closed: false };
const at = (x: number, y: number) => ({ x, y });

describe('automatic bordering: tracing a neighbour', () => {
  it('inserts the vertices between two points on one outline, the shorter way round', () => {
    expect(traceBorder(at(50, 0), at(100, 50), [square], 0.01)).toEqual([100, 0]);
    expect(traceBorder(at(100, 50), at(50, 0), [square], 0.01)).toEqual([100, 0]);
    // From the top edge to the left edge through the top-left corner, not round the other three.
    expect(traceBorder(at(60, 0), at(0, 40), [square], 0.01)).toEqual([0, 0]);
    expect(traceBorder(at(50, 0), at(50, 100), [square], 0.01)).toHaveLength(4);
  });

  it('vertices as ends are not repeated; one edge adds nothing', () => {
    expect(traceBorder(at(100, 0), at(0, 100), [square], 0.01)).toEqual([100, 100]);
    expect(traceBorder(at(10, 0), at(90, 0), [square], 0.01)).toEqual([]);
    expect(traceBorder(at(0, 0), at(100, 0), [square], 0.01)).toEqual([]);
  });

  it('open outlines are followed the only way there is', () => {
    expect(traceBorder(at(5, 0), at(25, 0), [line], 0.01)).toEqual([10, 0, 20, 0]);
    expect(traceBorder(at(25, 0), at(5, 0), [line], 0.01)).toEqual([20, 0, 10, 0]);
  });

  it('points on different outlines, or off them, add nothing', () => {
    const other: SnapTarget = { points: [200, 0, 300, 0, 300, 100], closed: true };
    expect(traceBorder(at(50, 0), at(250, 0), [square, other], 0.01)).toEqual([]);
    expect(traceBorder(at(50, 0), at(50, 50), [square], 0.01)).toEqual([]);
  });
});
