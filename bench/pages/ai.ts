/**
 * AI benchmark page: the runtime, pre-processing and decoders of the inference worker, run on
 * the wasm backend (threaded, as cross-origin isolated pages are) against built-in models.
 */
import { runDetector, type SessionLike } from '$lib/ai/detect';
import { detectionsToObjects, defaultMapping } from '$lib/ai/labelMapping';
import type { RgbaImage } from '$lib/ai/image';
import { configureRuntime, createSession, loadModelFile, MODEL_CACHE, resolveBackend } from '$lib/ai/runtime';
import type { ModelDescriptor } from '$lib/ai/types';
import type { LabelSpec } from '$lib/core/types';

// The test server sends files as octet-stream, which cannot be imported as a module: the glue
// (from which wasm threads start their workers) goes through a blob URL with a script type.
const glue = await (await fetch('/files/ort/ort-wasm-simd-threaded.mjs')).text();
configureRuntime({
  wasmUrl: '/files/ort/ort-wasm-simd-threaded.wasm',
  wasmGlueUrl: URL.createObjectURL(new Blob([glue], { type: 'text/javascript' })),
});

async function decode(url: string): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

function textImage(): RgbaImage {
  const canvas = new OffscreenCanvas(800, 500);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 800, 500);
  ctx.fillStyle = '#111';
  ctx.font = '40px sans-serif';
  ['Browser annotation tool', 'Speed limit 50 km/h', 'Invoice No. 2024-0815', 'offline first'].forEach(
    (t, i) => ctx.fillText(t, 40, 90 + i * 110),
  );
  return ctx.getImageData(0, 0, 800, 500);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function bench(models: ModelDescriptor[], photos: string[]) {
  const choice = await resolveBackend('wasm');
  await caches.delete(MODEL_CACHE);
  const out: Record<string, number> = { threads: choice.threads };
  const sessions = new Map<string, SessionLike & { release(): Promise<void> }>();
  const tensors = new Map<
    string,
    (t: 'float32' | 'int32' | 'uint8', d: Float32Array | Int32Array | Uint8Array, dims: number[]) => unknown
  >();
  for (const m of models) {
    for (const file of m.files) {
      // First use: download, cache and open a session; then again from the cache.
      let t = performance.now();
      const first = await loadModelFile(file.url);
      let handle = await createSession(first.bytes, choice);
      out[`${m.id}:${file.role}:firstLoadMs`] = performance.now() - t;
      await handle.session.release();
      t = performance.now();
      const cached = await loadModelFile(file.url);
      handle = await createSession(cached.bytes, choice);
      out[`${m.id}:${file.role}:cachedLoadMs`] = performance.now() - t;
      if (!cached.fromCache) throw new Error(`${file.url} was not served from the cache`);
      if (m.type === 'detector') {
        sessions.set(m.id, handle.session as unknown as SessionLike & { release(): Promise<void> });
        const ort = handle.ort;
        tensors.set(m.id, (type, data, dims) => new ort.Tensor(type, data, dims));
      } else await handle.session.release();
    }
  }
  const images: Record<string, RgbaImage> = {
    'builtin:blazeface': await decode(photos[0]!),
    'builtin:movenet-lightning': await decode(photos[1]!),
    'builtin:ppocr-det': textImage(),
  };
  for (const m of models.filter((x) => x.type === 'detector')) {
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      await runDetector(m, sessions.get(m.id)!, tensors.get(m.id)!, images[m.id]!, {
        threshold: m.defaultThreshold,
        masksAsPolygons: false,
      });
      if (i > 0) times.push(performance.now() - t);
    }
    out[`${m.id}:frameMs`] = median(times);
  }
  // Automatic annotation throughput: decode each photo, detect faces, map to shapes.
  const face = models.find((m) => m.id === 'builtin:blazeface')!;
  const labels: LabelSpec[] = [
    { id: 'f', name: 'face', color: '#f00', type: 'rectangle', attributes: [], sublabels: [], svg: '' },
  ];
  const mapping = defaultMapping(face.labels, labels);
  const n = 20;
  const t = performance.now();
  let objects = 0;
  for (let i = 0; i < n; i++) {
    const image = await decode(photos[i % photos.length]!);
    const found = await runDetector(face, sessions.get(face.id)!, tensors.get(face.id)!, image, {
      threshold: 0.6,
      masksAsPolygons: false,
    });
    objects += detectionsToObjects(found, {
      frame: i,
      modelLabels: face.labels,
      taskLabels: labels,
      mapping,
    }).length;
  }
  out.autoAnnotateFps = n / ((performance.now() - t) / 1000);
  out.autoAnnotateObjects = objects;
  for (const s of sessions.values()) await s.release();
  return out;
}

Object.assign(globalThis, { runBench: bench });
