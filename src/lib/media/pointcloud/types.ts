/** Point cloud file kinds a 3D task takes. */
export type PointCloudKind = 'pcd' | 'kitti-bin';

export const POINT_CLOUD_MIME: Record<PointCloudKind, string> = {
  pcd: 'application/x-pcd',
  'kitti-bin': 'application/x-kitti-bin',
};

/** What the header tells without reading the points. */
export interface PointCloudInfo {
  kind: PointCloudKind;
  count: number;
  fields: string[];
  /** PCD WIDTH/HEIGHT (an unorganised cloud is count × 1); 0 × 0 for KITTI. */
  width: number;
  height: number;
}

/** Points ready for a three.js BufferGeometry. */
export interface PointCloud {
  /** x, y, z per point. */
  positions: Float32Array;
  /** One value per point, from an `intensity`, `i` or KITTI reflectance field. */
  intensity?: Float32Array;
  /** r, g, b in 0..1 per point, from a packed `rgb`/`rgba` field. */
  colors?: Float32Array;
  count: number;
  fields: string[];
}

export class PointCloudError extends Error {
  override readonly name = 'PointCloudError';
}
