import type { DiagnosticsWorkerApi } from '../../../workers/diagnostics.worker';
import { lazyWorker } from './client';

export type { DiagnosticsWorkerApi, WorkerProbe } from '../../../workers/diagnostics.worker';

const diagnostics = lazyWorker<DiagnosticsWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/diagnostics.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-diagnostics',
    }),
);

/** Capability probe from inside a dedicated worker. */
export const getDiagnosticsWorker = () => diagnostics.get();
export const terminateDiagnosticsWorker = () => diagnostics.terminate();
