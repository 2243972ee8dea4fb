import { describe, expect, it } from 'vitest';
import type { FrameObject } from '../types';
import { compileFilter, type FilterContext } from './compile';
import type { FilterLogic } from './model';
import { LABELS, rect, tag } from './testFixtures';

const redCar = rect('car-1', 'L-car', [10, 10, 110, 60], {
  occluded: true,
  attributes: [
    { spec_id: 'A-color', value: 'red' },
    { spec_id: 'A-speed', value: '120' },
    { spec_id: 'A-parked', value: 'true' },
    { spec_id: 'A-plate', value: 'AB-123' },
    { spec_id: 'A-dot', value: 'ford' },
  ],
});
const blueCar = rect('car-2', 'L-car', [0, 0, 20, 30], {
  source: 'auto',
  attributes: [
    { spec_id: 'A-color', value: 'blue' },
    { spec_id: 'A-speed', value: '9' },
  ],
});
const person = rect('person-1', 'L-person', [5, 5, 25, 85], {
  attributes: [{ spec_id: 'A-pcolor', value: 'red' }],
});
const sceneTag = tag('tag-1', 'L-car');
const ALL = [redCar, blueCar, person, sceneTag];

function matching(filter: FilterLogic, ctx?: FilterContext, objects: FrameObject[] = ALL): string[] {
  const matches = compileFilter(filter, { labels: LABELS });
  return objects.filter((object) => matches(object, ctx)).map((object) => object.id);
}

const v = (name: string) => ({ var: name });

describe('compileFilter: properties', () => {
  it('label', () => {
    expect(matching({ '==': [v('label'), 'person'] })).toEqual(['person-1']);
    expect(matching({ '!=': [v('label'), 'person'] })).toEqual(['car-1', 'car-2', 'tag-1']);
  });
  it('type, with a track override from the context', () => {
    expect(matching({ '==': [v('type'), 'tag'] })).toEqual(['tag-1']);
    expect(matching({ '==': [v('type'), 'shape'] })).toEqual(['car-1', 'car-2', 'person-1']);
    expect(matching({ '==': [v('type'), 'track'] }, { objectType: 'track' })).toEqual(ALL.map((o) => o.id));
  });
  it('shape', () => {
    expect(matching({ '==': [v('shape'), 'rectangle'] })).toEqual(['car-1', 'car-2', 'person-1']);
    expect(matching({ '!': v('shape') })).toEqual(['tag-1']);
  });
  it('occluded', () => {
    expect(matching({ '==': [v('occluded'), true] })).toEqual(['car-1']);
    expect(matching({ '==': [v('occluded'), false] })).toEqual(['car-2', 'person-1']);
  });
  it('width and height from the shape bounds, clipped to the frame when its size is given', () => {
    expect(matching({ '>': [v('width'), 50] })).toEqual(['car-1']);
    expect(matching({ '>=': [v('height'), 80] })).toEqual(['person-1']);
    expect(matching({ '<': [v('width'), 50] })).toEqual(['car-2', 'person-1']);
    expect(matching({ '>': [v('width'), 50] }, { frameWidth: 40 })).toEqual([]);
    expect(matching({ '>': [v('height'), v('width')] })).toEqual(['car-2', 'person-1']);
  });
  it('objectID and serverID', () => {
    expect(matching({ '==': [v('objectID'), 'car-2'] })).toEqual(['car-2']);
    expect(matching({ '==': [v('objectID'), 7] }, { objectID: 7 })).toEqual(ALL.map((o) => o.id));
    expect(matching({ '==': [v('serverID'), 12] }, { serverID: 12 })).toHaveLength(4);
    expect(matching({ '!': v('serverID') })).toHaveLength(4);
  });
  it('source', () => {
    expect(matching({ '==': [v('source'), 'auto'] })).toEqual(['car-2', 'tag-1']);
  });
});

describe('compileFilter: attributes', () => {
  it('by label and name (CVAT form) and by name on any label', () => {
    expect(matching({ '==': [v('attr.car.color'), 'red'] })).toEqual(['car-1', 'tag-1']);
    expect(matching({ '==': [v('attr.color'), 'red'] })).toEqual(['car-1', 'person-1', 'tag-1']);
    expect(matching({ '==': [v('attr.person.color'), 'red'] })).toEqual(['person-1']);
  });
  it('falls back to the default value when the object has none', () => {
    expect(matching({ '==': [v('attr.car.speed'), 0] })).toEqual(['tag-1']);
  });
  it('compares number attributes numerically', () => {
    expect(matching({ '>': [v('attr.car.speed'), 100] })).toEqual(['car-1']);
    expect(matching({ '<': [v('attr.car.speed'), 100] })).toEqual(['car-2', 'tag-1']);
    expect(matching({ '<=': [9, v('attr.car.speed'), 120] })).toEqual(['car-1', 'car-2']);
    expect(matching({ '===': [v('attr.car.speed'), 9] })).toEqual(['car-2']);
  });
  it('reads checkboxes as booleans', () => {
    expect(matching({ '==': [v('attr.car.parked'), true] })).toEqual(['car-1']);
    expect(matching({ '!=': [v('attr.car.parked'), true] })).toEqual(['car-2', 'person-1', 'tag-1']);
  });
  it('accepts dots in names written as U+2219', () => {
    expect(matching({ '==': [v('attr.car.make\u2219model'), 'ford'] })).toEqual(['car-1']);
  });
  it('treats unknown fields as missing', () => {
    expect(matching({ '==': [v('attr.truck.color'), 'red'] })).toEqual([]);
    expect(matching({ '!': v('nothing') })).toHaveLength(4);
  });
});

describe('compileFilter: operators', () => {
  it('in (any of) and not in', () => {
    expect(matching({ in: [v('attr.car.color'), ['blue', 'green']] })).toEqual(['car-2']);
    expect(matching({ '!': { in: [v('label'), ['car']] } })).toEqual(['person-1']);
  });
  it('like, starts with, ends with', () => {
    expect(matching({ in: ['B-1', v('attr.car.plate')] })).toEqual(['car-1']);
    expect(matching({ startsWith: [v('label'), 'per'] })).toEqual(['person-1']);
    expect(matching({ endsWith: [v('attr.car.plate'), '123'] })).toEqual(['car-1']);
  });
  it('between and not between', () => {
    expect(matching({ '<=': [20, v('width'), 100] })).toEqual(['car-1', 'car-2', 'person-1']);
    expect(matching({ '<': [20, v('width'), 100] })).toEqual([]);
    expect(matching({ '!': { '<=': [20, v('width'), 20] } })).toEqual(['car-1', 'tag-1']);
  });
  it('is empty / is not empty', () => {
    expect(matching({ '!!': v('attr.car.plate') })).toEqual(['car-1']);
    expect(matching({ '!': [v('attr.car.plate')] })).toEqual(['car-2', 'person-1', 'tag-1']);
  });
  it('loose and strict equality', () => {
    expect(matching({ '==': [v('attr.car.speed'), '9'] })).toEqual(['car-2']);
    expect(matching({ '===': [v('attr.car.speed'), '9'] })).toEqual([]);
    expect(matching({ '!==': [v('label'), 'car'] })).toEqual(['person-1']);
  });
  it('and, or, not and constants', () => {
    const filter: FilterLogic = {
      and: [
        { '==': [v('label'), 'car'] },
        { or: [{ '==': [v('occluded'), true] }, { '==': [v('source'), 'auto'] }] },
      ],
    };
    expect(matching(filter)).toEqual(['car-1', 'car-2', 'tag-1']);
    expect(matching({ '!': filter })).toEqual(['person-1']);
    expect(matching({ and: [] })).toHaveLength(4);
    expect(matching({ or: [] })).toEqual([]);
    expect(matching(false)).toEqual([]);
  });
  it('matches everything without a filter', () => {
    const matches = compileFilter(undefined, { labels: LABELS });
    expect(ALL.every((object) => matches(object))).toBe(true);
  });
});

describe('compileFilter: performance', () => {
  it('filters 10,000 objects in well under 10 ms', () => {
    const objects: FrameObject[] = [];
    for (let index = 0; index < 10_000; index++) {
      objects.push(
        rect(
          `o${index}`,
          index % 3 === 0 ? 'L-person' : 'L-car',
          [index % 50, 0, (index % 50) + (index % 97), 40],
          {
            occluded: index % 2 === 0,
            attributes: [
              { spec_id: 'A-color', value: index % 5 === 0 ? 'blue' : 'red' },
              { spec_id: 'A-speed', value: String(index % 200) },
            ],
          },
        ),
      );
    }
    const matches = compileFilter(
      {
        and: [
          { in: [v('label'), ['car', 'truck']] },
          { or: [{ '==': [v('occluded'), true] }, { '==': [v('attr.car.color'), 'blue'] }] },
          { '<=': [10, v('width'), 80] },
          { '>': [v('attr.car.speed'), 20] },
        ],
      },
      { labels: LABELS },
    );
    const ctx = { frameWidth: 1920, frameHeight: 1080 };
    for (let warm = 0; warm < 3; warm++) for (const object of objects) matches(object, ctx);
    let best = Infinity;
    let count = 0;
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      count = 0;
      for (const object of objects) if (matches(object, ctx)) count++;
      best = Math.min(best, performance.now() - start);
    }
    expect(count).toBeGreaterThan(0);
    expect(best).toBeLessThan(10);
  });
});
