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
import {
  deleteBlob,
  hasBlob,
  putBlob,
  putBlobsWithThumbnails,
  putThumbnail,
  sha256Hex,
} from '../src/lib/store/blobs';

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

/** Images decoded at once: enough to keep the decoder threads and the hashing busy. */
const IMAGE_CONCURRENCY = 4;

async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

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

  /**
   * A batch of images: decoded and hashed a few at a time (the browser decodes on its own
   * threads), then stored with their thumbnails in one transaction. A failed image is reported
   * in its slot and does not stop the others.
   */
  async storeImages(
    items: readonly { blob: Blob; mime: string }[],
    thumbnailQuality = 0.8,
  ): Promise<(StoredImage | { error: string })[]> {
    type Prepared = { ok: true; sha256: string; blob: Blob; thumbnail: Blob; width: number; height: number };
    type Failed = { ok: false; error: string };
    const prepared = await mapConcurrent(
      items,
      IMAGE_CONCURRENCY,
      async ({ blob, mime }): Promise<Prepared | Failed> => {
        try {
          const typed = blob.type === mime ? blob : new Blob([blob], { type: mime });
          const [decoded, sha256] = await Promise.all([
            decodeWithThumbnail(typed, mime, undefined, thumbnailQuality),
            sha256Hex(typed),
          ]);
          return { ok: true, sha256, blob: typed, ...decoded };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      },
    );
    const created = await putBlobsWithThumbnails(prepared.filter((p): p is Prepared => p.ok));
    let k = 0;
    return prepared.map((p) =>
      p.ok
        ? { sha256: p.sha256, created: created[k++] ?? false, width: p.width, height: p.height }
        : { error: p.error },
    );
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
