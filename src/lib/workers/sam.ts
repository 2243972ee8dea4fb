import type { SamWorkerApi } from '../../../workers/sam.worker';
import { lazyWorker } from './client';

export type { SamWorkerApi } from '../../../workers/sam.worker';

const sam = lazyWorker<SamWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/sam.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-sam',
    }),
);

/** The SAM interactor worker (encoder, decoder, embedding cache); started on first use. */
export const getSamWorker = () => sam.get();
export const terminateSamWorker = () => sam.terminate();
