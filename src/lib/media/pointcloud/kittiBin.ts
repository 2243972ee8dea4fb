import { PointCloudError, type PointCloud, type PointCloudInfo } from './types';

const STRIDE = 16; // x, y, z, reflectance as little-endian float32

export function readKittiBinInfo(byteLength: number): PointCloudInfo {
  if (byteLength % STRIDE !== 0) {
    throw new PointCloudError(
      `a KITTI velodyne .bin holds 16 bytes per point (x, y, z, reflectance as float32), but this file has ${byteLength} bytes`,
    );
  }
  return {
    kind: 'kitti-bin',
    count: byteLength / STRIDE,
    fields: ['x', 'y', 'z', 'intensity'],
    width: 0,
    height: 0,
  };
}

export function parseKittiBin(bytes: Uint8Array): PointCloud {
  const { count, fields } = readKittiBinInfo(bytes.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const positions = new Float32Array(count * 3);
  const intensity = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * STRIDE;
    positions[i * 3] = view.getFloat32(at, true);
    positions[i * 3 + 1] = view.getFloat32(at + 4, true);
    positions[i * 3 + 2] = view.getFloat32(at + 8, true);
    intensity[i] = view.getFloat32(at + 12, true);
  }
  return { positions, intensity, count, fields };
}
