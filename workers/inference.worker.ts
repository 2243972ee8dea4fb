import * as Comlink from 'comlink';
// Only a URL string: the 14 MB wasm is fetched by onnxruntime-web when a session is created.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { TINY_INPUT } from './lib/expected';

export interface TinyModelResult {
  input: number[];
  output: number[];
  dims: number[];
  backend: 'wasm';
  numThreads: number;
  crossOriginIsolated: boolean;
  ortVersion: string;
  /** Time to import the onnxruntime-web module (0 when already loaded). */
  importMs: number;
  /** Session creation, including the wasm fetch and compile on first use (0 when reused). */
  sessionMs: number;
  /** One `session.run`. */
  runMs: number;
}

type Ort = typeof import('onnxruntime-web/wasm');

let ortPromise: Promise<Ort> | null = null;
const sessions = new Map<string, Promise<import('onnxruntime-web/wasm').InferenceSession>>();

function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-web/wasm').then((ort) => {
    // Threads need SharedArrayBuffer, which only exists when cross-origin isolated.
    ort.env.wasm.numThreads = self.crossOriginIsolated ? 2 : 1;
    // We already are in a worker: no extra proxy worker.
    ort.env.wasm.proxy = false;
    // Serve the wasm from our own origin (never a CDN), whatever the bundler did with it.
    ort.env.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, self.location.href).href };
    return ort;
  });
  ortPromise.catch(() => (ortPromise = null));
  return ortPromise;
}

const api = {
  async runTinyModel(
    modelUrl = '/models/tiny.onnx',
    input: number[] = [...TINY_INPUT],
  ): Promise<TinyModelResult> {
    const t0 = performance.now();
    const wasLoaded = ortPromise !== null;
    const ort = await loadOrt();
    const t1 = performance.now();

    const url = new URL(modelUrl, self.location.origin).href;
    const reused = sessions.has(url);
    let session = sessions.get(url);
    if (!session) {
      session = ort.InferenceSession.create(url, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
      sessions.set(url, session);
      session.catch(() => sessions.delete(url));
    }
    const s = await session;
    const t2 = performance.now();

    const x = new ort.Tensor('float32', Float32Array.from(input), [1, input.length]);
    const inputName = s.inputNames[0] ?? 'x';
    const outputName = s.outputNames[0] ?? 'y';
    const out = await s.run({ [inputName]: x });
    const t3 = performance.now();
    const y = out[outputName];
    if (!y) throw new Error(`model produced no output "${outputName}"`);
    const output = Array.from(y.data as Float32Array);
    x.dispose();
    y.dispose();

    return {
      input: [...input],
      output,
      dims: [...y.dims],
      backend: 'wasm',
      numThreads: Number(ort.env.wasm.numThreads ?? 1),
      crossOriginIsolated: self.crossOriginIsolated,
      ortVersion: ort.env.versions.web ?? '',
      importMs: wasLoaded ? 0 : t1 - t0,
      sessionMs: reused ? 0 : t2 - t1,
      runMs: t3 - t2,
    };
  },

  /** Frees the sessions (the module and its wasm memory stay until the worker is terminated). */
  async release(): Promise<void> {
    const all = [...sessions.values()];
    sessions.clear();
    await Promise.all(all.map(async (p) => (await p).release()));
  },
};

export type InferenceWorkerApi = typeof api;

Comlink.expose(api);
