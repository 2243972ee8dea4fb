import { describe, expect, it } from 'vitest';
import { ByteLru } from './byteLru';

describe('ByteLru', () => {
  it('evicts least recently used entries once over the byte bound', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>({ maxBytes: 100, onEvict: (k) => evicted.push(k) });
    lru.set('a', 'A', 40);
    lru.set('b', 'B', 40);
    expect(lru.get('a')).toBe('A'); // a is now most recent
    lru.set('c', 'C', 40);
    expect(evicted).toEqual(['b']);
    expect(lru.keys()).toEqual(['a', 'c']);
    expect(lru.bytes).toBe(80);
  });

  it('peek does not change recency', () => {
    const lru = new ByteLru<number>({ maxBytes: 2 });
    lru.set('a', 1, 1);
    lru.set('b', 2, 1);
    lru.peek('a');
    lru.set('c', 3, 1);
    expect(lru.has('a')).toBe(false);
    expect(lru.has('b')).toBe(true);
  });

  it('keeps a single entry larger than the bound, and drops it on the next insert', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>({ maxBytes: 10, onEvict: (k) => evicted.push(k) });
    lru.set('small', 's', 5);
    lru.set('huge', 'h', 50);
    expect(lru.keys()).toEqual(['huge']);
    expect(evicted).toEqual(['small']);
    lru.set('next', 'n', 5);
    expect(lru.keys()).toEqual(['next']);
    expect(lru.bytes).toBe(5);
  });

  it('replacing a key re-accounts its bytes and evicts the old value', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>({ maxBytes: 100, onEvict: (k, v) => evicted.push(`${k}=${v}`) });
    lru.set('a', 'one', 30);
    lru.set('a', 'two', 60);
    expect(lru.bytes).toBe(60);
    expect(evicted).toEqual(['a=one']);
  });

  it('take removes without the evict callback; delete and clear call it', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>({ maxBytes: 100, onEvict: (k) => evicted.push(k) });
    lru.set('a', 'A', 10);
    lru.set('b', 'B', 10);
    lru.set('c', 'C', 10);
    expect(lru.take('a')).toBe('A');
    expect(lru.delete('b')).toBe(true);
    lru.clear();
    expect(evicted).toEqual(['b', 'c']);
    expect(lru.bytes).toBe(0);
    expect(lru.size).toBe(0);
  });

  it('never holds more than the bound under random use', () => {
    const lru = new ByteLru<number>({ maxBytes: 1000 });
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const key = String(Math.floor(rand() * 50));
      if (rand() < 0.5) lru.get(key);
      else lru.set(key, i, 1 + Math.floor(rand() * 200));
      expect(lru.bytes).toBeLessThanOrEqual(1000);
      const sum = lru.keys().length;
      expect(sum).toBe(lru.size);
    }
  });

  it('resize shrinks at once and rejects invalid bounds', () => {
    const lru = new ByteLru<number>({ maxBytes: 100 });
    for (let i = 0; i < 10; i++) lru.set(String(i), i, 10);
    lru.resize(35);
    expect(lru.keys()).toEqual(['7', '8', '9']);
    expect(() => lru.resize(-1)).toThrow(RangeError);
    expect(() => lru.set('x', 1, Number.NaN)).toThrow(RangeError);
  });
});
