import * as Comlink from 'comlink';
import type { HashWorkerApi } from '../../../workers/hash.worker';
import { lazyWorker } from './client';

export type { HashWorkerApi } from '../../../workers/hash.worker';

const hash = lazyWorker<HashWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/hash.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-hash',
    }),
);

/** Hash worker: SHA-256 of large media in slices; started on first use. */
export const getHashWorker = () => hash.get();
export const terminateHashWorker = () => hash.terminate();

/** The SHA-256 (hex) of a blob of any size, computed in the hash worker. */
export function sha256InWorker(blob: Blob, onProgress?: (hashed: number) => void): Promise<string> {
  return getHashWorker().sha256(blob, onProgress ? Comlink.proxy(onProgress) : undefined);
}
