import { describe, expect, it } from 'vitest';
import { compileFilter } from './compile';
import { anyObjectMatches, findFrame } from './findFrame';
import { LABELS, rect } from './testFixtures';

const car = rect('c', 'L-car', [0, 0, 10, 10]);
const person = rect('p', 'L-person', [0, 0, 10, 10]);
const frames = new Map([
  [7, [person]],
  [2, [car]],
  [5, [car, person]],
  [9, []],
]);

describe('findFrame', () => {
  const hasPerson = anyObjectMatches(
    compileFilter({ '==': [{ var: 'label' }, 'person'] }, { labels: LABELS }),
  );
  it('finds the next and previous matching frame', () => {
    expect(findFrame(frames, 2, 'next', hasPerson)).toBe(5);
    expect(findFrame(frames, 5, 'next', hasPerson)).toBe(7);
    expect(findFrame(frames, 7, 'previous', hasPerson)).toBe(5);
    expect(findFrame(frames, 5, 'previous', hasPerson)).toBeNull();
    expect(findFrame(frames, 7, 'next', hasPerson)).toBeNull();
  });
  it('accepts entry lists and any frame test (e.g. empty frames)', () => {
    expect(findFrame([...frames], 0, 'next', (objects) => objects.length === 0)).toBe(9);
  });
});
