import type { MediaWorkerApi } from '../../../workers/media.worker';
import { lazyWorker } from './client';

export type { MediaWorkerApi, FfmpegVersionResult } from '../../../workers/media.worker';

const media = lazyWorker<MediaWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/media.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-media',
    }),
);

/** ffmpeg.wasm worker (it starts its own inner worker for the core); started on first use. */
export const getMediaWorker = () => media.get();
export const terminateMediaWorker = () => media.terminate();
