import { describe, expect, it } from 'vitest';
import {
  addCutPoint,
  cutPath,
  finishOutlineCut,
  polygonArea,
  removeCutPoint,
  startOutlineCut,
} from './polygonCut';

const square = [0, 0, 100, 0, 100, 100, 0, 100];

describe('outline cut (polygon editor)', () => {
  it('replaces the part between the two vertices, keeping the larger area', () => {
    // From vertex 0 to vertex 2 through (80, 20): the part through vertex 1 goes, the bigger part stays.
    let cut = startOutlineCut('p', square, true, 0);
    cut = addCutPoint(cut, { x: 80, y: 20 });
    const out = finishOutlineCut(cut, 2)!;
    expect(out).toEqual([0, 0, 80, 20, 100, 100, 0, 100]);
    expect(polygonArea(out)).toBeGreaterThan(polygonArea([0, 0, 80, 20, 100, 100, 100, 0]));
  });

  it('a notch drawn outside replaces the side it spans', () => {
    let cut = startOutlineCut('p', square, true, 1);
    cut = addCutPoint(cut, { x: 150, y: 0 });
    cut = addCutPoint(cut, { x: 150, y: 100 });
    expect(finishOutlineCut(cut, 2)).toEqual([100, 0, 150, 0, 150, 100, 100, 100, 0, 100, 0, 0]);
  });

  it('polylines keep their ends and get the middle replaced, in either direction', () => {
    const line = [0, 0, 10, 0, 20, 0, 30, 0];
    let cut = startOutlineCut('l', line, false, 3);
    cut = addCutPoint(cut, { x: 20, y: 5 });
    cut = addCutPoint(cut, { x: 10, y: 5 });
    expect(finishOutlineCut(cut, 0)).toEqual([0, 0, 10, 5, 20, 5, 30, 0]);
  });

  it('ending on the start vertex, or with too few points left, changes nothing', () => {
    const tri = [0, 0, 10, 0, 5, 10];
    expect(finishOutlineCut(startOutlineCut('t', tri, true, 0), 0)).toBeNull();
    expect(finishOutlineCut(startOutlineCut('t', tri, true, 0), 1)).toBeNull();
  });

  it('the preview runs from the start vertex through the drawn points to the pointer', () => {
    let cut = startOutlineCut('p', square, true, 2);
    cut = addCutPoint(cut, { x: 50, y: 50 });
    cut = addCutPoint(cut, { x: 60, y: 60 });
    cut = removeCutPoint(cut);
    expect(cutPath(cut, { x: 1, y: 2 })).toEqual([100, 100, 50, 50, 1, 2]);
  });
});
