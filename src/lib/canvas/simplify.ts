/**
 * Level of detail for big outlines: Douglas–Peucker over a flat `[x0, y0, …]` list. Drawing a
 * 2,000-vertex polygon that covers 40 screen pixels wastes the raster on sub-pixel wiggles.
 */
export function simplifyFlat(points: readonly number[], tolerance: number, closed: boolean): number[] {
  const n = points.length >> 1;
  if (n <= (closed ? 4 : 2) || tolerance <= 0) return [...points];
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  // A closed ring is split at its farthest vertex from the start, so both halves are open chains.
  let split = n - 1;
  if (closed) {
    let best = -1;
    for (let i = 1; i < n; i++) {
      const d = (points[2 * i]! - points[0]!) ** 2 + (points[2 * i + 1]! - points[1]!) ** 2;
      if (d > best) {
        best = d;
        split = i;
      }
    }
    keep[split] = 1;
  }
  const t2 = tolerance * tolerance;
  const stack: [number, number][] = closed
    ? [
        [0, split],
        [split, n - 1],
      ]
    : [[0, n - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    let worst = -1;
    let worstD = t2;
    const ax = points[2 * a]!;
    const ay = points[2 * a + 1]!;
    const bx = points[2 * b]!;
    const by = points[2 * b + 1]!;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(points[2 * i]!, points[2 * i + 1]!, ax, ay, bx, by);
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(points[2 * i]!, points[2 * i + 1]!);
  // A closed outline keeps at least a triangle so it still encloses its fill.
  if (closed && out.length < 6) return [...points];
  return out;
}

function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return ex * ex + ey * ey;
}

/**
 * LOD buckets: tolerance in world units for a view scale, rounded to powers of two so cached
 * simplified paths survive small zoom steps. Null when the outline should be drawn in full.
 */
export function lodTolerance(scale: number, screenTolerancePx = 0.5): number | null {
  const world = screenTolerancePx / scale;
  if (world < 1) return null;
  return 2 ** Math.floor(Math.log2(world));
}
