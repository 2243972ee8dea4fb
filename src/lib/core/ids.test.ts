import { describe, expect, it } from 'vitest';
import { isValid } from 'ulid';
import { newId, now } from './ids';

describe('newId', () => {
  it('returns valid 26-character ULIDs', () => {
    const id = newId();
    expect(id).toHaveLength(26);
    expect(isValid(id)).toBe(true);
  });

  it('is unique and strictly increasing within the same millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
  });
});

describe('now', () => {
  it('formats ISO-8601 timestamps', () => {
    expect(now(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe('2024-01-02T03:04:05.006Z');
    expect(Number.isNaN(Date.parse(now()))).toBe(false);
  });
});
