import type { MediaWorkerApi } from '../../../workers/media.worker';
import { lazyWorker } from './client';

export type { MediaWorkerApi, FfmpegVersionResult } from '../../../workers/media.worker';
export type { VideoProbe, FfmpegFrames, FfmpegProgress } from '../media/video/workerApi';

const media = lazyWorker<MediaWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/media.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-media',
    }),
);

/**
 * Media worker: video probing and WebCodecs decoding, and ffmpeg.wasm (which starts its own inner
 * worker for the core); started on first use.
 */
export const getMediaWorker = () => media.get();
export const terminateMediaWorker = () => media.terminate();
