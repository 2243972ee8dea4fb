/** Box overlap and non-maximum suppression (axis-aligned and rotated), for every detector. */

export type Box = readonly [number, number, number, number];

export function boxIoU(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

export interface Scored {
  score: number;
  /** Suppression only happens between candidates of the same class unless `classAgnostic`. */
  label: number;
}

/**
 * Greedy NMS: keeps the best candidate, drops those overlapping it by more than `iouThreshold`,
 * repeats. Returns indices into `items`, best first, at most `maxKeep`.
 */
export function nms<T extends Scored>(
  items: readonly T[],
  overlap: (a: T, b: T) => number,
  options: { iouThreshold: number; classAgnostic?: boolean; maxKeep?: number },
): number[] {
  const order = items.map((_, i) => i).sort((i, j) => items[j]!.score - items[i]!.score);
  const keep: number[] = [];
  const removed = new Uint8Array(items.length);
  const max = options.maxKeep ?? Infinity;
  for (let a = 0; a < order.length && keep.length < max; a++) {
    const i = order[a]!;
    if (removed[i]) continue;
    keep.push(i);
    for (let b = a + 1; b < order.length; b++) {
      const j = order[b]!;
      if (removed[j]) continue;
      if (!options.classAgnostic && items[j]!.label !== items[i]!.label) continue;
      if (overlap(items[i]!, items[j]!) > options.iouThreshold) removed[j] = 1;
    }
  }
  return keep;
}

/** Corners of a box rotated by `angle` radians (clockwise on screen) around its centre. */
export function rotatedCorners(cx: number, cy: number, w: number, h: number, angle: number): number[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const out: number[] = [];
  for (const [dx, dy] of [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ] as const) {
    out.push(cx + dx * c - dy * s, cy + dx * s + dy * c);
  }
  return out;
}

function area(poly: readonly number[]): number {
  let a = 0;
  for (let i = 0, n = poly.length; i < n; i += 2) {
    const j = (i + 2) % n;
    a += poly[i]! * poly[j + 1]! - poly[j]! * poly[i + 1]!;
  }
  return Math.abs(a) / 2;
}

function orientation(poly: readonly number[]): number {
  let a = 0;
  for (let i = 0, n = poly.length; i < n; i += 2) {
    const j = (i + 2) % n;
    a += poly[i]! * poly[j + 1]! - poly[j]! * poly[i + 1]!;
  }
  return Math.sign(a);
}

/** Intersection of two convex polygons (Sutherland–Hodgman), flat coordinates. */
export function clipConvex(subject: readonly number[], clip: readonly number[]): number[] {
  let out = [...subject];
  const sign = orientation(clip) || 1;
  for (let i = 0, n = clip.length; i < n && out.length > 0; i += 2) {
    const ax = clip[i]!;
    const ay = clip[i + 1]!;
    const bx = clip[(i + 2) % n]!;
    const by = clip[(i + 3) % n]!;
    const side = (x: number, y: number) => sign * ((bx - ax) * (y - ay) - (by - ay) * (x - ax));
    const input = out;
    out = [];
    for (let k = 0, m = input.length; k < m; k += 2) {
      const px = input[k]!;
      const py = input[k + 1]!;
      const qx = input[(k + 2) % m]!;
      const qy = input[(k + 3) % m]!;
      const sp = side(px, py);
      const sq = side(qx, qy);
      if (sp >= 0) out.push(px, py);
      if (sp >= 0 !== sq >= 0) {
        const t = sp / (sp - sq);
        out.push(px + (qx - px) * t, py + (qy - py) * t);
      }
    }
  }
  return out;
}

export function polygonIoU(a: readonly number[], b: readonly number[]): number {
  const inter = clipConvex(a, b);
  if (inter.length < 6) return 0;
  const i = area(inter);
  const u = area(a) + area(b) - i;
  return u > 0 ? i / u : 0;
}
