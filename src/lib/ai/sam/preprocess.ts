/**
 * SAM image pre-processing: the longest side scaled to 1024, zero-padded at the bottom and right,
 * RGB normalised with the ImageNet mean and standard deviation, planar (CHW) float32.
 */

export const SAM_SIZE = 1024;
const MEAN = [123.675, 116.28, 103.53] as const;
const STD = [58.395, 57.12, 57.375] as const;

/** How an image maps into the 1024-pixel model frame. */
export interface SamFrame {
  width: number;
  height: number;
  /** Model pixels per image pixel. */
  scale: number;
  /** The image's extent inside the 1024 x 1024 input (the rest is padding). */
  resizedWidth: number;
  resizedHeight: number;
}

export function samFrame(width: number, height: number): SamFrame {
  if (!(width > 0 && height > 0)) throw new Error(`SAM needs a non-empty image (got ${width}x${height})`);
  const scale = SAM_SIZE / Math.max(width, height);
  return {
    width,
    height,
    scale,
    resizedWidth: Math.min(SAM_SIZE, Math.round(width * scale)),
    resizedHeight: Math.min(SAM_SIZE, Math.round(height * scale)),
  };
}

/**
 * The encoder input `[1, 3, 1024, 1024]` from RGBA pixels (canvas ImageData layout), resized
 * bilinearly (pixel centres aligned, as image libraries do) into the top-left corner.
 */
export function samEncoderInput(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  if (rgba.length !== width * height * 4) {
    throw new Error(`expected ${width * height * 4} RGBA bytes for ${width}x${height}, got ${rgba.length}`);
  }
  const f = samFrame(width, height);
  const plane = SAM_SIZE * SAM_SIZE;
  // Padding is 0 after normalisation, as in the reference implementation (padding after normalising).
  const out = new Float32Array(3 * plane);
  const sx = width / f.resizedWidth;
  const sy = height / f.resizedHeight;
  const x0s = new Int32Array(f.resizedWidth);
  const x1s = new Int32Array(f.resizedWidth);
  const wxs = new Float32Array(f.resizedWidth);
  for (let x = 0; x < f.resizedWidth; x++) {
    const fx = Math.min(width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(width - 1, x0s[x]! + 1);
    wxs[x] = fx - x0s[x]!;
  }
  for (let y = 0; y < f.resizedHeight; y++) {
    const fy = Math.min(height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    const r0 = y0 * width;
    const r1 = y1 * width;
    for (let x = 0; x < f.resizedWidth; x++) {
      const a = (r0 + x0s[x]!) * 4;
      const b = (r0 + x1s[x]!) * 4;
      const c = (r1 + x0s[x]!) * 4;
      const d = (r1 + x1s[x]!) * 4;
      const wx = wxs[x]!;
      const o = y * SAM_SIZE + x;
      for (let ch = 0; ch < 3; ch++) {
        const top = rgba[a + ch]! + (rgba[b + ch]! - rgba[a + ch]!) * wx;
        const bottom = rgba[c + ch]! + (rgba[d + ch]! - rgba[c + ch]!) * wx;
        const v = top + (bottom - top) * wy;
        out[ch * plane + o] = (v - MEAN[ch]!) / STD[ch]!;
      }
    }
  }
  return out;
}
