import * as Comlink from 'comlink';
// Only URL strings: the wasm files are fetched when a session is first created.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortWebgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { runDetector, type SessionLike } from '../src/lib/ai/detect';
import type { RgbaImage } from '../src/lib/ai/image';
import {
  configureRuntime,
  createSession,
  loadModelFile,
  resolveBackend,
  type BackendChoice,
  type BackendPreference,
  type SessionHandle,
} from '../src/lib/ai/runtime';
import type { Detection, DetectOptions, ModelDescriptor, ModelFile } from '../src/lib/ai/types';
import { readUserModelFile } from '../src/lib/ai/userModels';
import { TINY_INPUT } from './lib/expected';

configureRuntime({ wasmUrl: ortWasmUrl, webgpuWasmUrl: ortWebgpuWasmUrl });

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

export interface DetectResult {
  detections: Detection[];
  backend: BackendChoice['backend'];
  /** Fetch (or cache read) and session creation; 0 when the session was already open. */
  loadMs: number;
  /** The model file came from the cache (only meaningful when loadMs > 0). */
  fromCache: boolean;
  /** Pre-processing, inference and decoding of this frame. */
  inferMs: number;
}

let preference: BackendPreference = 'auto';
let choice: Promise<BackendChoice> | null = null;
const sessions = new Map<string, Promise<SessionHandle & { fromCache: boolean }>>();

function backend(): Promise<BackendChoice> {
  choice ??= resolveBackend(preference);
  choice.catch(() => (choice = null));
  return choice;
}

async function fileBytes(file: ModelFile): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  if (file.url.startsWith('opfs:')) return { bytes: await readUserModelFile(file), fromCache: true };
  return loadModelFile(file.url);
}

function session(model: ModelDescriptor, role: ModelFile['role'] = 'model') {
  const key = `${model.id}#${role}`;
  let open = sessions.get(key);
  if (!open) {
    const file = model.files.find((f) => f.role === role);
    if (!file) return Promise.reject(new Error(`${model.name} has no ${role} file.`));
    open = (async () => {
      const { bytes, fromCache } = await fileBytes(file);
      return { ...(await createSession(bytes, await backend())), fromCache };
    })();
    sessions.set(key, open);
    open.catch(() => sessions.delete(key));
  }
  return open;
}

function pixels(frame: ImageBitmap | RgbaImage): RgbaImage {
  if (!(frame instanceof ImageBitmap)) return frame;
  const canvas = new OffscreenCanvas(frame.width, frame.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('No 2D canvas in this worker.');
  ctx.drawImage(frame, 0, 0);
  frame.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

async function releaseAll(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => null))?.session.release()));
}

const api = {
  async runTinyModel(
    modelUrl = '/models/tiny.onnx',
    input: number[] = [...TINY_INPUT],
  ): Promise<TinyModelResult> {
    const t0 = performance.now();
    const wasm = await resolveBackend('wasm');
    const t1 = performance.now();
    const model: ModelDescriptor = {
      id: `diagnostics:${modelUrl}`,
      name: 'tiny',
      type: 'detector',
      framework: 'ONNX',
      description: '',
      licence: '',
      builtin: true,
      labels: [],
      files: [{ role: 'model', url: modelUrl, bytes: 0 }],
      input: { name: 'x', elemType: 1, width: 1, height: 1, layout: 'nchw', resize: 'stretch' },
      decoder: { kind: 'generic', output: { format: 'xyxy', normalized: false, box: 0 } },
      iouThreshold: 0,
      defaultThreshold: 0,
    };
    const key = `${model.id}#wasm`;
    const reused = sessions.has(key);
    let open = sessions.get(key);
    if (!open) {
      open = loadModelFile(new URL(modelUrl, self.location.origin).href).then(
        async ({ bytes, fromCache }) => ({
          ...(await createSession(bytes, wasm)),
          fromCache,
        }),
      );
      sessions.set(key, open);
      open.catch(() => sessions.delete(key));
    }
    const { session: s, ort } = await open;
    const t2 = performance.now();
    const x = new ort.Tensor('float32', Float32Array.from(input), [1, input.length]);
    const out = await s.run({ [s.inputNames[0] ?? 'x']: x });
    const t3 = performance.now();
    const y = out[s.outputNames[0] ?? 'y'];
    if (!y) throw new Error('model produced no output');
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
      importMs: t1 - t0,
      sessionMs: reused ? 0 : t2 - t1,
      runMs: t3 - t2,
    };
  },

  /** The backend setting; changing it closes the open sessions so the next run uses the new one. */
  async setBackend(next: BackendPreference): Promise<void> {
    if (next === preference) return;
    preference = next;
    choice = null;
    await releaseAll();
  },

  /** Which backend runs, and why (WebGPU adapter, threads). */
  backendInfo(): Promise<BackendChoice> {
    return backend();
  },

  /** Opens the model's session ahead of use; returns the load time and whether it came from the cache. */
  async prepare(model: ModelDescriptor): Promise<{ loadMs: number; fromCache: boolean }> {
    const t0 = performance.now();
    const had = sessions.has(`${model.id}#model`);
    const { fromCache } = await session(model);
    return { loadMs: had ? 0 : performance.now() - t0, fromCache };
  },

  /** Runs a detector on one frame (an ImageBitmap is transferred and closed here). */
  async detect(
    model: ModelDescriptor,
    frame: ImageBitmap | RgbaImage,
    options: DetectOptions,
  ): Promise<DetectResult> {
    const t0 = performance.now();
    const had = sessions.has(`${model.id}#model`);
    const handle = await session(model);
    const t1 = performance.now();
    const { ort } = handle;
    const detections = await runDetector(
      model,
      handle.session as unknown as SessionLike,
      (type, data, dims) => new ort.Tensor(type, data, dims),
      pixels(frame),
      options,
    );
    return {
      detections,
      backend: handle.choice.backend,
      loadMs: had ? 0 : t1 - t0,
      fromCache: handle.fromCache,
      inferMs: performance.now() - t1,
    };
  },

  /** Closes one model's sessions (after it is removed) or all of them. */
  async release(modelId?: string): Promise<void> {
    if (!modelId) return releaseAll();
    for (const [key, open] of sessions) {
      if (!key.startsWith(`${modelId}#`)) continue;
      sessions.delete(key);
      await (await open.catch(() => null))?.session.release();
    }
  },
};

export type InferenceWorkerApi = typeof api;

Comlink.expose(api);
