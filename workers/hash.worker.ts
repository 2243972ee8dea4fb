/**
 * Hashing of large media off the main thread: the SHA-256 of a video is computed here, in
 * slices, before it is shared through the sync server and after another device downloads it.
 */
import * as Comlink from 'comlink';
import { streamSha256 } from '../src/lib/sync/media';

const api = {
  /** SHA-256 (hex) of `blob`; `onProgress` gets the bytes hashed after each slice. */
  sha256(blob: Blob, onProgress?: (hashed: number) => void): Promise<string> {
    return streamSha256(blob, onProgress);
  },
};

export type HashWorkerApi = typeof api;

Comlink.expose(api);
