import type { Id } from '../../core/types';
import type { Point } from '../geometry';

/**
 * Redrawing part of an outline, CVAT's polygon editor: Shift+click on a vertex of the selected
 * polygon or polyline starts it, clicks add points, and a click on another vertex of the same
 * shape replaces the outline between the two vertices by the drawn points.
 */
export interface OutlineCut {
  id: Id;
  closed: boolean;
  original: readonly number[];
  /** The vertex the new part starts from. */
  start: number;
  /** Points placed so far, flat, without the start vertex. */
  drawn: number[];
}

export function startOutlineCut(
  id: Id,
  original: readonly number[],
  closed: boolean,
  start: number,
): OutlineCut {
  return { id, closed, original: [...original], start, drawn: [] };
}

export function addCutPoint(cut: OutlineCut, p: Point): OutlineCut {
  return { ...cut, drawn: [...cut.drawn, p.x, p.y] };
}

export function removeCutPoint(cut: OutlineCut): OutlineCut {
  return { ...cut, drawn: cut.drawn.slice(0, -2) };
}

/** The new part of the outline as a polyline, from the start vertex through the drawn points. */
export function cutPath(cut: OutlineCut, pointer: Point | null): number[] {
  const s = cut.start;
  const out = [cut.original[2 * s] ?? 0, cut.original[2 * s + 1] ?? 0, ...cut.drawn];
  if (pointer) out.push(pointer.x, pointer.y);
  return out;
}

function vertices(points: readonly number[], indices: readonly number[]): number[] {
  return indices.flatMap((i) => [points[2 * i]!, points[2 * i + 1]!]);
}

/** Shoelace area, unsigned. */
export function polygonArea(points: readonly number[]): number {
  const n = points.length >> 1;
  let a = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    a += points[2 * i]! * points[2 * j + 1]! - points[2 * j]! * points[2 * i + 1]!;
  }
  return Math.abs(a) / 2;
}

/**
 * The outline after the cut ends on vertex `end`, or null when it would be degenerate. A polyline
 * keeps its ends and has the part between the two vertices replaced. A polygon can lose either of
 * the two parts between them: the one whose replacement keeps the larger area goes.
 */
export function finishOutlineCut(cut: OutlineCut, end: number): number[] | null {
  const pts = cut.original;
  const n = pts.length >> 1;
  const s = cut.start;
  if (end === s || end < 0 || end >= n) return null;
  const drawn = cut.drawn;
  if (!cut.closed) {
    const [lo, hi] = s < end ? [s, end] : [end, s];
    const middle = s < end ? drawn : reversePoints(drawn);
    const out = [...pts.slice(0, 2 * lo + 2), ...middle, ...pts.slice(2 * hi)];
    return out.length >= 4 && !sameOutline(out, pts) ? out : null;
  }
  // Walking on from `end` back round to `start` keeps one part; walking back keeps the other.
  const keep = (step: 1 | -1): number[] => {
    const idx: number[] = [];
    for (let k = end; ; k = (k + step + n) % n) {
      idx.push(k);
      if (k === s) break;
    }
    // idx runs end … start; the outline is start, drawn…, end, …, back to start.
    idx.pop();
    return [pts[2 * s]!, pts[2 * s + 1]!, ...drawn, ...vertices(pts, idx)];
  };
  const candidates = [keep(1), keep(-1)].filter((c) => c.length >= 6);
  if (candidates.length === 0) return null;
  const best = candidates.reduce((a, b) => (polygonArea(b) > polygonArea(a) ? b : a));
  return sameOutline(best, pts) ? null : best;
}

/** The same vertices in the same cyclic order. */
function sameOutline(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const n = a.length;
  for (let shift = 0; shift < n; shift += 2) {
    let same = true;
    for (let k = 0; k < n && same; k++) same = a[(k + shift) % n] === b[k];
    if (same) return true;
  }
  return false;
}

function reversePoints(flat: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = flat.length - 2; k >= 0; k -= 2) out.push(flat[k]!, flat[k + 1]!);
  return out;
}
