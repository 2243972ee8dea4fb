/**
 * Main thread: where the bytes of a stored video or image come from. A video that was just
 * ingested is served from its File while the copy into IndexedDB is still being written, so a
 * task is usable at once; afterwards (and after a reload) the stored Blob is used. In an
 * organization workspace a video this device lacks is downloaded on first view (getBlob's
 * remote source) and stored under its content key like a local one.
 */
import { blobDatabase, getBlob } from '$lib/store';
import { now } from '$lib/core/ids';

const local = new Map<string, Blob>();

/** Makes `blob` the source of `key` for this session (the File a video was ingested from). */
export function registerSource(key: string, blob: Blob): void {
  local.set(key, blob);
}

export function forgetSource(key: string): void {
  local.delete(key);
}

/** The bytes for a content key: this session's File if there is one, else the stored Blob. */
export async function resolveSource(key: string): Promise<Blob | undefined> {
  const blob = local.get(key);
  if (blob) return blob;
  const stored = await getBlob(key);
  if (stored) local.set(key, stored);
  return stored;
}

/**
 * The bytes this device holds for a content key (this session's File, else the stored Blob),
 * never fetched from elsewhere: what the upload queue shares.
 */
export async function localSource(key: string): Promise<Blob | undefined> {
  return local.get(key) ?? (await blobDatabase().blobs.get(key))?.data;
}

/**
 * Stores a video once under its content key (not a hash of all its bytes: see
 * `contentKeyMaterial`). The File goes into IndexedDB as a Blob; the browser copies it in the
 * background, and nothing here reads it into memory.
 */
export async function storeVideoBlob(key: string, file: Blob, mime: string): Promise<void> {
  const db = blobDatabase();
  if ((await db.blobs.where('sha256').equals(key).count()) > 0) return;
  try {
    await db.blobs.put({ sha256: key, mime, size: file.size, data: file, created: now() });
  } catch (error) {
    if (error instanceof Error && (error.name === 'QuotaExceededError' || error.message.includes('Quota'))) {
      throw new Error(
        `Not enough storage on this device to keep the video (${Math.round(file.size / 1e6)} MB). Free some space and try again.`,
        { cause: error },
      );
    }
    throw error;
  }
}
