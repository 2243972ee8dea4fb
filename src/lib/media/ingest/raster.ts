/** Decoded pixels, 8-bit RGBA, row-major. */
export interface Raster {
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
}

/**
 * Applies an EXIF/TIFF orientation (1–8) so the raster is upright, as browsers do for JPEG with
 * `imageOrientation: 'from-image'`. Values 5–8 swap width and height.
 */
export function orientRaster(raster: Raster, orientation: number): Raster {
  if (orientation < 2 || orientation > 8) return raster;
  const { width: w, height: h, rgba } = raster;
  const swap = orientation >= 5;
  const width = swap ? h : w;
  const height = swap ? w : h;
  const out = new Uint8ClampedArray(width * height * 4);
  const source: Record<number, (x: number, y: number) => [number, number]> = {
    2: (x, y) => [w - 1 - x, y],
    3: (x, y) => [w - 1 - x, h - 1 - y],
    4: (x, y) => [x, h - 1 - y],
    5: (x, y) => [y, x],
    6: (x, y) => [y, h - 1 - x],
    7: (x, y) => [w - 1 - y, h - 1 - x],
    8: (x, y) => [w - 1 - y, x],
  };
  const from = source[orientation] as (x: number, y: number) => [number, number];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = from(x, y);
      const s = (sy * w + sx) * 4;
      const d = (y * width + x) * 4;
      out[d] = rgba[s] as number;
      out[d + 1] = rgba[s + 1] as number;
      out[d + 2] = rgba[s + 2] as number;
      out[d + 3] = rgba[s + 3] as number;
    }
  }
  return { width, height, rgba: out };
}
