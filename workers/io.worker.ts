/**
 * Import work off the main thread: expanding archives, decoding images and making thumbnails,
 * hashing and storing blobs, and parsing point clouds.
 */
import * as Comlink from 'comlink';
import { expandArchive, type ArchiveEntry } from '../src/lib/media/ingest/archive/index';
import { decodeWithThumbnail } from '../src/lib/media/ingest/thumbnail';
import {
  parsePointCloud,
  readPointCloudInfo,
  type PointCloud,
  type PointCloudInfo,
  type PointCloudKind,
} from '../src/lib/media/pointcloud/index';
import { deleteBlob, hasBlob, putBlob, putThumbnail, sha256Hex } from '../src/lib/store/blobs';

export interface StoredBlob {
  sha256: string;
  /** False when the same bytes were already stored (by this import or an earlier one). */
  created: boolean;
}

export interface StoredImage extends StoredBlob {
  width: number;
  height: number;
}

export interface StoredPointCloud extends StoredBlob {
  info: PointCloudInfo;
}

const running = new Map<number, AbortController>();

async function store(blob: Blob): Promise<StoredBlob> {
  const sha256 = await sha256Hex(blob);
  if (await hasBlob(sha256)) return { sha256, created: false };
  await putBlob(blob);
  return { sha256, created: true };
}

const api = {
  /** Cancels the `expandArchive` call started with this token. */
  cancel(token: number): void {
    running.get(token)?.abort();
  },

  async expandArchive(
    blob: Blob,
    name: string,
    maxExpandedBytes: number,
    token: number,
    onProgress?: (done: number, total: number, file: string) => void,
  ): Promise<ArchiveEntry[]> {
    const controller = new AbortController();
    running.set(token, controller);
    try {
      return await expandArchive(blob, name, { maxExpandedBytes, signal: controller.signal, onProgress });
    } finally {
      running.delete(token);
    }
  },

  /** Decodes (to check it and read its upright size), stores the bytes once and a thumbnail. */
  async storeImage(blob: Blob, mime: string): Promise<StoredImage> {
    const { width, height, thumbnail } = await decodeWithThumbnail(blob, mime);
    const stored = await store(blob.type === mime ? blob : new Blob([blob], { type: mime }));
    if (stored.created) await putThumbnail(stored.sha256, thumbnail);
    return { ...stored, width, height };
  },

  async storeBlob(blob: Blob, mime: string): Promise<StoredBlob> {
    return store(blob.type === mime ? blob : new Blob([blob], { type: mime }));
  },

  /** Parses the whole cloud to validate it, then stores the original bytes. */
  async storePointCloud(blob: Blob, kind: PointCloudKind, mime: string): Promise<StoredPointCloud> {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    parsePointCloud(bytes, kind);
    const info = readPointCloudInfo(bytes, kind);
    const stored = await store(new Blob([bytes], { type: mime }));
    return { ...stored, info };
  },

  async parsePointCloud(blob: Blob, kind: PointCloudKind): Promise<PointCloud> {
    const cloud = parsePointCloud(new Uint8Array(await blob.arrayBuffer()), kind);
    const buffers = [cloud.positions.buffer, cloud.intensity?.buffer, cloud.colors?.buffer].filter(
      (b): b is ArrayBuffer => b instanceof ArrayBuffer,
    );
    return Comlink.transfer(cloud, buffers);
  },

  async deleteBlobs(sha256s: readonly string[]): Promise<void> {
    for (const sha of sha256s) await deleteBlob(sha);
  },
};

export type IoWorkerApi = typeof api;

Comlink.expose(api);
