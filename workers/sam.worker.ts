/**
 * The SAM interactor's worker: encoder and decoder sessions on the shared inference runtime
 * (WebGPU on a real adapter, else wasm), embeddings cached per frame content in memory and in
 * Cache Storage, masks returned as transferred bitmaps.
 */
import * as Comlink from 'comlink';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortWebGpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { configureRuntime } from '../src/lib/ai/runtime';
import { createSamEngine, type SamModelFiles } from '../src/lib/ai/sam/engine';
import type { SamPrompt } from '../src/lib/ai/sam/prompt';
import type { BackendPreference } from '../src/lib/ai/runtime';

configureRuntime({ wasmUrl: ortWasmUrl, webgpuWasmUrl: ortWebGpuWasmUrl });

const engine = createSamEngine();

/** RGBA pixels of a bitmap (ImageBitmap is structured-cloneable, so callers keep theirs). */
function pixelsOf(bitmap: ImageBitmap): { rgba: Uint8ClampedArray; width: number; height: number } {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D context in the SAM worker');
  ctx.drawImage(bitmap, 0, 0);
  return {
    rgba: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data,
    width: bitmap.width,
    height: bitmap.height,
  };
}

const api = {
  /** Loads (or switches to) a SAM encoder/decoder pair; cheap when it is already loaded. */
  async load(files: SamModelFiles, backend: BackendPreference = 'auto') {
    return engine.load(files, backend);
  },
  /** Whether a frame's embedding is ready without running the encoder (memory or Cache Storage). */
  async hasEmbedding(key: string): Promise<boolean> {
    return engine.hasEmbedding(key);
  },
  /** Encodes a frame unless its embedding is cached; returns how long it took and whether it was cached. */
  async embed(key: string, image: ImageBitmap | { rgba: Uint8ClampedArray; width: number; height: number }) {
    return engine.embed(key, () => (image instanceof ImageBitmap ? pixelsOf(image) : image));
  },
  /** A mask for a prompt on an embedded frame. */
  async segment(key: string, prompt: SamPrompt) {
    const result = await engine.segment(key, prompt);
    return Comlink.transfer(result, [result.bitmap.buffer]);
  },
  stats() {
    return engine.stats();
  },
};

export type SamWorkerApi = typeof api;

Comlink.expose(api);
