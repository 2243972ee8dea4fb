/**
 * PP-OCR (DB) text detection post-processing: the probability map is thresholded, split into
 * connected components, each scored by its mean probability, fitted with a minimum-area
 * rectangle and grown ("unclipped") by area·ratio/perimeter, as DB shrinks text regions in training.
 */
import type { Placement } from '../image';
import type { Detection, DetectOptions } from '../types';
import type { OutputTensor } from './tensor';

export interface DbParams {
  /** Pixel threshold on the probability map. */
  binaryThreshold: number;
  unclipRatio: number;
  /** Shorter side (map pixels) below which a region is dropped. */
  minSize: number;
}

export const DB_DEFAULTS: DbParams = { binaryThreshold: 0.3, unclipRatio: 1.5, minSize: 3 };

/** Components of a binary map (4-connected): per component, its pixel count, mean score and row extremes. */
export function components(
  prob: ArrayLike<number>,
  width: number,
  height: number,
  threshold: number,
): { pixels: number; score: number; hull: number[] }[] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const out: { pixels: number; score: number; hull: number[] }[] = [];
  for (let start = 0; start < width * height; start++) {
    if (seen[start] || prob[start]! <= threshold) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let pixels = 0;
    let sum = 0;
    // Leftmost and rightmost pixel per row are enough for the convex hull.
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      pixels++;
      sum += prob[i]!;
      if (!(rowMin.get(y)! <= x)) rowMin.set(y, x);
      if (!(rowMax.get(y)! >= x)) rowMax.set(y, x);
      const push = (j: number) => {
        if (!seen[j] && prob[j]! > threshold) {
          seen[j] = 1;
          stack[top++] = j;
        }
      };
      if (x > 0) push(i - 1);
      if (x < width - 1) push(i + 1);
      if (y > 0) push(i - width);
      if (y < height - 1) push(i + width);
    }
    const pts: number[] = [];
    // Pixel corners, so a one-pixel-wide stroke still has area.
    for (const [y, x] of rowMin) pts.push(x, y, x, y + 1);
    for (const [y, x] of rowMax) pts.push(x + 1, y, x + 1, y + 1);
    out.push({ pixels, score: sum / pixels, hull: convexHull(pts) });
  }
  return out;
}

/** Monotone chain convex hull of flat points; counter-clockwise in y-down coordinates. */
export function convexHull(flat: readonly number[]): number[] {
  const pts: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pts.push([flat[i]!, flat[i + 1]!]);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts.flat();
  const cross = (o: [number, number], a: [number, number], b: [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower.at(-2)!, lower.at(-1)!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper.at(-2)!, upper.at(-1)!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)].flat();
}

export interface OrientedRect {
  cx: number;
  cy: number;
  /** Along `angle`. */
  w: number;
  h: number;
  /** Radians. */
  angle: number;
}

/** Minimum-area rectangle of a convex polygon: one side lies on a hull edge. */
export function minAreaRect(hull: readonly number[]): OrientedRect {
  const n = hull.length / 2;
  let best: OrientedRect = { cx: hull[0] ?? 0, cy: hull[1] ?? 0, w: 0, h: 0, angle: 0 };
  let bestArea = Infinity;
  for (let e = 0; e < Math.max(1, n); e++) {
    const x0 = hull[e * 2]!;
    const y0 = hull[e * 2 + 1]!;
    const x1 = hull[((e + 1) % n) * 2]!;
    const y1 = hull[((e + 1) % n) * 2 + 1]!;
    const len = Math.hypot(x1 - x0, y1 - y0) || 1;
    const ux = (x1 - x0) / len;
    const uy = (y1 - y0) / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (let i = 0; i < n; i++) {
      const px = hull[i * 2]!;
      const py = hull[i * 2 + 1]!;
      const u = px * ux + py * uy;
      const v = -px * uy + py * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = {
        cx: cu * ux - cv * uy,
        cy: cu * uy + cv * ux,
        w: maxU - minU,
        h: maxV - minV,
        angle: Math.atan2(uy, ux),
      };
    }
  }
  // Keep text boxes "wide": the long side along the angle, angle within ±45°.
  if (best.h > best.w) best = { ...best, w: best.h, h: best.w, angle: best.angle + Math.PI / 2 };
  while (best.angle > Math.PI / 2) best.angle -= Math.PI;
  while (best.angle <= -Math.PI / 2) best.angle += Math.PI;
  return best;
}

/** Corners, clockwise on screen from the top-left. */
export function rectCorners(r: OrientedRect): number[] {
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  const out: number[] = [];
  for (const [du, dv] of [
    [-r.w / 2, -r.h / 2],
    [r.w / 2, -r.h / 2],
    [r.w / 2, r.h / 2],
    [-r.w / 2, r.h / 2],
  ] as const) {
    out.push(r.cx + du * c - dv * s, r.cy + du * s + dv * c);
  }
  return out;
}

/** DB's unclip on a rectangle: offset every side outwards by area·ratio/perimeter. */
export function unclip(r: OrientedRect, ratio: number): OrientedRect {
  const d = (r.w * r.h * ratio) / (2 * (r.w + r.h) || 1);
  return { ...r, w: r.w + 2 * d, h: r.h + 2 * d };
}

export function decodeTextDetection(
  output: OutputTensor,
  p: Placement,
  image: { width: number; height: number },
  options: DetectOptions,
  params: DbParams = DB_DEFAULTS,
): Detection[] {
  const dims = output.dims;
  const height = dims.at(-2)!;
  const width = dims.at(-1)!;
  const regions = components(output.data, width, height, params.binaryThreshold);
  const out: Extract<Detection, { type: 'polygon' }>[] = [];
  // Map pixels → model input pixels → image pixels.
  const mx = p.width / width;
  const my = p.height / height;
  for (const region of regions) {
    if (region.score < options.threshold || region.hull.length < 6) continue;
    const rect = minAreaRect(region.hull);
    if (Math.min(rect.w, rect.h) < params.minSize) continue;
    const grown = unclip(rect, params.unclipRatio);
    if (Math.min(grown.w, grown.h) < params.minSize + 2) continue;
    const corners = rectCorners(grown);
    const points: number[] = [];
    for (let i = 0; i < corners.length; i += 2) {
      const x = (corners[i]! * mx - p.padX) / p.scaleX;
      const y = (corners[i + 1]! * my - p.padY) / p.scaleY;
      points.push(Math.min(image.width, Math.max(0, x)), Math.min(image.height, Math.max(0, y)));
    }
    out.push({ type: 'polygon', label: 0, score: region.score, points });
  }
  // Reading order: top to bottom, then left to right.
  return out.sort((a, b) => a.points[1]! - b.points[1]! || a.points[0]! - b.points[0]!);
}
