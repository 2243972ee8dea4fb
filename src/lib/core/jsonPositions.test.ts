import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, locatePath, parseJsonWithPositions, positionAt } from './jsonPositions';

describe('formatPath', () => {
  it('formats indexes and keys', () => {
    expect(formatPath([2, 'attributes', 0, 'values'])).toBe('[2].attributes[0].values');
    expect(formatPath(['name'])).toBe('name');
    expect(formatPath([0, 'odd key'])).toBe('[0]["odd key"]');
    expect(formatPath([])).toBe('');
  });
});

describe('positionAt', () => {
  it('counts lines and columns from 1', () => {
    const text = 'ab\ncd\n\nef';
    expect(positionAt(text, 0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(positionAt(text, 4)).toEqual({ line: 2, column: 2, offset: 4 });
    expect(positionAt(text, 7)).toEqual({ line: 4, column: 1, offset: 7 });
  });
});

describe('parseJsonWithPositions', () => {
  it('records where each value starts', () => {
    const text = '[\n  {"name": "car",\n   "attributes": [{"values": ["a"]}]}\n]';
    const result = parseJsonWithPositions(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual([{ name: 'car', attributes: [{ values: ['a'] }] }]);
    expect(result.positions.get('[0].name')).toMatchObject({ line: 2, column: 12 });
    expect(result.positions.get('[0].attributes[0].values')).toMatchObject({ line: 3, column: 30 });
    expect(locatePath(result.positions, '[0].attributes[0].input_type')).toMatchObject({
      line: 3,
      column: 19,
    });
  });

  const failures: [string, string, number, number][] = [
    ['[1,]', 'trailing comma', 1, 4],
    ['{"a": 1,\n}', 'trailing comma', 2, 1],
    ['{"a" 1}', 'expected ":"', 1, 6],
    ['{a: 1}', 'property name in double quotes', 1, 2],
    ['[1 2]', 'expected "," or "]"', 1, 4],
    ['{"a": 1 "b": 2}', 'expected "," or "}"', 1, 9],
    ['[\n  "abc', 'unterminated string', 2, 3],
    ['"a\nb"', 'control characters', 1, 3],
    ['"\\x"', 'invalid escape', 1, 2],
    ['[tru]', 'expected a value', 1, 2],
    ['', 'expected a value, found end of input', 1, 1],
    ['[1] x', 'unexpected content', 1, 5],
    ['-', 'invalid number', 1, 1],
  ];
  for (const [text, message, line, column] of failures) {
    it(`reports ${JSON.stringify(text)} as "${message}" at ${line}:${column}`, () => {
      const result = parseJsonWithPositions(text);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.message).toContain(message);
      expect(result.position).toMatchObject({ line, column });
    });
  }

  it('property: agrees with JSON.parse on valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const result = parseJsonWithPositions(text);
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.value).toEqual(JSON.parse(text));
      }),
    );
  });

  it('property: rejects whatever JSON.parse rejects', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(parseJsonWithPositions(text).ok).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});
