/**
 * The inference runtime shared by every model worker (detectors, SAM): which onnxruntime-web
 * bundle and execution provider to use, and how model files are fetched and kept offline.
 *
 * - WebGPU when `requestAdapter()` gives a real (non-fallback) adapter; otherwise the wasm EP,
 *   multi-threaded when the page is cross-origin isolated. A setting forces either.
 * - Model files come from our own origin and are kept in Cache Storage (`loupe-models`), so a
 *   model fetched once, or made available offline ahead of time, loads without the network.
 *
 * Bundler-neutral on purpose: the worker entry tells it where the ort wasm files are
 * (`configureRuntime`), so tests can bundle it with esbuild and serve the files themselves.
 */
import type { InferenceSession } from 'onnxruntime-web';

export type Backend = 'webgpu' | 'wasm';
/** `auto` picks WebGPU only on a real adapter; the others force one backend. */
export type BackendPreference = 'auto' | Backend;
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'wasm', 'webgpu'];

export interface AdapterReport {
  /** navigator.gpu exists and `requestAdapter()` returned an adapter. */
  available: boolean;
  /** A software adapter (SwiftShader, WARP…): slower than wasm, never chosen by `auto`. */
  fallback: boolean;
  vendor: string;
  architecture: string;
  /** Why there is no adapter, when there is none. */
  reason?: string;
}

export interface BackendChoice {
  backend: Backend;
  /** wasm threads (1 without cross-origin isolation); the wasm EP also runs WebGPU's CPU fallbacks. */
  threads: number;
  preference: BackendPreference;
  /** One sentence for the Models page: why this backend. */
  reason: string;
  adapter: AdapterReport;
}

type Ort = typeof import('onnxruntime-web');

export interface RuntimeConfig {
  /** URL of `ort-wasm-simd-threaded.wasm` (the wasm bundle). */
  wasmUrl?: string;
  /** URL of `ort-wasm-simd-threaded.asyncify.wasm` (the WebGPU bundle). */
  webgpuWasmUrl?: string;
  /**
   * URL of the matching `.mjs` glue, for pages that bundle onnxruntime-web themselves: wasm
   * threads start their workers from it (the app's worker bundle needs none).
   */
  wasmGlueUrl?: string;
  webgpuGlueUrl?: string;
  /** Upper bound on wasm threads; the default leaves one core for the page. */
  maxThreads?: number;
}

const config: RuntimeConfig = {};

export function configureRuntime(next: RuntimeConfig): void {
  Object.assign(config, next);
}

type GpuLike = {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<unknown>;
};

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** Asks for a WebGPU adapter and reports whether it is a real one. */
export async function probeAdapter(
  gpu: GpuLike | undefined = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu,
): Promise<AdapterReport> {
  const none = (reason: string): AdapterReport => ({
    available: false,
    fallback: false,
    vendor: '',
    architecture: '',
    reason,
  });
  if (!gpu) return none('this browser has no WebGPU (navigator.gpu is missing)');
  try {
    const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as AdapterLike | null;
    if (!adapter) return none('requestAdapter() returned no adapter');
    const info = adapter.info ?? {};
    return {
      available: true,
      fallback: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
    };
  } catch (err) {
    return none(`requestAdapter() failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export interface Environment {
  crossOriginIsolated: boolean;
  cores: number;
}

function environment(): Environment {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return {
    crossOriginIsolated: g.crossOriginIsolated === true,
    cores: g.navigator?.hardwareConcurrency ?? 1,
  };
}

/** The threads the wasm EP may use: none without SharedArrayBuffer, one core left for the page. */
export function wasmThreads(env: Environment, maxThreads = config.maxThreads ?? 4): number {
  if (!env.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(maxThreads, env.cores > 2 ? env.cores - 1 : env.cores));
}

/** Pure decision, given the adapter and the environment. Forcing WebGPU without any adapter fails clearly. */
export function chooseBackend(
  preference: BackendPreference,
  adapter: AdapterReport,
  env: Environment,
): BackendChoice {
  const threads = wasmThreads(env);
  const wasm = (reason: string): BackendChoice => ({ backend: 'wasm', threads, preference, reason, adapter });
  const threadNote =
    threads > 1
      ? `${threads} threads`
      : env.crossOriginIsolated
        ? '1 thread'
        : '1 thread (not cross-origin isolated)';
  if (preference === 'wasm') return wasm(`wasm forced by the setting, ${threadNote}`);
  if (preference === 'webgpu') {
    if (!adapter.available) {
      throw new Error(
        `WebGPU is forced in the AI settings but ${adapter.reason ?? 'no adapter is available'}. ` +
          'Set the backend to Automatic or wasm.',
      );
    }
    const what = adapter.fallback ? 'a software fallback adapter' : `${adapter.vendor || 'a GPU'} adapter`;
    return {
      backend: 'webgpu',
      threads,
      preference,
      reason: `WebGPU forced by the setting, on ${what}`,
      adapter,
    };
  }
  if (adapter.available && !adapter.fallback) {
    return {
      backend: 'webgpu',
      threads,
      preference,
      reason: `WebGPU on ${adapter.vendor || 'the GPU'}${adapter.architecture ? ` (${adapter.architecture})` : ''}`,
      adapter,
    };
  }
  const why = adapter.available
    ? 'the only WebGPU adapter is a software fallback'
    : (adapter.reason ?? 'no WebGPU');
  return wasm(`wasm, ${threadNote}: ${why}`);
}

export async function resolveBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  // Asking for an adapter when wasm is forced is pointless (and slow on some drivers).
  const adapter =
    preference === 'wasm'
      ? { available: false, fallback: false, vendor: '', architecture: '', reason: 'not asked (wasm forced)' }
      : await probeAdapter();
  return chooseBackend(preference, adapter, environment());
}

const ortModules = new Map<Backend, Promise<Ort>>();

/** The onnxruntime-web bundle for a backend, imported once and configured for our origin. */
export function loadOrt(choice: Pick<BackendChoice, 'backend' | 'threads'>): Promise<Ort> {
  let loading = ortModules.get(choice.backend);
  if (!loading) {
    loading = (
      choice.backend === 'webgpu'
        ? (import('onnxruntime-web/webgpu') as Promise<Ort>)
        : (import('onnxruntime-web/wasm') as Promise<Ort>)
    ).then((ort) => {
      ort.env.wasm.numThreads = choice.threads;
      // The callers already run in a worker: no extra proxy worker.
      ort.env.wasm.proxy = false;
      const wasmUrl = choice.backend === 'webgpu' ? config.webgpuWasmUrl : config.wasmUrl;
      const glueUrl = choice.backend === 'webgpu' ? config.webgpuGlueUrl : config.wasmGlueUrl;
      const abs = (u: string) => new URL(u, globalThis.location?.href).href;
      if (wasmUrl) ort.env.wasm.wasmPaths = { wasm: abs(wasmUrl), ...(glueUrl ? { mjs: abs(glueUrl) } : {}) };
      return ort;
    });
    ortModules.set(choice.backend, loading);
    loading.catch(() => ortModules.delete(choice.backend));
  }
  return loading;
}

export interface SessionHandle {
  session: InferenceSession;
  ort: Ort;
  choice: BackendChoice;
}

/** Creates a session on the chosen backend; WebGPU sessions keep the wasm EP for unsupported nodes. */
export async function createSession(
  model: Uint8Array,
  choice: BackendChoice,
  options: { graphOptimizationLevel?: 'all' | 'basic' | 'disabled' } = {},
): Promise<SessionHandle> {
  const ort = await loadOrt(choice);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: choice.backend === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
  });
  return { session, ort, choice };
}

// ---------------------------------------------------------------------------------------------
// Model files: fetched from our origin, kept in Cache Storage.

export const MODEL_CACHE = 'loupe-models';

export interface LoadProgress {
  url: string;
  loaded: number;
  /** 0 when the server sent no length. */
  total: number;
}

export interface LoadedModel {
  bytes: Uint8Array;
  fromCache: boolean;
}

function absolute(url: string): string {
  return new URL(url, globalThis.location?.href).href;
}

function hasCacheStorage(): boolean {
  return typeof caches !== 'undefined';
}

/** A cached copy from any of the origin's caches (ours, or the service worker's runtime cache). */
async function cachedResponse(url: string): Promise<Response | undefined> {
  if (!hasCacheStorage()) return undefined;
  return (await caches.open(MODEL_CACHE)).match(url).then((r) => r ?? caches.match(url));
}

async function readWithProgress(
  response: Response,
  url: string,
  onProgress?: (p: LoadProgress) => void,
): Promise<Uint8Array> {
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body || !onProgress) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ url, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * The bytes of a model file: from the cache when present, else fetched from our origin and
 * cached for next time. A failed fetch names the file and says how to get it.
 */
export async function loadModelFile(
  url: string,
  options: { onProgress?: (p: LoadProgress) => void; signal?: AbortSignal } = {},
): Promise<LoadedModel> {
  const href = absolute(url);
  const cached = await cachedResponse(href);
  if (cached) return { bytes: await readWithProgress(cached, href, options.onProgress), fromCache: true };
  let response: Response;
  try {
    response = await fetch(href, { signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new Error(
      `Could not download the model file ${href}: you seem to be offline and it was never cached. ` +
        'Connect once and use "Make available offline" on the Models page.',
    );
  }
  if (!response.ok) {
    throw new Error(
      `The model file ${href} is missing from this server (HTTP ${response.status}). ` +
        'Built-in models are produced by `npm run build` (scripts/make-models.mjs).',
    );
  }
  const bytes = await readWithProgress(response, href, options.onProgress);
  if (hasCacheStorage()) await putModelFile(href, bytes);
  return { bytes, fromCache: false };
}

async function putModelFile(href: string, bytes: Uint8Array): Promise<void> {
  const cache = await caches.open(MODEL_CACHE);
  await cache.put(
    href,
    new Response(bytes.slice().buffer, {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
    }),
  );
}

/** Whether a model file would load without the network. */
export async function isModelCached(url: string): Promise<boolean> {
  return (await cachedResponse(absolute(url))) !== undefined;
}

/**
 * "Make available offline": fetches every file not cached yet. Reports bytes across all files.
 * Returns the number of bytes downloaded (0 when everything was already there).
 */
export async function makeAvailableOffline(
  urls: readonly string[],
  onProgress?: (p: { loaded: number; total: number; file: string }) => void,
  signal?: AbortSignal,
): Promise<number> {
  if (!hasCacheStorage())
    throw new Error('This browser has no Cache Storage, so models cannot be kept offline.');
  let downloaded = 0;
  for (const url of urls) {
    if (signal?.aborted) throw new DOMException('Cancelled', 'AbortError');
    if (await isModelCached(url)) continue;
    const before = downloaded;
    const { bytes } = await loadModelFile(url, {
      signal,
      onProgress: (p) => onProgress?.({ loaded: before + p.loaded, total: p.total, file: url }),
    });
    downloaded += bytes.byteLength;
  }
  return downloaded;
}

/** Drops a model file from every cache of the origin (ours and the service worker's runtime cache). */
export async function evictModelFile(url: string): Promise<boolean> {
  if (!hasCacheStorage()) return false;
  const href = absolute(url);
  let removed = false;
  for (const name of await caches.keys()) removed = (await (await caches.open(name)).delete(href)) || removed;
  return removed;
}
