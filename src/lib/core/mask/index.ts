export {
  bitmapBounds,
  blit,
  cropBitmap,
  decodeMask,
  decodeMaskToImage,
  encodeCroppedMask,
  encodeMask,
  maskArea,
  maskBox,
  tsKernels,
  type CroppedMask,
  type MaskBox,
  type MaskKernels,
} from './rle';
export { polygonArea, polygonToMask, polygonsToMask, rasterizePolygon } from './polygon';
export { maskToPolygons, simplifyClosed, traceRegions } from './contour';
export { intersectMask, maskIoU, removeUnderlyingPixels, subtractMask, unionMask } from './ops';
export { loadWasmKernels, wasmKernelsFromModule } from './wasmKernels';

/** The rectangle `[xtl, ytl, xbr, ybr]` around CVAT mask points (pixel edges, exclusive end). */
export function maskToRectangle(points: ArrayLike<number>): [number, number, number, number] {
  const n = points.length;
  return [points[n - 4]!, points[n - 3]!, points[n - 2]! + 1, points[n - 1]! + 1];
}
