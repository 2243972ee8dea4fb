import { describe, expect, it } from 'vitest';
import {
  cellCount,
  defaultLayout,
  layoutById,
  LAYOUTS,
  loadPanel,
  MAX_CELLS,
  normalizePanel,
  savePanel,
} from './contextImages';
import { MemoryStorage } from './testStorage';

describe('context image layouts', () => {
  it('offers grids of 1 to 12 cells', () => {
    const counts = LAYOUTS.map(cellCount);
    expect(Math.min(...counts)).toBe(1);
    expect(Math.max(...counts)).toBe(MAX_CELLS);
  });

  it('picks the smallest grid that shows every image', () => {
    expect(defaultLayout(0).id).toBe('1x1');
    expect(defaultLayout(2).id).toBe('1x2');
    expect(defaultLayout(4).id).toBe('2x2');
    expect(defaultLayout(7).id).toBe('3x3');
    expect(defaultLayout(20).id).toBe('3x4');
    for (let n = 1; n <= 12; n++) expect(cellCount(defaultLayout(n))).toBeGreaterThanOrEqual(n);
  });

  it('keeps a chosen image per cell and repairs what no longer fits', () => {
    expect(normalizePanel(null, 3)).toEqual({ layout: '2x2', cells: [0, 1, 2, 0] });
    expect(normalizePanel({ layout: '2x2', cells: [3, 3, 1, 7] }, 4)).toEqual({
      layout: '2x2',
      cells: [3, 3, 1, 3],
    });
    expect(normalizePanel({ layout: 'bogus', cells: [1] }, 2)).toEqual({ layout: '1x2', cells: [1, 1] });
    expect(normalizePanel({ layout: '1x1', cells: [5] }, 2).cells).toEqual([0]);
    expect(layoutById('nope').id).toBe('1x1');
  });

  it('is kept per task', () => {
    const storage = new MemoryStorage();
    savePanel(storage, 'T1', { layout: '2x2', cells: [3, 2, 1, 0] });
    expect(loadPanel(storage, 'T1')).toEqual({ layout: '2x2', cells: [3, 2, 1, 0] });
    expect(loadPanel(storage, 'T2')).toBeNull();
    storage.setItem('loupe:context-images:T3', '{bad');
    expect(loadPanel(storage, 'T3')).toBeNull();
    storage.setItem('loupe:context-images:T4', JSON.stringify({ layout: 1, cells: ['x', 2] }));
    expect(loadPanel(storage, 'T4')).toEqual({ cells: [2] });
  });
});
