import type { IoWorkerApi } from '../../../workers/io.worker';
import { lazyWorker } from './client';

export type { IoWorkerApi, StoredBlob, StoredImage, StoredPointCloud } from '../../../workers/io.worker';

const io = lazyWorker<IoWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/io.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-io',
    }),
);

/** Import/export worker (archives, image decoding and thumbnails, point clouds); started on first use. */
export const getIoWorker = () => io.get();
export const terminateIoWorker = () => io.terminate();
