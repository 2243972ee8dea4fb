/**
 * A least-recently-used map bounded by bytes rather than by entry count. Decoded frames differ
 * in size (a 4K frame is 33 MB, a thumbnail-sized one a few KB), so a byte bound is what keeps
 * memory predictable. Pure logic: no DOM, unit-tested in Node.
 */
export interface ByteLruOptions<V> {
  maxBytes: number;
  /** Called for every entry that leaves the cache by eviction, `delete` or `clear`. */
  onEvict?: (key: string, value: V) => void;
}

interface Entry<V> {
  value: V;
  bytes: number;
}

export class ByteLru<V> {
  #map = new Map<string, Entry<V>>();
  #bytes = 0;
  #maxBytes: number;
  readonly #onEvict: ((key: string, value: V) => void) | undefined;

  constructor(options: ByteLruOptions<V>) {
    this.#maxBytes = checkBound(options.maxBytes);
    this.#onEvict = options.onEvict;
  }

  /** Bytes currently accounted for. */
  get bytes(): number {
    return this.#bytes;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  get size(): number {
    return this.#map.size;
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  /** Reads an entry and marks it most recently used. */
  get(key: string): V | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    this.#map.delete(key);
    this.#map.set(key, entry);
    return entry.value;
  }

  /** Reads an entry without changing its recency. */
  peek(key: string): V | undefined {
    return this.#map.get(key)?.value;
  }

  /**
   * Inserts or replaces an entry as the most recently used one, then evicts the least recently
   * used entries until the cache fits. An entry larger than the whole bound is kept alone (the
   * caller asked for it and is about to use it) and is the first to go on the next insert.
   */
  set(key: string, value: V, bytes: number): void {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`invalid entry size ${bytes}`);
    const old = this.#map.get(key);
    if (old) {
      this.#map.delete(key);
      this.#bytes -= old.bytes;
      if (old.value !== value) this.#onEvict?.(key, old.value);
    }
    this.#map.set(key, { value, bytes });
    this.#bytes += bytes;
    this.#evict(key);
  }

  delete(key: string): boolean {
    const entry = this.#map.get(key);
    if (!entry) return false;
    this.#map.delete(key);
    this.#bytes -= entry.bytes;
    this.#onEvict?.(key, entry.value);
    return true;
  }

  /** Removes an entry without calling `onEvict` (its value was handed over to someone else). */
  take(key: string): V | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    this.#map.delete(key);
    this.#bytes -= entry.bytes;
    return entry.value;
  }

  clear(): void {
    const entries = [...this.#map];
    this.#map.clear();
    this.#bytes = 0;
    for (const [key, entry] of entries) this.#onEvict?.(key, entry.value);
  }

  /** Changes the bound; shrinking evicts at once. */
  resize(maxBytes: number): void {
    this.#maxBytes = checkBound(maxBytes);
    this.#evict();
  }

  /** Keys from least to most recently used. */
  keys(): string[] {
    return [...this.#map.keys()];
  }

  #evict(keep?: string): void {
    for (const [key, entry] of this.#map) {
      if (this.#bytes <= this.#maxBytes) break;
      if (key === keep) continue;
      this.#map.delete(key);
      this.#bytes -= entry.bytes;
      this.#onEvict?.(key, entry.value);
    }
  }
}

function checkBound(maxBytes: number): number {
  if (!(maxBytes >= 0) || !Number.isFinite(maxBytes)) throw new RangeError(`invalid cache bound ${maxBytes}`);
  return maxBytes;
}
