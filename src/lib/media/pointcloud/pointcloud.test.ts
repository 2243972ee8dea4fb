import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePointCloud, parsePcdHeader, pointCloudKindOf, readPointCloudInfo } from './index';

const ASSETS = resolve('..', 'shared', 'assets');
const CANVAS3D = join(ASSETS, 'media/pointcloud/cvat_zips/test_canvas3d_extracted/test_canvas3d/pointcloud');
const read = (path: string) => new Uint8Array(readFileSync(path));

/** PCL writes invalid points as NaN (test_canvas3d/000001.pcd starts with one); the rest must be real numbers. */
function mostlyFinite(values: Float32Array): boolean {
  return values.filter((v) => Number.isFinite(v)).length >= values.length * 0.99;
}

/** A PCD with a header and a body; binary_compressed bodies use LZF literal runs only. */
function pcdFile(header: string[], body: Uint8Array | string): Uint8Array {
  const head = new TextEncoder().encode(header.join('\n') + '\n');
  const tail = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

function lzfLiterals(raw: Uint8Array): Uint8Array {
  const chunks: number[] = [];
  for (let i = 0; i < raw.length; i += 32) {
    const run = raw.subarray(i, i + 32);
    chunks.push(run.length - 1, ...run);
  }
  return new Uint8Array(chunks);
}

describe('PCD', () => {
  it('reads the header of a binary v0.7 file', () => {
    const header = parsePcdHeader(read(join(ASSETS, 'media/pointcloud/cvat_pcd/test_pcd.pcd')));
    expect(header).toMatchObject({ version: '0.7', width: 100, height: 1, points: 100, encoding: 'binary' });
    expect(header.fields.map((f) => f.name)).toEqual(['x', 'y', 'z']);
  });

  it('parses binary, ascii and binary_compressed samples into finite positions', () => {
    const cases: [string, number][] = [
      ['media/pointcloud/cvat_pcd/test_pcd.pcd', 100],
      ['datumaro_1.0/datumaro-tests/with_pcd/point_clouds/default/0000000000.pcd', 0],
      ['sly_pointcloud/datumaro-tests/ds0/pointcloud/frame1.pcd', 0],
      ['kitti_raw_1.0/datumaro-tests/kitti_raw/velodyne_points/data/0000000001.pcd', 0],
      [join(CANVAS3D, '000001.pcd'), 10_000],
      [join(CANVAS3D, '000002.pcd'), 10_000],
      [join(CANVAS3D, '000003.pcd'), 10_000],
    ];
    for (const [path, expected] of cases) {
      const bytes = read(path.startsWith('/') ? path : join(ASSETS, path));
      const info = readPointCloudInfo(bytes, 'pcd');
      const cloud = parsePointCloud(bytes, 'pcd');
      if (expected) expect(cloud.count, path).toBe(expected);
      expect(cloud.count, path).toBe(info.count);
      expect(cloud.positions.length).toBe(cloud.count * 3);
      expect(mostlyFinite(cloud.positions), path).toBe(true);
    }
  });

  it('reads a file without the "# .PCD" comment line and LZF-compressed files', () => {
    expect(parsePcdHeader(read(join(CANVAS3D, '000001.pcd'))).encoding).toBe('binary');
    expect(parsePcdHeader(read(join(CANVAS3D, '000002.pcd'))).encoding).toBe('binary_compressed');
    const a = parsePointCloud(read(join(CANVAS3D, '000002.pcd')), 'pcd');
    // The sample's points fill the unit cube: a decompression error would collapse or scatter them.
    const xs = a.positions.filter((_, i) => i % 3 === 0);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(0.9);
    // 000001 (binary) and 000002 (binary_compressed) share every point after the first.
    const b = parsePointCloud(read(join(CANVAS3D, '000001.pcd')), 'pcd');
    expect([...b.positions.subarray(3, 300)]).toEqual([...a.positions.subarray(3, 300)]);
  });

  it('gives the same points for one cloud written as ascii, binary and binary_compressed', () => {
    const points = [
      [1.5, -2, 3, 0.25, 0xff0000],
      [4, 5.5, -6, 0.75, 0x00ff80],
    ];
    const fields = ['FIELDS x y z intensity rgb', 'SIZE 4 4 4 4 4', 'TYPE F F F F U', 'COUNT 1 1 1 1 1'];
    const header = (data: string) => [
      'VERSION 0.7',
      ...fields,
      'WIDTH 2',
      'HEIGHT 1',
      'VIEWPOINT 0 0 0 1 0 0 0',
      'POINTS 2',
      `DATA ${data}`,
    ];
    const ascii = pcdFile(header('ascii'), points.map((p) => p.join(' ')).join('\n') + '\n');
    const record = new DataView(new ArrayBuffer(40));
    points.forEach((p, i) => {
      for (let f = 0; f < 4; f++) record.setFloat32(i * 20 + f * 4, p[f] as number, true);
      record.setUint32(i * 20 + 16, p[4] as number, true);
    });
    const binary = pcdFile(header('binary'), new Uint8Array(record.buffer));
    const soa = new DataView(new ArrayBuffer(40));
    for (let f = 0; f < 5; f++) {
      points.forEach((p, i) => {
        if (f < 4) soa.setFloat32(f * 8 + i * 4, p[f] as number, true);
        else soa.setUint32(f * 8 + i * 4, p[f] as number, true);
      });
    }
    const compressed = lzfLiterals(new Uint8Array(soa.buffer));
    const sizes = new DataView(new ArrayBuffer(8));
    sizes.setUint32(0, compressed.length, true);
    sizes.setUint32(4, 40, true);
    const body = new Uint8Array(8 + compressed.length);
    body.set(new Uint8Array(sizes.buffer));
    body.set(compressed, 8);
    const binaryCompressed = pcdFile(header('binary_compressed'), body);

    for (const bytes of [ascii, binary, binaryCompressed]) {
      const cloud = parsePointCloud(bytes, 'pcd');
      expect(cloud.count).toBe(2);
      expect(cloud.fields).toEqual(['x', 'y', 'z', 'intensity', 'rgb']);
      expect([...cloud.positions]).toEqual([1.5, -2, 3, 4, 5.5, -6]);
      expect([...(cloud.intensity ?? [])]).toEqual([0.25, 0.75]);
      expect([...(cloud.colors ?? [])].map((c) => Math.round(c * 255))).toEqual([255, 0, 0, 0, 255, 128]);
    }
  });

  it('names what is wrong with a truncated or malformed file', () => {
    const bytes = read(join(ASSETS, 'media/pointcloud/cvat_pcd/test_pcd.pcd'));
    expect(() => parsePointCloud(bytes.subarray(0, bytes.length - 100), 'pcd')).toThrow(
      /declares 100 points/,
    );
    expect(() => parsePointCloud(new TextEncoder().encode('hello\n'), 'pcd')).toThrow(/no DATA line/);
    const compressed = read(join(CANVAS3D, '000002.pcd'));
    expect(() => parsePointCloud(compressed.subarray(0, compressed.length - 50), 'pcd')).toThrow(/truncated/);
  });
});

describe('KITTI velodyne .bin', () => {
  it('reads x, y, z and reflectance as float32 records', () => {
    const small = read(
      join(
        ASSETS,
        'media/pointcloud/cvat_zips/test_velodyne_points_extracted/test_velodyne_points/velodyne_points/data/000002.bin',
      ),
    );
    const cloud = parsePointCloud(small, 'kitti-bin');
    expect(cloud.count).toBe(100);
    expect(cloud.fields).toEqual(['x', 'y', 'z', 'intensity']);
    expect(cloud.intensity?.length).toBe(100);
    const big = parsePointCloud(
      read(join(ASSETS, 'kitti/datumaro-tests_openvino/kitti_3d/training/velodyne/000001.bin')),
      'kitti-bin',
    );
    expect(big.count).toBe(18_630);
    expect(mostlyFinite(big.positions)).toBe(true);
  });

  it('refuses a size that is not a whole number of points', () => {
    expect(() => parsePointCloud(new Uint8Array(17), 'kitti-bin')).toThrow(/16 bytes per point/);
  });

  it('recognises point cloud files by extension', () => {
    expect(pointCloudKindOf('a/000001.PCD')).toBe('pcd');
    expect(pointCloudKindOf('velodyne_points/data/1.bin')).toBe('kitti-bin');
    expect(pointCloudKindOf('x.png')).toBeNull();
  });
});
