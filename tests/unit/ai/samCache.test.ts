/**
 * The embedding cache: one encode per frame content even for concurrent callers, an LRU in
 * memory, and a persistent store that answers after the memory copy is gone.
 */
import { describe, expect, it } from 'vitest';
import { EmbeddingCache, frameContentKey, pixelHash, type EmbeddingStore } from '$lib/ai/sam/embeddingCache';
import type { SamEmbedding } from '$lib/ai/sam/model';
import { samFrame } from '$lib/ai/sam/preprocess';

const embedding = (v: number): SamEmbedding => ({
  data: new Float32Array([v]),
  dims: [1, 1, 1, 1],
  frame: samFrame(10, 10),
});

function mapStore() {
  const map = new Map<string, SamEmbedding>();
  const store: EmbeddingStore = {
    get: async (k) => map.get(k),
    put: async (k, e) => void map.set(k, e),
  };
  return { map, store };
}

describe('embedding cache', () => {
  it('keys frames by content: image blob hash, or blob and timestamp for video', async () => {
    expect(frameContentKey({ blob: 'abc' })).toBe('abc');
    expect(frameContentKey({ blob: 'abc', timestamp: 40000 })).toBe('abc@40000');
    const a = await pixelHash(new Uint8Array([1, 2, 3]));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await pixelHash(new Uint8Array([1, 2, 3]))).toBe(a);
    expect(await pixelHash(new Uint8Array([1, 2, 4]))).not.toBe(a);
  });

  it('computes once for concurrent requests of one key', async () => {
    const cache = new EmbeddingCache(4);
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return embedding(1);
    };
    const [a, b] = await Promise.all([cache.get('k', compute), cache.get('k', compute)]);
    expect(runs).toBe(1);
    expect(a).toBe(b);
    await cache.get('k', compute);
    expect(runs).toBe(1);
    expect(cache.hits).toBe(1);
  });

  it('forgets the least recently used entry in memory, and the store brings it back without encoding', async () => {
    const { map, store } = mapStore();
    const cache = new EmbeddingCache(2, store);
    let runs = 0;
    const compute = (v: number) => async () => (runs++, embedding(v));
    await cache.get('a', compute(1));
    await cache.get('b', compute(2));
    await cache.get('a', compute(1)); // a is now the most recent
    await cache.get('c', compute(3)); // evicts b from memory
    expect(runs).toBe(3);
    expect(map.size).toBe(3);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('a')).toBe(true);
    const b = await cache.get('b', compute(99));
    expect(runs).toBe(3);
    expect(b.data[0]).toBe(2);
    // A fresh cache over the same store (a reload) finds every embedding.
    const reloaded = new EmbeddingCache(2, store);
    expect((await reloaded.peekStore('c'))?.data[0]).toBe(3);
    expect(reloaded.has('c')).toBe(true);
  });
});
