/**
 * Frame order for an image task, with CVAT's four sorting methods (CVAT docs "Sorting method";
 * it does not apply to video): `lexicographical` (code-point order, CVAT's default), `natural`
 * (numbers by value, case-insensitive, path-aware, like natsort's os_sorted that CVAT uses),
 * `predefined` (the manifest's order, else the upload order) and `random` (seeded, reproducible).
 */
import type { SortingMethod } from '$lib/core/types';

export interface SortOptions {
  seed?: number;
  /** The manifest's order (or the upload order) for `predefined`; names missing from it go last. */
  predefinedOrder?: readonly string[];
}

export function compareLexicographic(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Chunk = string | number;

function chunks(text: string): Chunk[] {
  return (text.toLowerCase().match(/\d+|\D+/g) ?? []).map((part) => (/^\d/.test(part) ? Number(part) : part));
}

function compareChunks(a: Chunk[], b: Chunk[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as Chunk;
    const y = b[i] as Chunk;
    if (x === y) continue;
    // A number sorts before text at the same position, as in natsort.
    if (typeof x === 'number' && typeof y === 'string') return -1;
    if (typeof x === 'string' && typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Folder parts, then the file's stem, then its extensions: "a.jpg" sorts before "a1.jpg". */
function pathKey(name: string): Chunk[][] {
  const parts = name.split('/');
  const file = parts.pop() ?? '';
  const dot = file.indexOf('.', 1);
  const stem = dot > 0 ? file.slice(0, dot) : file;
  const suffix = dot > 0 ? file.slice(dot) : '';
  return [...parts, stem, suffix].map(chunks);
}

export function compareNatural(a: string, b: string): number {
  const x = pathKey(a);
  const y = pathKey(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = compareChunks(x[i] as Chunk[], y[i] as Chunk[]);
    if (order !== 0) return order;
  }
  return x.length - y.length || compareLexicographic(a, b);
}

/** mulberry32: a small, fast PRNG; the same seed gives the same order on every device. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sortNames(
  names: readonly string[],
  method: SortingMethod,
  options: SortOptions = {},
): string[] {
  switch (method) {
    case 'lexicographical':
      return [...names].sort(compareLexicographic);
    case 'natural':
      return [...names].sort(compareNatural);
    case 'predefined': {
      if (!options.predefinedOrder) return [...names];
      const rank = new Map(options.predefinedOrder.map((name, i) => [name, i]));
      const position = (name: string) => rank.get(name) ?? Number.MAX_SAFE_INTEGER;
      // Stable sort: names the order does not list keep their upload order, after the listed ones.
      return [...names].sort((a, b) => position(a) - position(b));
    }
    case 'random': {
      const next = random(options.seed ?? Date.now());
      const out = [...names].sort(compareLexicographic);
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j] as string, out[i] as string];
      }
      return out;
    }
  }
}
