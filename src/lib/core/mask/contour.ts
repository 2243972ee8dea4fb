/**
 * Mask to polygons: the outer boundary of each 8-connected region of set pixels, traced along
 * pixel edges (so the unsimplified polygon encloses exactly the region's pixels when it has no
 * holes), then simplified by Douglas-Peucker. Holes are filled: CVAT polygons have none.
 */
import { decodeMask, tsKernels, type CroppedMask, type MaskKernels } from './rle';

// Directions: east, south, west, north (y grows downwards).
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;

/**
 * Polygons (flat `[x0, y0, …]`, clockwise on screen) around each region of CVAT mask points.
 * `accuracy` is the Douglas-Peucker tolerance in image pixels: 0 keeps every corner of the
 * pixel outline, larger values give fewer vertices. Vertices are clamped to the image.
 */
export function maskToPolygons(
  points: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
  accuracy: number,
  kernels: MaskKernels = tsKernels,
): number[][] {
  const polygons = traceRegions(decodeMask(points, kernels), accuracy);
  for (const polygon of polygons) {
    for (let i = 0; i < polygon.length; i += 2) {
      polygon[i] = Math.min(imageWidth, Math.max(0, polygon[i]!));
      polygon[i + 1] = Math.min(imageHeight, Math.max(0, polygon[i + 1]!));
    }
  }
  return polygons;
}

/** Outer outlines of the 8-connected regions of a cropped mask, in image coordinates. */
export function traceRegions(mask: CroppedMask, accuracy: number): number[][] {
  const { width, height } = mask;
  // Padded by one pixel on every side so neighbour reads need no bounds checks.
  const pw = width + 2;
  const ph = height + 2;
  const set = new Uint8Array(pw * ph);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask.bitmap[y * width + x] !== 0) set[(y + 1) * pw + x + 1] = 1;
    }
  }
  const seen = new Uint8Array(pw * ph);
  const stack: number[] = [];
  const polygons: number[][] = [];
  for (let y = 1; y <= height; y++) {
    for (let x = 1; x <= width; x++) {
      const start = y * pw + x;
      if (set[start] === 0 || seen[start] !== 0) continue;
      // Mark the whole region so it is traced once, from its first pixel in raster order.
      seen[start] = 1;
      stack.push(start);
      while (stack.length > 0) {
        const i = stack.pop()!;
        for (const d of [-pw - 1, -pw, -pw + 1, -1, 1, pw - 1, pw, pw + 1]) {
          const j = i + d;
          if (set[j] !== 0 && seen[j] === 0) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
      const outline = traceOutline(set, pw, x, y);
      const simplified = accuracy > 0 ? simplifyClosed(outline, accuracy) : outline;
      const polygon = simplified.length >= 6 ? simplified : outline;
      for (let k = 0; k < polygon.length; k += 2) {
        polygon[k] = polygon[k]! - 1 + mask.left;
        polygon[k + 1] = polygon[k + 1]! - 1 + mask.top;
      }
      polygons.push(polygon);
    }
  }
  return polygons;
}

/**
 * Walks pixel corners clockwise around the region whose first raster pixel is (x0, y0) (padded
 * coordinates), keeping the region on the right; records the corners where the walk turns.
 * Turning left first follows diagonal contacts, which is what makes the regions 8-connected.
 */
function traceOutline(set: Uint8Array, pw: number, x0: number, y0: number): number[] {
  const at = (x: number, y: number) => set[y * pw + x] !== 0;
  const out = [x0, y0];
  let cx = x0;
  let cy = y0;
  let d = 0;
  for (;;) {
    cx += DX[d]!;
    cy += DY[d]!;
    if (cx === x0 && cy === y0) break;
    // The two pixels ahead of corner (cx, cy), on the left and right of the heading.
    let left: boolean;
    let right: boolean;
    if (d === 0) {
      left = at(cx, cy - 1);
      right = at(cx, cy);
    } else if (d === 1) {
      left = at(cx, cy);
      right = at(cx - 1, cy);
    } else if (d === 2) {
      left = at(cx - 1, cy);
      right = at(cx - 1, cy - 1);
    } else {
      left = at(cx - 1, cy - 1);
      right = at(cx, cy - 1);
    }
    const nd = left ? (d + 3) & 3 : right ? d : (d + 1) & 3;
    if (nd !== d) out.push(cx, cy);
    d = nd;
  }
  return out;
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return Math.hypot(px - ax, py - ay);
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Douglas-Peucker on an open chain of vertices `from..to` (indices into a flat array). */
function simplifyChain(flat: ArrayLike<number>, from: number, to: number, epsilon: number, keep: Uint8Array) {
  const stack: Array<[number, number]> = [[from, to]];
  keep[from] = 1;
  keep[to] = 1;
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    const ax = flat[2 * a]!;
    const ay = flat[2 * a + 1]!;
    const bx = flat[2 * b]!;
    const by = flat[2 * b + 1]!;
    let worst = -1;
    let worstD = epsilon;
    for (let i = a + 1; i < b; i++) {
      const dist = distanceToSegment(flat[2 * i]!, flat[2 * i + 1]!, ax, ay, bx, by);
      if (dist > worstD) {
        worstD = dist;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
}

/** Douglas-Peucker on a closed ring, split at its first vertex and the vertex farthest from it. */
export function simplifyClosed(ring: ArrayLike<number>, epsilon: number): number[] {
  const n = ring.length >> 1;
  if (n <= 3) return Array.from(ring);
  let far = 0;
  let farD = -1;
  for (let i = 1; i < n; i++) {
    const dist = Math.hypot(ring[2 * i]! - ring[0]!, ring[2 * i + 1]! - ring[1]!);
    if (dist > farD) {
      farD = dist;
      far = i;
    }
  }
  // The ring with the first vertex repeated at the end, so both halves are open chains.
  const closed = new Float64Array(2 * (n + 1));
  closed.set(ring as ArrayLike<number>);
  closed[2 * n] = ring[0]!;
  closed[2 * n + 1] = ring[1]!;
  const keep = new Uint8Array(n + 1);
  simplifyChain(closed, 0, far, epsilon, keep);
  simplifyChain(closed, far, n, epsilon, keep);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(closed[2 * i]!, closed[2 * i + 1]!);
  return out;
}
