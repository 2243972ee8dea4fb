import { parseKittiBin, readKittiBinInfo } from './kittiBin';
import { parsePcd, readPcdInfo } from './pcd';
import type { PointCloud, PointCloudInfo, PointCloudKind } from './types';

export { POINT_CLOUD_MIME, PointCloudError } from './types';
export type { PointCloud, PointCloudInfo, PointCloudKind } from './types';
export { parsePcdHeader, type PcdHeader, type PcdField, type PcdEncoding } from './pcd';

/** Reads every point into Float32Arrays (run it in a worker: clouds reach millions of points). */
export function parsePointCloud(bytes: Uint8Array, kind: PointCloudKind): PointCloud {
  return kind === 'pcd' ? parsePcd(bytes) : parseKittiBin(bytes);
}

/** Point count and fields from the header alone. */
export function readPointCloudInfo(bytes: Uint8Array, kind: PointCloudKind): PointCloudInfo {
  return kind === 'pcd' ? readPcdInfo(bytes) : readKittiBinInfo(bytes.byteLength);
}

/** The kind of a point cloud file by its name, or null. */
export function pointCloudKindOf(name: string): PointCloudKind | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.pcd')) return 'pcd';
  if (lower.endsWith('.bin')) return 'kitti-bin';
  return null;
}
