import type { InferenceWorkerApi } from '../../../workers/inference.worker';
import { lazyWorker } from './client';

export type { DetectResult, InferenceWorkerApi, TinyModelResult } from '../../../workers/inference.worker';

const inference = lazyWorker<InferenceWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/inference.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-inference',
    }),
);

/** onnxruntime-web (wasm) worker; started on first use, then reused. */
export const getInferenceWorker = () => inference.get();
export const terminateInferenceWorker = () => inference.terminate();
