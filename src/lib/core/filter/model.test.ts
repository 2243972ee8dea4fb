import { describe, expect, it } from 'vitest';
import { filterKey, parseFilter, parseFilterText } from './model';

describe('parseFilter', () => {
  it('accepts CVAT filters unchanged', () => {
    const filters = [
      { and: [{ '==': [{ var: 'label' }, 'car'] }, { '!': { var: 'attr.car.color' } }] },
      { or: [{ '!!': { var: 'width' } }, { '<=': [10, { var: 'width' }, 20] }] },
      { '!': { and: [{ in: [{ var: 'shape' }, ['rectangle', 'polygon']] }] } },
      { in: ['abc', { var: 'attr.car.plate' }] },
      { startsWith: [{ var: 'label' }, 'ca'] },
      { '>': [{ var: 'width' }, { var: 'height' }] },
      { '!': [{ '===': [{ var: 'occluded' }, true] }] },
    ];
    for (const filter of filters) {
      expect(parseFilter(filter)).toEqual({ ok: true, filter });
      expect(parseFilterText(JSON.stringify(filter))).toEqual({ ok: true, filter });
    }
  });

  it.each([
    [{ and: [{ '==': [{ var: 'label' }] }] }, 'and[0]["=="]', '== takes 2 arguments, got 1'],
    [
      { and: [{ '==': [{ var: 'label' }, { x: 1 }] }] },
      'and[0]["=="][1]',
      'an argument is a constant or {"var": name}',
    ],
    [{ or: [true, { foo: [1, 2] }] }, 'or[1]', 'unknown operator "foo"'],
    [{ and: {} }, 'and', 'expected an array of conditions, got Object'],
    [{ '<=': [1, { var: 'width' }, 3, 4] }, '["<="]', '<= takes 2 to 3 arguments, got 4'],
    [
      { in: [{ var: 'label' }, ['a', { var: 'b' }]] },
      'in[1][1]',
      'expected a string, number, boolean, null or operation, got Object',
    ],
    [{ '==': [{ var: 5 }, 1] }, '["=="][0].var', 'a variable name is a string, got 5'],
    [{ '==': [1, 2], '!=': [1, 2] }, '', 'an operation is an object with exactly one key'],
    [[1, 2], '', 'expected a condition, got an array'],
    [{ '!': [1, 2] }, '["!"]', '! takes 1 arguments, got 2'],
  ])('rejects %j at its path', (input, path, message) => {
    expect(parseFilter(input)).toEqual({ ok: false, error: { path, message } });
  });

  it('reports malformed JSON text at the root', () => {
    const result = parseFilterText('{"and": [');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.path).toBe('');
      expect(result.error.message).toMatch(/^invalid JSON/);
    }
  });

  it('gives equal keys to filters that differ only in key order', () => {
    expect(filterKey({ '==': [{ var: 'a' }, 1] })).toBe(filterKey({ '==': [{ var: 'a' }, 1] }));
  });
});
