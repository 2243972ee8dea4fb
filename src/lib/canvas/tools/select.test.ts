import { describe, expect, it } from 'vitest';
import type { CuboidShape } from '../../core/types';
import { polygon, rect } from '../fixtures';
import type { Point } from '../geometry';
import {
  beginSelectGesture,
  endSelectGesture,
  isResizable,
  selectGesturePreview,
  updateSelectGesture,
} from './select';

const image = { width: 200, height: 100 };
const at = (x: number, y: number): Point => ({ x, y });
const box = rect('box', [10, 10, 50, 40]);

describe('select-mode gestures', () => {
  it('a click on a shape selects it', () => {
    const g = beginSelectGesture({ handle: null, selected: null, hit: box }, at(20, 20), at(20, 20));
    expect(endSelectGesture(updateSelectGesture(g, at(21, 20), at(21, 20), image))).toEqual({
      kind: 'select',
      id: 'box',
    });
  });

  it('a click on empty space deselects, a drag there pans', () => {
    const g = beginSelectGesture({ handle: null, selected: box, hit: null }, at(100, 80), at(100, 80));
    expect(endSelectGesture(g)).toEqual({ kind: 'deselect' });
    expect(updateSelectGesture(g, at(120, 80), at(120, 80), image).kind).toBe('panning');
  });

  it('dragging a shape moves it and reports the new points once, on release', () => {
    let g = beginSelectGesture({ handle: null, selected: box, hit: box }, at(20, 20), at(20, 20));
    g = updateSelectGesture(g, at(30, 25), at(30, 25), image);
    expect(selectGesturePreview(g)).toEqual({ id: 'box', points: [20, 15, 60, 45] });
    g = updateSelectGesture(g, at(40, 30), at(40, 30), image);
    expect(endSelectGesture(g)).toEqual({ kind: 'edited', id: 'box', points: [30, 20, 70, 50] });
  });

  it('a move stops at the image border and keeps the size', () => {
    let g = beginSelectGesture({ handle: null, selected: box, hit: box }, at(20, 20), at(20, 20));
    g = updateSelectGesture(g, at(500, -300), at(500, -300), image);
    expect(endSelectGesture(g)).toEqual({ kind: 'edited', id: 'box', points: [160, 0, 200, 30] });
  });

  it('moves polygons too', () => {
    const tri = polygon('tri', [10, 10, 20, 10, 15, 20]);
    let g = beginSelectGesture({ handle: null, selected: tri, hit: tri }, at(15, 12), at(15, 12));
    g = updateSelectGesture(g, at(25, 22), at(25, 22), image);
    expect(endSelectGesture(g)).toEqual({ kind: 'edited', id: 'tri', points: [20, 20, 30, 20, 25, 30] });
  });

  it('a drag that ends where it started edits nothing', () => {
    let g = beginSelectGesture({ handle: null, selected: box, hit: box }, at(20, 20), at(20, 20));
    g = updateSelectGesture(g, at(40, 40), at(40, 40), image);
    g = updateSelectGesture(g, at(20, 20), at(20, 20), image);
    expect(endSelectGesture(g)).toEqual({ kind: 'none' });
  });

  it('dragging a handle of the selected rectangle resizes it, clamped to the image', () => {
    let g = beginSelectGesture({ handle: 'se', selected: box, hit: box }, at(50, 40), at(50, 40));
    expect(g.kind).toBe('resizing');
    g = updateSelectGesture(g, at(80, 60), at(80, 60), image);
    expect(selectGesturePreview(g)?.points).toEqual([10, 10, 80, 60]);
    g = updateSelectGesture(g, at(300, 300), at(300, 300), image);
    expect(endSelectGesture(g)).toEqual({ kind: 'edited', id: 'box', points: [10, 10, 200, 100] });
  });

  it('an edge handle resizes one side; collapsing the box edits nothing', () => {
    let g = beginSelectGesture({ handle: 'w', selected: box, hit: box }, at(10, 25), at(10, 25));
    g = updateSelectGesture(g, at(-30, 90), at(-30, 90), image);
    expect(endSelectGesture(g)).toEqual({ kind: 'edited', id: 'box', points: [0, 10, 50, 40] });
    g = beginSelectGesture({ handle: 'w', selected: box, hit: box }, at(10, 25), at(10, 25));
    g = updateSelectGesture(g, at(50, 25), at(50, 25), image);
    expect(endSelectGesture(g)).toEqual({ kind: 'none' });
  });

  it('rotated rectangles resize in their own frame and keep their rotation', () => {
    const turned = rect('turned', [10, 10, 50, 40], { rotation: 90 });
    expect(isResizable(turned)).toBe(true);
    // Turned 90° about (30, 25), the local south-east corner sits at (15, 45).
    let g = beginSelectGesture({ handle: 'se', selected: turned, hit: turned }, at(15, 45), at(15, 45));
    expect(g.kind).toBe('resizing');
    // Ten more units of local width run along +y in the image.
    g = updateSelectGesture(g, at(15, 55), at(15, 55), image);
    const out = endSelectGesture(g);
    expect(out.kind === 'edited' && out.rotation).toBe(90);
    const pts = out.kind === 'edited' ? out.points : [];
    [5, 15, 55, 45].forEach((v, i) => expect(pts[i]).toBeCloseTo(v));
  });
});

describe('select-mode editing controls', () => {
  const cube: CuboidShape = {
    ...rect('cube', [0, 0, 10, 10]),
    type: 'cuboid',
    points: [0, 0, 0, 10, 10, 0, 10, 10, 13, -3, 13, 7, 3, -3, 3, 7],
  };

  it('dragging a side face of a cuboid changes its depth along that face', () => {
    let g = beginSelectGesture(
      { handle: null, grip: { kind: 'cuboid-face', face: 'right' }, selected: cube, hit: cube },
      at(11, 5),
      at(11, 5),
    );
    g = updateSelectGesture(g, at(14, 2), at(14, 2), image);
    const out = endSelectGesture(g);
    expect(out.kind).toBe('edited');
    const pts = out.kind === 'edited' ? out.points : [];
    expect(pts.slice(0, 8)).toEqual(cube.points.slice(0, 8));
    pts.slice(8).forEach((v, i) => expect(v).toBeCloseTo(cube.points[8 + i]! + (i % 2 === 0 ? 3 : -3)));
  });

  it('Shift+drag of a back corner of a cuboid moves only that corner (perspective)', () => {
    let g = beginSelectGesture(
      { handle: null, grip: { kind: 'vertex', index: 4 }, selected: cube, hit: cube, shift: true },
      at(13, -3),
      at(13, -3),
    );
    g = updateSelectGesture(g, at(15, 1), at(15, 1), image);
    const out = endSelectGesture(g);
    expect(out).toEqual({
      kind: 'edited',
      id: 'cube',
      points: [0, 0, 0, 10, 10, 0, 10, 10, 15, 1, 15, 7, 3, -3, 3, 7],
    });
  });

  const tri = polygon('tri', [10, 10, 50, 10, 30, 40]);

  it('dragging a vertex moves only that vertex', () => {
    let g = beginSelectGesture(
      { handle: null, grip: { kind: 'vertex', index: 2 }, selected: tri, hit: tri },
      at(30, 40),
      at(30, 40),
    );
    g = updateSelectGesture(g, at(35, 60), at(35, 60), image);
    expect(endSelectGesture(g)).toEqual({ kind: 'edited', id: 'tri', points: [10, 10, 50, 10, 35, 60] });
  });

  it('a click on an edge midpoint adds a vertex there', () => {
    const g = beginSelectGesture(
      { handle: null, grip: { kind: 'midpoint', edge: 0 }, selected: tri, hit: tri },
      at(30, 10),
      at(30, 10),
    );
    expect(endSelectGesture(g)).toEqual({
      kind: 'edited',
      id: 'tri',
      points: [10, 10, 30, 10, 50, 10, 30, 40],
    });
  });

  it('Alt+click on a vertex deletes it, but never below three polygon vertices', () => {
    const quad = polygon('quad', [0, 0, 10, 0, 10, 10, 0, 10]);
    const g = beginSelectGesture(
      { handle: null, grip: { kind: 'vertex', index: 0 }, selected: quad, hit: quad, alt: true },
      at(0, 0),
      at(0, 0),
    );
    expect(endSelectGesture(g)).toEqual({ kind: 'edited', id: 'quad', points: [10, 0, 10, 10, 0, 10] });
    const g2 = beginSelectGesture(
      { handle: null, grip: { kind: 'vertex', index: 0 }, selected: tri, hit: tri, alt: true },
      at(10, 10),
      at(10, 10),
    );
    expect(endSelectGesture(g2)).toEqual({ kind: 'select', id: 'tri' });
  });

  it('the rotation handle rotates around the centre, Shift snapping to 15°', () => {
    let g = beginSelectGesture(
      { handle: null, grip: { kind: 'rotate' }, selected: box, hit: box },
      at(30, 0),
      at(30, 0),
    );
    // Centre (30, 25); pointer to the right of it reads 90°.
    g = updateSelectGesture(g, at(80, 24), at(80, 24), image, 4, { shift: true });
    expect(endSelectGesture(g)).toEqual({
      kind: 'edited',
      id: 'box',
      points: [10, 10, 50, 40],
      rotation: 90,
    });
  });

  it('locked objects select but do not move; pinned ones do not move either', () => {
    for (const flag of ['locked', 'pinned'] as const) {
      let g = beginSelectGesture(
        { handle: null, selected: box, hit: box, [flag]: () => true },
        at(20, 20),
        at(20, 20),
      );
      g = updateSelectGesture(g, at(60, 60), at(60, 60), image);
      expect(endSelectGesture(g)).toEqual({ kind: 'select', id: 'box' });
    }
  });
});
