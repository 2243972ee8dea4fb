import { describe, expect, it } from 'vitest';
import { createEmitter } from './emitter';

interface Events {
  ping: number;
  name: string | null;
}

describe('emitter', () => {
  it('delivers payloads to listeners of that event only', () => {
    const emitter = createEmitter<Events>();
    const pings: number[] = [];
    const names: (string | null)[] = [];
    emitter.on('ping', (n) => pings.push(n));
    emitter.on('name', (n) => names.push(n));
    emitter.emit('ping', 1);
    emitter.emit('name', null);
    expect(pings).toEqual([1]);
    expect(names).toEqual([null]);
  });

  it('on returns an unsubscribe, safe to call from inside a listener', () => {
    const emitter = createEmitter<Events>();
    const seen: number[] = [];
    const off = emitter.on('ping', (n) => {
      seen.push(n);
      off();
    });
    emitter.on('ping', (n) => seen.push(n * 10));
    emitter.emit('ping', 1);
    emitter.emit('ping', 2);
    expect(seen).toEqual([1, 10, 20]);
  });

  it('clear drops every listener', () => {
    const emitter = createEmitter<Events>();
    let count = 0;
    emitter.on('ping', () => count++);
    emitter.clear();
    emitter.emit('ping', 1);
    expect(count).toBe(0);
  });
});
