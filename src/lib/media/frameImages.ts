import type { FrameMeta } from '$lib/core/types';
import { getBlob } from '$lib/store';

/** Decoded frames kept for instant back-and-forth navigation, bounded by bytes (RGBA). */
const MAX_BYTES = 512 * 1024 * 1024;

const cache = new Map<string, Promise<ImageBitmap>>();
const sizes = new Map<string, number>();
let bytes = 0;

export class MissingMediaError extends Error {
  override readonly name = 'MissingMediaError';
}

async function decode(meta: FrameMeta): Promise<ImageBitmap> {
  const blob = await getBlob(meta.blob);
  if (!blob) {
    throw new MissingMediaError(
      `The image "${meta.name}" is not stored on this device. Download the task's media again or re-create the task from the files.`,
    );
  }
  try {
    return await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new MissingMediaError(`The image "${meta.name}" is corrupt and could not be decoded.`);
  }
}

function evict() {
  for (const [key, size] of sizes) {
    if (bytes <= MAX_BYTES) break;
    const entry = cache.get(key);
    cache.delete(key);
    sizes.delete(key);
    bytes -= size;
    void entry?.then((bitmap) => bitmap.close()).catch(() => {});
  }
}

/** The decoded image of a frame; decoded once, then served from a byte-bounded LRU. */
export function frameImage(meta: FrameMeta): Promise<ImageBitmap> {
  const key = meta.blob;
  const hit = cache.get(key);
  if (hit) {
    // Re-insert to mark it most recently used.
    cache.delete(key);
    cache.set(key, hit);
    const size = sizes.get(key);
    if (size !== undefined) {
      sizes.delete(key);
      sizes.set(key, size);
    }
    return hit;
  }
  const pending = decode(meta);
  cache.set(key, pending);
  const size = meta.width * meta.height * 4;
  sizes.set(key, size);
  bytes += size;
  pending.catch(() => {
    cache.delete(key);
    if (sizes.delete(key)) bytes -= size;
  });
  evict();
  return pending;
}
