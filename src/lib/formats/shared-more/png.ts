/**
 * PNG masks on fast-png: decoding into one integer key per pixel (an RGB colour or a grey
 * level / palette index), and encoding RGB, grey and 16-bit instance images.
 */
import { decode, encode } from 'fast-png';
import { FormatError } from '../types';

export interface KeyImage {
  width: number;
  height: number;
  /** One key per pixel: `r << 16 | g << 8 | b` for colour images, the value for grey ones. */
  keys: Uint32Array;
  /** `rgb` for colour (and paletted, resolved through the palette), `value` for grey images. */
  mode: 'rgb' | 'value';
  /** Palette indices of a paletted image, when it is one. */
  indices?: Uint8Array;
}

export function rgbKey(r: number, g: number, b: number): number {
  return ((r & 255) << 16) | ((g & 255) << 8) | (b & 255);
}

export function keyToRgb(key: number): [number, number, number] {
  return [(key >>> 16) & 255, (key >>> 8) & 255, key & 255];
}

export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : [0, 0, 0];
}

export function rgbToHex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * One sample per channel per pixel: fast-png leaves 1, 2 and 4-bit images packed by row,
 * so those are unpacked here.
 */
export function pngSamples(png: {
  width: number;
  height: number;
  depth: number;
  channels: number;
  data: ArrayLike<number>;
}): ArrayLike<number> {
  if (png.depth >= 8) return png.data;
  const perRow = png.width * png.channels;
  const rowBytes = Math.ceil((perRow * png.depth) / 8);
  const out = new Uint8Array(perRow * png.height);
  const mask = (1 << png.depth) - 1;
  for (let y = 0; y < png.height; y++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * png.depth;
      const byte = png.data[y * rowBytes + (bit >> 3)]!;
      out[y * perRow + i] = (byte >> (8 - png.depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Decodes a PNG mask; `file` names it in errors. */
export function decodeKeys(bytes: Uint8Array, file: string): KeyImage {
  let png;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new FormatError(file, `is not a readable PNG image: ${(error as Error).message}`, {
      expected: 'a PNG mask',
    });
  }
  const { width, height, channels, palette } = png;
  const data = pngSamples(png);
  const n = width * height;
  const keys = new Uint32Array(n);
  if (palette) {
    const indices = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const index = data[i]!;
      indices[i] = index;
      const c = palette[index] ?? [0, 0, 0];
      keys[i] = rgbKey(c[0]!, c[1]!, c[2]!);
    }
    return { width, height, keys, mode: 'rgb', indices };
  }
  if (channels >= 3) {
    for (let i = 0, p = 0; i < n; i++, p += channels) keys[i] = rgbKey(data[p]!, data[p + 1]!, data[p + 2]!);
    return { width, height, keys, mode: 'rgb' };
  }
  for (let i = 0, p = 0; i < n; i++, p += channels) keys[i] = data[p]!;
  return { width, height, keys, mode: 'value' };
}

/** An 8-bit RGB PNG from colour keys. */
export function encodeRgb(width: number, height: number, keys: Uint32Array): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    data[i * 3] = (k >>> 16) & 255;
    data[i * 3 + 1] = (k >>> 8) & 255;
    data[i * 3 + 2] = k & 255;
  }
  return encode({ width, height, data, channels: 3, depth: 8 });
}

/** A grey PNG (8 or 16 bits) from values. */
export function encodeGrey(width: number, height: number, values: Uint32Array, depth: 8 | 16): Uint8Array {
  const data = depth === 16 ? new Uint16Array(values) : new Uint8Array(values);
  return encode({ width, height, data, channels: 1, depth });
}

/** Pascal VOC's colour map: the colour of class (or instance) index `i`. */
export function vocColor(index: number): [number, number, number] {
  let r = 0;
  let g = 0;
  let b = 0;
  let c = index;
  for (let j = 0; j < 8; j++) {
    r |= ((c >> 0) & 1) << (7 - j);
    g |= ((c >> 1) & 1) << (7 - j);
    b |= ((c >> 2) & 1) << (7 - j);
    c >>= 3;
  }
  return [r, g, b];
}
