import type { CvWorkerApi } from '../../../workers/cv.worker';
import { lazyWorker } from './client';

export type { CvWorkerApi, EqualizeHistResult } from '../../../workers/cv.worker';

const cv = lazyWorker<CvWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/cv.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-cv',
    }),
);

/** OpenCV.js worker; started on first use, then reused (the runtime stays loaded). */
export const getCvWorker = () => cv.get();
export const terminateCvWorker = () => cv.terminate();
