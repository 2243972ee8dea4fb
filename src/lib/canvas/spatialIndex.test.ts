import { describe, expect, it } from 'vitest';
import type { Shape } from '../core/types';
import { polygon, polyline, rect } from './fixtures';
import { shapeContains, type Point } from './geometry';
import { paintOrder, ShapeIndex } from './spatialIndex';

/** Deterministic pseudo-random numbers (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function scene(count: number, seed: number): Shape[] {
  const r = random(seed);
  const shapes: Shape[] = [];
  for (let i = 0; i < count; i++) {
    const x = r() * 1900;
    const y = r() * 1060;
    const z = Math.floor(r() * 5);
    if (i % 2 === 0) {
      shapes.push(rect(`r${i}`, [x, y, x + 5 + r() * 60, y + 5 + r() * 60], { z_order: z }));
    } else {
      // 20-vertex star-ish polygon around (x, y).
      const pts: number[] = [];
      const radius = 5 + r() * 30;
      for (let k = 0; k < 20; k++) {
        const a = (k / 20) * 2 * Math.PI;
        const rr = k % 2 === 0 ? radius : radius * 0.6;
        pts.push(x + rr * Math.cos(a), y + rr * Math.sin(a));
      }
      shapes.push(polygon(`p${i}`, pts, { z_order: z }));
    }
  }
  return shapes;
}

/** The reference answer: scan everything. */
function bruteForceHit(shapes: Shape[], p: Point, tolerance: number): string | null {
  let best: { shape: Shape; order: number } | null = null;
  shapes.forEach((shape, order) => {
    if (!shapeContains(shape, p, tolerance)) return;
    if (
      !best ||
      shape.z_order > best.shape.z_order ||
      (shape.z_order === best.shape.z_order && order > best.order)
    ) {
      best = { shape, order };
    }
  });
  return (best as { shape: Shape } | null)?.shape.id ?? null;
}

describe('ShapeIndex hit testing', () => {
  it('agrees with a brute-force scan on 10,000 objects and stays fast', () => {
    const shapes = scene(10_000, 42);
    const index = new ShapeIndex();
    index.sync(shapes);
    expect(index.size).toBe(10_000);

    const r = random(7);
    const probes: Point[] = Array.from({ length: 2000 }, () => ({ x: r() * 1920, y: r() * 1080 }));
    let hits = 0;
    // The brute-force reference is slow: check a subset, time all of them.
    const checked = probes.slice(0, 150);
    for (const p of checked) {
      const expected = bruteForceHit(shapes, p, 2);
      expect(index.hitTest(p, 2)?.id ?? null).toBe(expected);
      if (expected) hits++;
    }
    expect(hits).toBeGreaterThan(checked.length / 10);

    const t0 = performance.now();
    for (const p of probes) index.hitTest(p, 2);
    const perHit = (performance.now() - t0) / probes.length;
    console.log(`hit test at 10,000 objects: ${(perHit * 1000).toFixed(1)} µs per query`);
    expect(perHit).toBeLessThan(1);
  });

  it('returns the topmost object by z_order, then by list order', () => {
    const index = new ShapeIndex();
    index.sync([
      rect('high', [0, 0, 100, 100], { z_order: 2 }),
      rect('low', [0, 0, 100, 100], { z_order: 1 }),
      rect('later-same-z', [0, 0, 100, 100], { z_order: 1 }),
    ]);
    expect(index.hitTest({ x: 50, y: 50 }, 0)?.id).toBe('high');
    index.sync([rect('a', [0, 0, 10, 10]), rect('b', [0, 0, 10, 10])]);
    expect(index.hitTest({ x: 5, y: 5 }, 0)?.id).toBe('b');
  });

  it('hits thin strokes within the tolerance only', () => {
    const index = new ShapeIndex();
    index.sync([polyline('line', [0, 0, 100, 0])]);
    expect(index.hitTest({ x: 50, y: 3 }, 4)?.id).toBe('line');
    expect(index.hitTest({ x: 50, y: 5 }, 4)).toBeNull();
    expect(index.hitTest({ x: 104, y: 0 }, 4)?.id).toBe('line');
  });

  it('misses the concave notch of a polygon even inside its bounds', () => {
    const index = new ShapeIndex();
    index.sync([polygon('L', [0, 0, 10, 0, 10, 2, 2, 2, 2, 10, 0, 10])]);
    expect(index.hitTest({ x: 1, y: 1 }, 0)?.id).toBe('L');
    expect(index.hitTest({ x: 8, y: 8 }, 0)).toBeNull();
  });

  it('hits rotated rectangles in their own frame', () => {
    const index = new ShapeIndex();
    index.sync([rect('rot', [0, 45, 100, 55], { rotation: 90 })]);
    expect(index.hitTest({ x: 50, y: 5 }, 0)?.id).toBe('rot');
    expect(index.hitTest({ x: 5, y: 50 }, 0)).toBeNull();
  });

  it('skips objects the caller rejects (hidden ones) and finds what lies beneath', () => {
    const index = new ShapeIndex();
    index.sync([rect('under', [0, 0, 10, 10]), rect('over', [0, 0, 10, 10], { z_order: 3 })]);
    expect(index.hitTest({ x: 5, y: 5 }, 0, (item) => item.id !== 'over')?.id).toBe('under');
  });
});

describe('ShapeIndex.sync', () => {
  it('reports only the old and new boxes of an edited object', () => {
    const a = rect('a', [0, 0, 10, 10]);
    const b = rect('b', [50, 50, 60, 60]);
    const index = new ShapeIndex();
    expect(index.sync([a, b]).kind).toBe('boxes');
    expect(index.sync([a, b])).toEqual({ kind: 'none' });

    const moved = rect('b', [200, 200, 210, 210]);
    const change = index.sync([a, moved]);
    expect(change.kind).toBe('boxes');
    if (change.kind !== 'boxes') return;
    expect(change.boxes.map((box) => [box.minX, box.minY])).toEqual([
      [50, 50],
      [200, 200],
    ]);
    expect(index.hitTest({ x: 55, y: 55 }, 0)).toBeNull();
    expect(index.hitTest({ x: 205, y: 205 }, 0)?.id).toBe('b');
  });

  it('rebuilds when most objects change, and drops removed ones', () => {
    const index = new ShapeIndex();
    index.sync(scene(1000, 1));
    expect(index.sync(scene(1000, 2)).kind).toBe('all');
    expect(index.sync([]).kind).toBe('all');
    expect(index.size).toBe(0);
  });

  it('search returns shapes in paint order', () => {
    const index = new ShapeIndex();
    index.sync([
      rect('top', [0, 0, 5, 5], { z_order: 9 }),
      rect('mid', [0, 0, 5, 5]),
      rect('bottom', [0, 0, 5, 5], { z_order: -1 }),
    ]);
    const found = index.search({ minX: 0, minY: 0, maxX: 5, maxY: 5 });
    expect(found.map((i) => i.id)).toEqual(['bottom', 'mid', 'top']);
    expect([...found].sort(paintOrder)).toEqual(found);
  });

  it('follows reordering without geometry changes', () => {
    const a = rect('a', [0, 0, 10, 10]);
    const b = rect('b', [0, 0, 10, 10]);
    const index = new ShapeIndex();
    index.sync([a, b]);
    expect(index.hitTest({ x: 1, y: 1 }, 0)?.id).toBe('b');
    index.sync([b, a]);
    expect(index.hitTest({ x: 1, y: 1 }, 0)?.id).toBe('a');
  });
});
