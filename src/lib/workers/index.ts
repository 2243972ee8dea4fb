export { lazyWorker, type LazyWorker } from './client';
export * from './inference';
export * from './media';
export * from './cv';
export * from './diagnostics';
export * from './io';
export * from './mask';
export * from './sam';
export * from './hash';

import { terminateCvWorker } from './cv';
import { terminateDiagnosticsWorker } from './diagnostics';
import { terminateHashWorker } from './hash';
import { terminateInferenceWorker } from './inference';
import { terminateIoWorker } from './io';
import { terminateMaskWorker } from './mask';
import { terminateMediaWorker } from './media';
import { terminateSamWorker } from './sam';

/** Stops every runtime worker (they restart lazily on next use). */
export function terminateAllWorkers(): void {
  terminateInferenceWorker();
  terminateMediaWorker();
  terminateCvWorker();
  terminateDiagnosticsWorker();
  terminateIoWorker();
  terminateMaskWorker();
  terminateSamWorker();
  terminateHashWorker();
}
