import { describe, expect, it } from 'vitest';
import { parseFilterText, type FilterLogic } from '$lib/core/filter';
import { trackFromShape } from '$lib/core/tracks';
import { createShape } from '$lib/core/shapes';
import type { LabelSpec } from '$lib/core/types';
import { filterDataset } from '$lib/formats/common/filter';
import type { Dataset } from '$lib/formats/types';

const label = (name: string): LabelSpec => ({
  id: name,
  name,
  color: '#ffffff',
  type: 'any',
  attributes: [],
  sublabels: [],
  svg: '',
});
const car = label('car');
const person = label('person');

function dataset(): Dataset {
  const box = (l: LabelSpec, frame: number, size: number) =>
    createShape({ type: 'rectangle', points: [0, 0, size, size], frame, label: l });
  return {
    dimension: '2d',
    labels: [car, person],
    items: [0, 1].map((frame) => ({ frame, name: `${frame}.jpg`, width: 100, height: 100, subset: '' })),
    shapes: [box(car, 0, 10), box(person, 0, 50), box(car, 1, 80)],
    tags: [],
    tracks: [trackFromShape(box(person, 0, 20), person, '')],
    meta: {},
  };
}

const parse = (text: string): FilterLogic => {
  const result = parseFilterText(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.filter;
};

describe('export filtering', () => {
  it('keeps every object without a filter', () => {
    const d = dataset();
    expect(filterDataset(d, null)).toBe(d);
  });

  it('keeps the shapes and tracks of one label', () => {
    const out = filterDataset(dataset(), parse('{"==":[{"var":"label"},"person"]}'));
    expect(out.shapes.map((s) => s.label_id)).toEqual(['person']);
    expect(out.tracks).toHaveLength(1);
  });

  it('tells tracks from shapes, and measures sizes inside the frame', () => {
    const tracksOnly = filterDataset(dataset(), parse('{"==":[{"var":"type"},"track"]}'));
    expect(tracksOnly.shapes).toHaveLength(0);
    expect(tracksOnly.tracks).toHaveLength(1);
    const wide = filterDataset(dataset(), parse('{">":[{"var":"width"},40]}'));
    expect(wide.shapes.map((s) => s.points[2])).toEqual([50, 80]);
    expect(wide.tracks).toHaveLength(0);
  });
});
