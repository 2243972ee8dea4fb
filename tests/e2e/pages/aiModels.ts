/**
 * Test page for the inference runtime in Chromium: onnxruntime-web runs the same pre-processing
 * and decoders as the app's worker. Files (models, photos, the ort wasm) come from /files/.
 */
import { runDetector, type SessionLike } from '$lib/ai/detect';
import type { RgbaImage } from '$lib/ai/image';
import {
  configureRuntime,
  evictModelFile,
  makeAvailableOffline,
  createSession,
  isModelCached,
  loadModelFile,
  resolveBackend,
  type BackendPreference,
} from '$lib/ai/runtime';
import type { DetectOptions, ModelDescriptor } from '$lib/ai/types';

configureRuntime({
  wasmUrl: '/files/ort/ort-wasm-simd-threaded.wasm',
  webgpuWasmUrl: '/files/ort/ort-wasm-simd-threaded.asyncify.wasm',
  // Threads would start workers from this page's bundle; one thread keeps the page simple.
  maxThreads: 1,
});

async function photo(url: string): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

/** Dark text lines on a light, slightly noisy background. */
function textImage(lines: string[]): RgbaImage {
  const canvas = new OffscreenCanvas(800, 500);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#f4f1ea';
  ctx.fillRect(0, 0, 800, 500);
  ctx.fillStyle = '#1a1a1a';
  const fonts = ['bold 44px sans-serif', '40px serif', '38px monospace', 'italic 42px sans-serif'];
  lines.forEach((line, i) => {
    ctx.font = fonts[i % fonts.length]!;
    ctx.fillText(line, 40 + (i % 2) * 30, 90 + i * 110);
  });
  return ctx.getImageData(0, 0, 800, 500);
}

async function run(
  model: ModelDescriptor,
  image: { photo?: string; rgba?: { data: number[]; width: number; height: number }; text?: string[] },
  options: DetectOptions,
  backend: BackendPreference = 'wasm',
) {
  const choice = await resolveBackend(backend);
  const t0 = performance.now();
  const { bytes, fromCache } = await loadModelFile(model.files[0]!.url);
  const { session, ort } = await createSession(bytes, choice);
  const t1 = performance.now();
  const pixels = image.photo
    ? await photo(image.photo)
    : image.text
      ? textImage(image.text)
      : { ...image.rgba!, data: Uint8ClampedArray.from(image.rgba!.data) };
  const t2 = performance.now();
  const detections = await runDetector(
    model,
    session as unknown as SessionLike,
    (type, data, dims) => new ort.Tensor(type, data, dims),
    pixels,
    options,
  );
  const t3 = performance.now();
  await session.release();
  return {
    detections,
    backend: choice.backend,
    adapter: choice.adapter,
    reason: choice.reason,
    fromCache,
    cachedNow: await isModelCached(model.files[0]!.url),
    loadMs: t1 - t0,
    inferMs: t3 - t2,
    width: pixels.width,
    height: pixels.height,
  };
}

/** Make available offline, twice, then free the space: bytes downloaded and the cached state after each step. */
async function offlineCycle(urls: string[]) {
  // Earlier runs in this page may have cached some of them already.
  await Promise.all(urls.map(evictModelFile));
  const progress: number[] = [];
  const first = await makeAvailableOffline(urls, (p) => progress.push(p.loaded));
  const cachedAfter = await Promise.all(urls.map(isModelCached));
  const second = await makeAvailableOffline(urls);
  const evicted = await Promise.all(urls.map(evictModelFile));
  const cachedAfterEvict = await Promise.all(urls.map(isModelCached));
  return { first, second, cachedAfter, evicted, cachedAfterEvict, lastProgress: progress.at(-1) ?? 0 };
}

Object.assign(globalThis, { aiTest: { run, offlineCycle, ready: true } });
