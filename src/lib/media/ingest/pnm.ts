/** Netpbm images (PBM/PGM/PPM, P1–P6), ASCII and binary, 8- and 16-bit. */
import type { Raster } from './raster';

export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}

export function decodePnm(bytes: Uint8Array): Raster {
  let at = 0;
  const token = (): string => {
    for (;;) {
      while (at < bytes.length && isSpace(bytes[at] as number)) at++;
      if (bytes[at] !== 0x23) break; // '#' comment to the end of the line
      while (at < bytes.length && bytes[at] !== 0x0a) at++;
    }
    const start = at;
    while (at < bytes.length && !isSpace(bytes[at] as number) && bytes[at] !== 0x23) at++;
    if (start === at) throw new ImageDecodeError('the Netpbm image is truncated');
    return String.fromCharCode(...bytes.subarray(start, at));
  };
  const magic = token();
  const type = /^P([1-6])$/.exec(magic)?.[1];
  if (!type) throw new ImageDecodeError('not a Netpbm (P1–P6) image');
  const kind = Number(type);
  const width = Number(token());
  const height = Number(token());
  const bitmap = kind === 1 || kind === 4;
  const maxval = bitmap ? 1 : Number(token());
  if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new ImageDecodeError('the Netpbm header has an invalid size');
  }
  if (!(maxval > 0 && maxval < 65536))
    throw new ImageDecodeError('the Netpbm header has an invalid maximum value');
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const count = width * height * channels;
  const samples = new Uint16Array(count);
  if (kind <= 3) {
    for (let i = 0; i < count; i++) {
      if (kind === 1) {
        // P1 digits may be packed without spaces.
        while (at < bytes.length && (isSpace(bytes[at] as number) || bytes[at] === 0x23)) {
          if (bytes[at] === 0x23) while (at < bytes.length && bytes[at] !== 0x0a) at++;
          else at++;
        }
        if (at >= bytes.length) throw new ImageDecodeError('the Netpbm image is truncated');
        samples[i] = bytes[at++] === 0x31 ? 1 : 0;
      } else {
        samples[i] = Number(token());
      }
    }
  } else {
    at++; // the single whitespace after the header
    if (kind === 4) {
      const rowBytes = Math.ceil(width / 8);
      if (at + rowBytes * height > bytes.length) throw new ImageDecodeError('the Netpbm image is truncated');
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          samples[y * width + x] = ((bytes[at + y * rowBytes + (x >> 3)] as number) >> (7 - (x & 7))) & 1;
        }
      }
    } else {
      const wide = maxval > 255;
      if (at + count * (wide ? 2 : 1) > bytes.length)
        throw new ImageDecodeError('the Netpbm image is truncated');
      for (let i = 0; i < count; i++) {
        samples[i] = wide
          ? ((bytes[at + i * 2] as number) << 8) | (bytes[at + i * 2 + 1] as number)
          : (bytes[at + i] as number);
      }
    }
  }
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    let r: number, g: number, b: number;
    if (bitmap) {
      r = g = b = samples[p] ? 0 : 255; // in PBM, 1 is black
    } else if (channels === 1) {
      r = g = b = Math.round(((samples[p] as number) * 255) / maxval);
    } else {
      r = Math.round(((samples[p * 3] as number) * 255) / maxval);
      g = Math.round(((samples[p * 3 + 1] as number) * 255) / maxval);
      b = Math.round(((samples[p * 3 + 2] as number) * 255) / maxval);
    }
    rgba.set([r, g, b, 255], p * 4);
  }
  return { width, height, rgba };
}
