import wasmUrl from '../../../wasm/build/mask.wasm?url';
import { loadWasmKernels, tsKernels, type MaskKernels } from '../core/mask';
import type { MaskWorkerApi } from '../../../workers/mask.worker';
import { lazyWorker } from './client';

export type { MaskWorkerApi } from '../../../workers/mask.worker';

const mask = lazyWorker<MaskWorkerApi>(
  () =>
    new Worker(new URL('../../../workers/mask.worker.ts', import.meta.url), {
      type: 'module',
      name: 'loupe-mask',
    }),
);

/** Mask conversions (RLE, mask <-> polygon, boolean ops) off the main thread, wasm inside. */
export const getMaskWorker = () => mask.get();
export const terminateMaskWorker = () => mask.terminate();

let mainThreadKernels: Promise<MaskKernels> | null = null;

/**
 * The wasm RLE kernels on the main thread (the mask editor encodes there when finishing), or
 * the TypeScript ones when wasm cannot be loaded. Loaded once, on first call.
 */
export function loadMaskKernels(): Promise<MaskKernels> {
  mainThreadKernels ??= loadWasmKernels(new URL(wasmUrl, import.meta.url)).catch(() => tsKernels);
  return mainThreadKernels;
}
