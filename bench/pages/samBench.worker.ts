/** The SAM half of the bench, in a worker as the app runs it (threaded wasm needs one). */
// Evaluated at load, not lazily: onnxruntime's wasm threads start this very script, and the
// bundled runtime must be there to answer them (in the app it is a chunk of its own).
import 'onnxruntime-web/wasm';
import { configureRuntime, MODEL_CACHE } from '$lib/ai/runtime';
import { createSamEngine } from '$lib/ai/sam/engine';
import { benchFrame, BENCH_H, BENCH_W } from './samFrames';

export interface SamWorkerBench {
  backend: string;
  threads: number;
  loadFirstMs: number;
  loadCachedMs: number;
  encodeMs: number[];
  decodeMs: number[];
}

async function run(): Promise<SamWorkerBench> {
  configureRuntime({ wasmUrl: '/files/ort-wasm-simd-threaded.wasm' });
  await caches.delete(MODEL_CACHE);
  const files = { id: 'bench', encoderUrl: '/files/encoder.onnx', decoderUrl: '/files/sam.onnx' };
  const first = createSamEngine({ persistent: false });
  const info = await first.load(files, 'wasm');
  // A second engine loads the same files from Cache Storage (new sessions, no network).
  const engine = createSamEngine({ persistent: false });
  const cached = await engine.load(files, 'wasm');

  const encodeMs: number[] = [];
  for (let k = 0; k < 3; k++) {
    const rgba = benchFrame(k * 10);
    const r = await engine.embed(`f${k}`, () => ({ rgba, width: BENCH_W, height: BENCH_H }));
    encodeMs.push(r.ms);
  }
  const decodeMs: number[] = [];
  for (let k = 0; k < 10; k++) {
    const clicks = [{ x: 200 + k, y: 240, positive: true }];
    if (k % 2) clicks.push({ x: 40, y: 40 + k, positive: false });
    const r = await engine.segment('f0', k % 3 === 2 ? { clicks, box: [100, 140, 300, 340] } : { clicks });
    decodeMs.push(r.ms);
  }
  return {
    backend: info.backend,
    threads: info.threads,
    loadFirstMs: info.loadMs,
    loadCachedMs: cached.loadMs,
    encodeMs,
    decodeMs,
  };
}

// onnxruntime's wasm threads start this same script as "em-pthread" workers: only the first runs the bench.
if (self.name !== 'em-pthread')
  run().then(
    (result) => postMessage({ result }),
    (error: unknown) => postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
