/**
 * Slicing (CVAT's Alt+J): a line drawn across a mask or polygon cuts it into pieces. The cut
 * clears the pixels under the line (two pixels wide, so no 8-connected bridge survives), and
 * each remaining 8-connected region becomes its own mask, or its own polygon.
 */
import { traceRegions } from './contour';
import { polygonToMask } from './polygon';
import { decodeMask, encodeCroppedMask, tsKernels, type CroppedMask, type MaskKernels } from './rle';

function clearLine(mask: CroppedMask, line: ArrayLike<number>): void {
  const { bitmap, left, top, width, height } = mask;
  const clear = (x: number, y: number) => {
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ] as const) {
      const cx = x + dx - left;
      const cy = y + dy - top;
      if (cx >= 0 && cy >= 0 && cx < width && cy < height) bitmap[cy * width + cx] = 0;
    }
  };
  for (let i = 0; i + 3 < line.length; i += 2) {
    const x0 = line[i]!;
    const y0 = line[i + 1]!;
    const x1 = line[i + 2]!;
    const y1 = line[i + 3]!;
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2));
    for (let k = 0; k <= steps; k++) {
      const t = k / steps;
      clear(Math.floor(x0 + (x1 - x0) * t - 0.5), Math.floor(y0 + (y1 - y0) * t - 0.5));
    }
  }
}

/** The 8-connected regions of a cropped mask, each as its own cropped mask, largest first. */
export function splitRegions(mask: CroppedMask): CroppedMask[] {
  const { bitmap, width, height } = mask;
  const label = new Int32Array(width * height);
  const regions: { pixels: number[]; minX: number; minY: number; maxX: number; maxY: number }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < bitmap.length; start++) {
    if (bitmap[start] === 0 || label[start] !== 0) continue;
    const id = regions.length + 1;
    const region = { pixels: [] as number[], minX: width, minY: height, maxX: -1, maxY: -1 };
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      region.pixels.push(p);
      const x = p % width;
      const y = (p - x) / width;
      if (x < region.minX) region.minX = x;
      if (x > region.maxX) region.maxX = x;
      if (y < region.minY) region.minY = y;
      if (y > region.maxY) region.maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (bitmap[q] !== 0 && label[q] === 0) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
    regions.push(region);
  }
  regions.sort((a, b) => b.pixels.length - a.pixels.length);
  return regions.map((r) => {
    const w = r.maxX - r.minX + 1;
    const h = r.maxY - r.minY + 1;
    const out = new Uint8Array(w * h);
    for (const p of r.pixels) {
      const x = p % width;
      const y = (p - x) / width;
      out[(y - r.minY) * w + (x - r.minX)] = 1;
    }
    return { bitmap: out, left: mask.left + r.minX, top: mask.top + r.minY, width: w, height: h };
  });
}

/** Cuts CVAT mask points along a polyline; returns the pieces as mask points (one piece: not cut). */
export function sliceMask(
  points: ArrayLike<number>,
  line: ArrayLike<number>,
  kernels: MaskKernels = tsKernels,
): number[][] {
  const mask = decodeMask(points, kernels);
  clearLine(mask, line);
  return splitRegions(mask)
    .map((region) => encodeCroppedMask(region, kernels))
    .filter((p): p is number[] => p !== null);
}

/** Cuts a polygon along a polyline; returns the pieces as polygons traced at `accuracy` pixels. */
export function slicePolygon(
  polygon: ArrayLike<number>,
  line: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
  accuracy: number,
  kernels: MaskKernels = tsKernels,
): number[][] {
  const mask = polygonToMask(polygon, imageWidth, imageHeight, kernels);
  if (!mask) return [];
  return sliceMask(mask, line, kernels).flatMap((piece) =>
    traceRegions(decodeMask(piece, kernels), accuracy),
  );
}
