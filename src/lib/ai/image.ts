/**
 * Pixels in, model tensors out: resizing with letterbox or stretch, channel order, layout and
 * normalisation, plus the mapping from model-input coordinates back to the image.
 * Pure (no canvas), so the same code runs in workers, in Node tests and in benchmarks.
 */

/** RGBA, 4 bytes per pixel, row-major (the layout of ImageData). */
export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** How the image was placed in the model input: input = image · scale + pad. */
export interface Placement {
  scaleX: number;
  scaleY: number;
  padX: number;
  padY: number;
  /** Model input size. */
  width: number;
  height: number;
}

export type ResizeMode = 'letterbox' | 'stretch' | 'topleft';

export interface TensorSpec {
  width: number;
  height: number;
  layout: 'nchw' | 'nhwc';
  /** How the image sits in the input; letterbox centres it and pads the rest. */
  resize: ResizeMode;
  /** Per-channel value = (pixel · scale − mean) / std, on RGB (or BGR) 0–255 pixels. */
  scale?: number;
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
  bgr?: boolean;
  /** Pad colour (0–255), 114 grey as Ultralytics does. */
  pad?: number;
}

export function placement(
  imageWidth: number,
  imageHeight: number,
  spec: Pick<TensorSpec, 'width' | 'height' | 'resize'>,
): Placement {
  const { width, height } = spec;
  if (spec.resize === 'stretch') {
    return { scaleX: width / imageWidth, scaleY: height / imageHeight, padX: 0, padY: 0, width, height };
  }
  const s = Math.min(width / imageWidth, height / imageHeight);
  const padX = spec.resize === 'letterbox' ? (width - imageWidth * s) / 2 : 0;
  const padY = spec.resize === 'letterbox' ? (height - imageHeight * s) / 2 : 0;
  return { scaleX: s, scaleY: s, padX, padY, width, height };
}

/** Model-input coordinates back to image pixels. */
export function toImage(p: Placement, x: number, y: number): [number, number] {
  return [(x - p.padX) / p.scaleX, (y - p.padY) / p.scaleY];
}

/**
 * Samples the image into the model's input geometry with bilinear filtering (area-averaged when
 * shrinking by more than 2×, so small faces and text strokes are not aliased away).
 * Returns RGB bytes, 3 per pixel, of the whole input (padding included).
 */
export function resampleRgb(image: RgbaImage, p: Placement, pad = 0): Uint8Array {
  const { width: W, height: H } = p;
  const out = new Uint8Array(W * H * 3).fill(pad);
  const src = image.data;
  const iw = image.width;
  const ih = image.height;
  const x0 = Math.max(0, Math.floor(p.padX));
  const x1 = Math.min(W, Math.ceil(p.padX + iw * p.scaleX));
  const y0 = Math.max(0, Math.floor(p.padY));
  const y1 = Math.min(H, Math.ceil(p.padY + ih * p.scaleY));
  // Box filter radius in source pixels when shrinking a lot.
  const stepX = 1 / p.scaleX;
  const stepY = 1 / p.scaleY;
  const box = stepX > 2 || stepY > 2;
  for (let y = y0; y < y1; y++) {
    const sy = (y + 0.5 - p.padY) * stepY - 0.5;
    for (let x = x0; x < x1; x++) {
      const sx = (x + 0.5 - p.padX) * stepX - 0.5;
      const o = (y * W + x) * 3;
      if (box) {
        const ax = Math.max(0, Math.round(sx - stepX / 2 + 0.5));
        const bx = Math.min(iw - 1, Math.max(ax, Math.round(sx + stepX / 2 - 0.5)));
        const ay = Math.max(0, Math.round(sy - stepY / 2 + 0.5));
        const by = Math.min(ih - 1, Math.max(ay, Math.round(sy + stepY / 2 - 0.5)));
        let r = 0;
        let g = 0;
        let b = 0;
        let n = 0;
        for (let yy = ay; yy <= by; yy++) {
          let i = (yy * iw + ax) * 4;
          for (let xx = ax; xx <= bx; xx++, i += 4) {
            r += src[i]!;
            g += src[i + 1]!;
            b += src[i + 2]!;
            n++;
          }
        }
        out[o] = r / n;
        out[o + 1] = g / n;
        out[o + 2] = b / n;
        continue;
      }
      const cx = Math.min(iw - 1, Math.max(0, sx));
      const cy = Math.min(ih - 1, Math.max(0, sy));
      const xa = Math.floor(cx);
      const ya = Math.floor(cy);
      const xb = Math.min(iw - 1, xa + 1);
      const yb = Math.min(ih - 1, ya + 1);
      const fx = cx - xa;
      const fy = cy - ya;
      const i00 = (ya * iw + xa) * 4;
      const i01 = (ya * iw + xb) * 4;
      const i10 = (yb * iw + xa) * 4;
      const i11 = (yb * iw + xb) * 4;
      for (let c = 0; c < 3; c++) {
        const top = src[i00 + c]! * (1 - fx) + src[i01 + c]! * fx;
        const bottom = src[i10 + c]! * (1 - fx) + src[i11 + c]! * fx;
        out[o + c] = top * (1 - fy) + bottom * fy + 0.5;
      }
    }
  }
  return out;
}

/** Float input tensor data for a spec, with the placement to map results back. */
export function toTensor(image: RgbaImage, spec: TensorSpec): { data: Float32Array; placement: Placement } {
  const p = placement(image.width, image.height, spec);
  const rgb = resampleRgb(image, p, spec.pad ?? 0);
  const n = spec.width * spec.height;
  const data = new Float32Array(n * 3);
  const scale = spec.scale ?? 1;
  const mean = spec.mean ?? [0, 0, 0];
  const std = spec.std ?? [1, 1, 1];
  for (let c = 0; c < 3; c++) {
    const src = spec.bgr ? 2 - c : c;
    const m = mean[c]!;
    const s = std[c]!;
    for (let i = 0; i < n; i++) {
      const v = (rgb[i * 3 + src]! * scale - m) / s;
      if (spec.layout === 'nchw') data[c * n + i] = v;
      else data[i * 3 + c] = v;
    }
  }
  return { data, placement: p };
}

/** Crops an image to a box (clamped), for models that run on a region such as pose on a person. */
export function cropImage(
  image: RgbaImage,
  box: readonly [number, number, number, number],
): RgbaImage & { left: number; top: number } {
  const left = Math.max(0, Math.floor(box[0]));
  const top = Math.max(0, Math.floor(box[1]));
  const right = Math.min(image.width, Math.ceil(box[2]));
  const bottom = Math.min(image.height, Math.ceil(box[3]));
  const width = Math.max(1, right - left);
  const height = Math.max(1, bottom - top);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 4;
    data.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { data, width, height, left, top };
}
