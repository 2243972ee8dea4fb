import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileKindOf } from './fileKind';
import { decodePnm } from './pnm';
import { orientRaster, type Raster } from './raster';
import { decodeTiff } from './tiff';

const MEDIA = resolve('..', 'shared', 'assets', 'media');
const bytes = (text: string) => new TextEncoder().encode(text);
const pixel = (r: Raster, x: number, y: number) => [
  ...r.rgba.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4),
];

describe('Netpbm', () => {
  it('decodes ASCII and binary PPM to the same pixels', () => {
    const ascii = decodePnm(bytes('P3\n# a comment\n2 1\n255\n255 0 0  0 0 255\n'));
    const binary = decodePnm(new Uint8Array([...bytes('P6 2 1 255\n'), 255, 0, 0, 0, 0, 255]));
    for (const r of [ascii, binary]) {
      expect([r.width, r.height]).toEqual([2, 1]);
      expect(pixel(r, 0, 0)).toEqual([255, 0, 0, 255]);
      expect(pixel(r, 1, 0)).toEqual([0, 0, 255, 255]);
    }
  });

  it('scales 16-bit and odd maximum values, reads PGM and packed PBM', () => {
    expect(pixel(decodePnm(new Uint8Array([...bytes('P5 1 1 65535\n'), 0x80, 0x00])), 0, 0)).toEqual([
      128, 128, 128, 255,
    ]);
    expect(pixel(decodePnm(bytes('P2 1 1 15\n15\n')), 0, 0)).toEqual([255, 255, 255, 255]);
    const pbm = decodePnm(new Uint8Array([...bytes('P4 3 1\n'), 0b10100000]));
    expect([pixel(pbm, 0, 0)[0], pixel(pbm, 1, 0)[0], pixel(pbm, 2, 0)[0]]).toEqual([0, 255, 0]);
    expect(pixel(decodePnm(bytes('P1 2 1\n01')), 1, 0)[0]).toBe(0);
  });

  it('refuses a truncated or foreign file', () => {
    expect(() => decodePnm(new Uint8Array([...bytes('P6 2 2 255\n'), 1, 2, 3]))).toThrow(/truncated/);
    expect(() => decodePnm(bytes('GIF89a'))).toThrow(/not a Netpbm/);
  });
});

describe('orientation', () => {
  // A 2×1 raster: red, green. Orientation 6 shows it rotated 90° clockwise: red on top.
  const strip: Raster = {
    width: 2,
    height: 1,
    rgba: new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255]),
  };
  it('rotates and mirrors per the EXIF value', () => {
    expect(orientRaster(strip, 1)).toBe(strip);
    const six = orientRaster(strip, 6);
    expect([six.width, six.height, pixel(six, 0, 0)[0], pixel(six, 0, 1)[1]]).toEqual([1, 2, 255, 255]);
    const eight = orientRaster(strip, 8);
    expect([pixel(eight, 0, 0)[1], pixel(eight, 0, 1)[0]]).toEqual([255, 255]);
    expect(pixel(orientRaster(strip, 2), 0, 0)[1]).toBe(255);
    expect(pixel(orientRaster(strip, 3), 0, 0)[1]).toBe(255);
  });
});

describe('TIFF', () => {
  it('decodes tif_left.tif and applies its orientation 6 (stored 150×100, shown 100×150)', () => {
    const raster = decodeTiff(
      new Uint8Array(readFileSync(join(MEDIA, 'images_exif_orientation/cvat/tif_left.tif'))),
    );
    expect([raster.width, raster.height]).toEqual([100, 150]);
  });

  it('refuses a truncated TIFF with a clear reason', () => {
    const tiff = readFileSync(join(MEDIA, 'images_exif_orientation/cvat/tif_left.tif'));
    expect(() => decodeTiff(new Uint8Array(tiff.subarray(0, 40)))).toThrow(/TIFF/);
  });
});

describe('fileKindOf', () => {
  it('sorts files into images, videos, archives, point clouds, manifests and the rest', () => {
    const tiff = new Uint8Array(
      readFileSync(join(MEDIA, 'images_exif_orientation/cvat/tif_left.tif')).subarray(0, 512),
    );
    expect(fileKindOf(tiff, 'x.tif')).toEqual({ kind: 'image', mime: 'image/tiff' });
    expect(fileKindOf(bytes('P6 1 1 255\n'), 'a.ppm')).toEqual({
      kind: 'image',
      mime: 'image/x-portable-pixmap',
    });
    const mp4 = new Uint8Array(readFileSync(join(MEDIA, 'video/cvat/video_1.mp4')).subarray(0, 512));
    expect(fileKindOf(mp4, 'video_1.mp4').kind).toBe('video');
    const rar = new Uint8Array(
      readFileSync(join(MEDIA, 'image_archives/cvat/test_rar.rar')).subarray(0, 512),
    );
    expect(fileKindOf(rar, 'test_rar.rar').kind).toBe('archive');
    expect(fileKindOf(bytes('{"version"'), 'manifest.jsonl').kind).toBe('manifest');
    expect(fileKindOf(bytes('# .PCD'), 'a.pcd')).toEqual({ kind: 'pointcloud', format: 'pcd' });
    expect(fileKindOf(bytes('junk'), 'broken.jpg')).toMatchObject({
      kind: 'unsupported',
      reason: /corrupt or mislabelled/,
    });
    expect(fileKindOf(bytes('hello'), 'notes.txt').kind).toBe('unsupported');
  });
});
