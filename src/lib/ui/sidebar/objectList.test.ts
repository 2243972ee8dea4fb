import { describe, expect, it } from 'vitest';
import type { AttributeSpec, FrameObject, LabelSpec } from '../../core/types';
import { rectangle } from '../../store/testObjects';
import {
  attributeValue,
  clampNumber,
  countByLabel,
  labelChange,
  RowLayout,
  sortObjects,
  withAttribute,
} from './objectList';

function label(id: string, name: string, attributes: AttributeSpec[] = []): LabelSpec {
  return { id, name, color: '#ff0000', type: 'any', attributes, sublabels: [], svg: '' };
}

function attribute(
  id: string,
  input_type: AttributeSpec['input_type'],
  values: string[],
  def: string,
): AttributeSpec {
  return { id, name: id, input_type, mutable: false, values, default_value: def };
}

const car = label('L1', 'car');
const person = label('L2', 'Person');
const bike = label('L3', 'bike10');
const bike2 = label('L4', 'bike2');

function object(id: string, labelId: string, updated: string): FrameObject {
  return { ...rectangle(id, 0, updated), label_id: labelId };
}

const objects = [
  object('01B', 'L2', '2024-01-03T00:00:00.000Z'),
  object('01A', 'L1', '2024-01-01T00:00:00.000Z'),
  object('01D', 'L3', '2024-01-02T00:00:00.000Z'),
  object('01C', 'L4', '2024-01-03T00:00:00.000Z'),
];
const ids = (list: FrameObject[]) => list.map((o) => o.id);

describe('sorting objects', () => {
  it('by ID follows creation order, both ways', () => {
    expect(ids(sortObjects(objects, 'id-asc', []))).toEqual(['01A', '01B', '01C', '01D']);
    expect(ids(sortObjects(objects, 'id-desc', []))).toEqual(['01D', '01C', '01B', '01A']);
  });

  it('by updated time puts the latest change first, newer objects first on ties', () => {
    expect(ids(sortObjects(objects, 'updated', []))).toEqual(['01C', '01B', '01D', '01A']);
  });

  it('by label name, case-insensitive and numeric-aware, then by creation', () => {
    const labels = [car, person, bike, bike2];
    expect(ids(sortObjects(objects, 'label', labels))).toEqual(['01C', '01D', '01A', '01B']);
  });

  it('leaves the input alone', () => {
    const before = ids(objects);
    sortObjects(objects, 'id-desc', []);
    expect(ids(objects)).toEqual(before);
  });

  it('sorts 10,000 objects in well under the frame budget', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      object(String(Math.random()).slice(2), i % 2 ? 'L1' : 'L2', new Date(i * 1000).toISOString()),
    );
    const start = performance.now();
    for (const sort of ['id-asc', 'updated', 'label'] as const) sortObjects(many, sort, [car, person]);
    expect(performance.now() - start).toBeLessThan(300);
  });
});

describe('labels tab counts', () => {
  it('count objects, hidden and locked ones per label, in label order', () => {
    const counts = countByLabel(
      objects.concat(object('01E', 'L1', '')),
      [car, person, bike2],
      new Set(['01A']),
      new Set(['01A', '01E']),
    );
    expect(counts.map((c) => [c.label.name, c.count, c.hidden, c.locked, c.ids])).toEqual([
      ['car', 2, 1, 2, ['01A', '01E']],
      ['Person', 1, 0, 0, ['01B']],
      ['bike2', 1, 0, 0, ['01C']],
    ]);
  });
});

describe('attribute edits', () => {
  const size = attribute('size', 'number', ['0', '10', '0.5'], '1');
  const colour = attribute('colour', 'select', ['red', 'blue'], 'red');

  it('read the value or the default', () => {
    expect(attributeValue([], colour)).toBe('red');
    expect(attributeValue([{ spec_id: 'colour', value: 'blue' }], colour)).toBe('blue');
  });

  it('set one value and keep the others in place', () => {
    const attrs = [
      { spec_id: 'a', value: '1' },
      { spec_id: 'colour', value: 'red' },
    ];
    expect(withAttribute(attrs, 'colour', 'blue')).toEqual([
      { spec_id: 'a', value: '1' },
      { spec_id: 'colour', value: 'blue' },
    ]);
    expect(withAttribute(attrs, 'size', '2')).toHaveLength(3);
  });

  it('clamp numbers into [min, max] and onto the step', () => {
    expect(clampNumber(size, '3.3')).toBe('3.5');
    expect(clampNumber(size, '-4')).toBe('0');
    expect(clampNumber(size, '99')).toBe('10');
    expect(clampNumber(size, 'abc')).toBeNull();
    expect(clampNumber(size, '')).toBeNull();
  });

  it('reset attributes to the new label’s defaults on a label change', () => {
    expect(labelChange(label('L9', 'truck', [colour, size]))).toEqual({
      label_id: 'L9',
      attributes: [
        { spec_id: 'colour', value: 'red' },
        { spec_id: 'size', value: '1' },
      ],
    });
  });
});

describe('row layout', () => {
  const layout = new RowLayout([30, 30, 100, 30, 30]);

  it('places rows by their heights', () => {
    expect(layout.total).toBe(220);
    expect(layout.top(3)).toBe(160);
    expect(layout.indexAt(0)).toBe(0);
    expect(layout.indexAt(59)).toBe(1);
    expect(layout.indexAt(60)).toBe(2);
    expect(layout.indexAt(1e6)).toBe(4);
  });

  it('renders only the rows in view, with overscan', () => {
    expect(layout.visibleRange(65, 50, 0)).toEqual({ start: 2, end: 3 });
    expect(layout.visibleRange(65, 100, 1)).toEqual({ start: 1, end: 5 });
    expect(new RowLayout([]).visibleRange(0, 100)).toEqual({ start: 0, end: 0 });
  });

  it('scrolls just enough to reveal a row', () => {
    expect(layout.scrollToReveal(0, 40, 100)).toBe(0);
    expect(layout.scrollToReveal(3, 0, 100)).toBe(90);
    expect(layout.scrollToReveal(1, 0, 100)).toBeNull();
    expect(layout.scrollToReveal(9, 0, 100)).toBeNull();
  });

  it('finds the visible rows of 10,000 quickly', () => {
    const big = new RowLayout(Array.from({ length: 10_000 }, (_, i) => (i % 50 === 0 ? 120 : 32)));
    const range = big.visibleRange(big.total / 2, 600, 4);
    expect(range.end - range.start).toBeLessThan(40);
  });
});
