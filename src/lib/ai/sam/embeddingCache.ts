/**
 * Encoder outputs kept per frame content, so a frame is encoded once: a small in-memory LRU in
 * front of a persistent store (Cache Storage in the worker). Keys name the model and the frame
 * content (the image blob's SHA-256, plus the timestamp for a video frame).
 */
import type { FrameMeta } from '$lib/core/types';
import { samFrame } from './preprocess';
import type { SamEmbedding } from './model';

export interface EmbeddingStore {
  get(key: string): Promise<SamEmbedding | undefined>;
  put(key: string, embedding: SamEmbedding): Promise<void>;
}

/** The content key of a task frame: images by their bytes, video frames by file and time. */
export function frameContentKey(meta: Pick<FrameMeta, 'blob' | 'timestamp'>): string {
  return meta.timestamp === undefined ? meta.blob : `${meta.blob}@${meta.timestamp}`;
}

/** SHA-256 (hex) of raw pixels, for images that have no stored blob. */
export async function pixelHash(pixels: Uint8Array | Uint8ClampedArray): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', pixels as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class EmbeddingCache {
  private memory = new Map<string, SamEmbedding>();
  private pending = new Map<string, Promise<SamEmbedding>>();
  hits = 0;
  misses = 0;

  constructor(
    private capacity = 6,
    private store?: EmbeddingStore,
  ) {}

  has(key: string): boolean {
    return this.memory.has(key) || this.pending.has(key);
  }

  /** The embedding for `key`, computing it with `compute` (once, even for concurrent callers). */
  async get(key: string, compute: () => Promise<SamEmbedding>): Promise<SamEmbedding> {
    const hit = this.memory.get(key);
    if (hit) {
      this.hits++;
      this.memory.delete(key);
      this.memory.set(key, hit);
      return hit;
    }
    const running = this.pending.get(key);
    if (running) return running;
    const job = (async () => {
      const stored = await this.store?.get(key).catch(() => undefined);
      if (stored) {
        this.hits++;
        return stored;
      }
      this.misses++;
      const made = await compute();
      await this.store?.put(key, made).catch((error: unknown) => console.warn('embedding not stored', error));
      return made;
    })();
    this.pending.set(key, job);
    try {
      const value = await job;
      this.remember(key, value);
      return value;
    } finally {
      this.pending.delete(key);
    }
  }

  private remember(key: string, value: SamEmbedding): void {
    this.memory.set(key, value);
    while (this.memory.size > this.capacity) {
      const oldest = this.memory.keys().next().value;
      if (oldest === undefined) break;
      this.memory.delete(oldest);
    }
  }

  /** The persistent copy of an entry, without computing it (and without counting a hit). */
  async peekStore(key: string): Promise<SamEmbedding | undefined> {
    const stored = await this.store?.get(key).catch(() => undefined);
    if (stored) this.remember(key, stored);
    return stored;
  }

  clearMemory(): void {
    this.memory.clear();
  }
}

/**
 * Embeddings in Cache Storage under a same-origin URL that is never requested from the network;
 * the image size travels in headers so the mapping into the model frame can be rebuilt. At most
 * `maxEntries` are kept (4 MB each for SAM's 256 x 64 x 64), the oldest written go first.
 */
export function cacheStorageStore(cacheName = 'loupe-sam-embeddings', maxEntries = 64): EmbeddingStore {
  const url = (key: string) =>
    new URL(`/__sam-embedding/${encodeURIComponent(key)}`, self.location.origin).href;
  return {
    async get(key) {
      const cache = await caches.open(cacheName);
      const res = await cache.match(url(key));
      if (!res) return undefined;
      const width = Number(res.headers.get('x-width'));
      const height = Number(res.headers.get('x-height'));
      const dims = (res.headers.get('x-dims') ?? '').split(',').map(Number);
      const data = new Float32Array(await res.arrayBuffer());
      if (data.length !== dims.reduce((a, b) => a * b, 1)) return undefined;
      return { data, dims, frame: samFrame(width, height) };
    },
    async put(key, e) {
      const cache = await caches.open(cacheName);
      await cache.put(
        url(key),
        new Response(e.data.slice().buffer, {
          headers: {
            'content-type': 'application/octet-stream',
            'x-width': String(e.frame.width),
            'x-height': String(e.frame.height),
            'x-dims': e.dims.join(','),
          },
        }),
      );
      // keys() lists requests in insertion order.
      const keys = await cache.keys();
      for (const old of keys.slice(0, Math.max(0, keys.length - maxEntries))) await cache.delete(old);
    },
  };
}
