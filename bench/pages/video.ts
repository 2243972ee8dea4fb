/**
 * Test and bench page for video ingest and the frame service: drives the real public API
 * (ingestVideo, getFrame, createPlayer) in the browser and reports back through `window.loupeVideo`.
 */
import type { FrameMeta } from '$lib/core/types';
import {
  clearFrameCache,
  configureFrameCache,
  createPlayer,
  frameCacheStats,
  getFrame,
  type FrameCacheOptions,
} from '$lib/media/frameService';
import { ingestVideo, type IngestProgress, type VideoInfo } from '$lib/media/video';
import { createRepository, openWorkspace, putBlob } from '$lib/store';

const tasks = new Map<string, FrameMeta[]>();
let ids = 0;

function inputFiles(): File[] {
  const input = document.getElementById('files') as HTMLInputElement;
  return [...(input.files ?? [])];
}

export interface IngestSummary {
  id: string;
  count: number;
  info: VideoInfo;
  first: FrameMeta;
  last: FrameMeta;
  stages: string[];
  progress: IngestProgress[];
  ms: number;
  storedMs: number | null;
  storeError: string | null;
}

async function ingest(
  index: number,
  options: {
    startFrame?: number;
    stopFrame?: number;
    step?: number;
    abortAfterMs?: number;
    waitStored?: boolean;
  } = {},
): Promise<IngestSummary> {
  const file = inputFiles()[index];
  if (!file) throw new Error(`no file #${index} selected`);
  const controller = new AbortController();
  if (options.abortAfterMs !== undefined) setTimeout(() => controller.abort(), options.abortAfterMs);
  const progress: IngestProgress[] = [];
  const t0 = performance.now();
  const result = await ingestVideo(file, {
    signal: controller.signal,
    onProgress: (p) => progress.push(p),
    startFrame: options.startFrame,
    stopFrame: options.stopFrame,
    step: options.step,
  });
  const ms = performance.now() - t0;
  let storedMs: number | null = null;
  let storeError: string | null = null;
  if (options.waitStored) {
    const error = await result.stored;
    storedMs = performance.now() - t0;
    storeError = error ? error.message : null;
  }
  const id = `v${++ids}`;
  tasks.set(id, result.frames);
  return {
    id,
    count: result.frames.length,
    info: result.info,
    first: result.frames[0]!,
    last: result.frames[result.frames.length - 1]!,
    stages: [...new Set(progress.map((p) => p.stage))],
    progress: progress.slice(-5),
    ms,
    storedMs,
    storeError,
  };
}

/** Ingest that is expected to fail: the error's name and message. */
async function ingestError(
  index: number,
  abortAfterMs?: number,
): Promise<{ name: string; message: string } | null> {
  try {
    await ingest(index, abortAfterMs === undefined ? {} : { abortAfterMs });
    return null;
  } catch (error) {
    const e = error instanceof Error || error instanceof DOMException ? error : new Error(String(error));
    return { name: e.name, message: e.message };
  }
}

/** The selected JPEG/PNG files as image frames (stored blobs), in name order. */
async function imageTask(): Promise<{ id: string; count: number }> {
  const frames: FrameMeta[] = [];
  for (const file of inputFiles().sort((a, b) => a.name.localeCompare(b.name))) {
    const bitmap = await createImageBitmap(file);
    const { width, height } = bitmap;
    bitmap.close();
    const blob = await putBlob(new Blob([file], { type: file.type || 'image/jpeg' }));
    frames.push({ name: file.name, width, height, blob, mime: file.type || 'image/jpeg', related_files: 0 });
  }
  const id = `i${++ids}`;
  tasks.set(id, frames);
  return { id, count: frames.length };
}

function framesOf(id: string): FrameMeta[] {
  const frames = tasks.get(id);
  if (!frames) throw new Error(`unknown task ${id}`);
  return frames;
}

function pixels(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

/** Decodes frame i and compares it with raw RGBA reference bytes at `refUrl`. */
async function compare(
  id: string,
  i: number,
  refUrl: string,
): Promise<{ width: number; height: number; meanAbsDiff: number; refBytes: number }> {
  const bitmap = await getFrame(framesOf(id), i);
  const { width, height } = bitmap;
  const got = pixels(bitmap);
  const ref = new Uint8Array(await (await fetch(refUrl)).arrayBuffer());
  if (ref.length !== got.length) return { width, height, meanAbsDiff: Infinity, refBytes: ref.length };
  let sum = 0;
  let n = 0;
  for (let k = 0; k < got.length; k += 4) {
    sum +=
      Math.abs(got[k]! - ref[k]!) + Math.abs(got[k + 1]! - ref[k + 1]!) + Math.abs(got[k + 2]! - ref[k + 2]!);
    n += 3;
  }
  return { width, height, meanAbsDiff: sum / n, refBytes: ref.length };
}

/** Time to store the frame list as a task (the repository call), in ms. */
async function createTask(id: string): Promise<number> {
  const ws = await openWorkspace(`video_bench_${Date.now()}`, { storage: 'dexie' });
  const repo = createRepository(ws);
  const project = await repo.projects.create({ name: 'video', labels: [] });
  const t0 = performance.now();
  await repo.tasks.create({ project_id: project.id, name: 'video', frames: framesOf(id), segment_size: 0 });
  return performance.now() - t0;
}

/** Random seeks: decode time of each (nothing prefetched, cache cleared between seeks). */
async function seeks(id: string, count: number, seed = 1): Promise<number[]> {
  const frames = framesOf(id);
  const times: number[] = [];
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < count; k++) {
    clearFrameCache();
    const i = Math.floor(rand() * frames.length);
    const t0 = performance.now();
    const bitmap = await getFrame(frames, i, { prefetch: false });
    times.push(performance.now() - t0);
    if (bitmap.width !== frames[i]!.width) throw new Error(`frame ${i}: width ${bitmap.width}`);
  }
  return times;
}

export interface PlaybackResult {
  /** Per frame shown: from the tick a new frame was due to having its bitmap, ms. */
  waitMs: number[];
  /** Per frame shown: from its due time on the clock to onFrame (includes the wait for rAF), ms. */
  lateMs: number[];
  /** Time between consecutive frames on screen, ms. */
  intervalsMs: number[];
  shown: number;
  dropped: number;
  maxCacheBytes: number;
  cacheBound: number;
  heapPeakBytes: number | null;
  seconds: number;
}

/** Plays from `start` for `seconds` at `fps` and records frame timing and cache size. */
async function play(id: string, start: number, seconds: number, fps: number): Promise<PlaybackResult> {
  const frames = framesOf(id);
  clearFrameCache();
  const lateMs: number[] = [];
  const waitMs: number[] = [];
  const intervalsMs: number[] = [];
  let last = -1;
  let maxCacheBytes = 0;
  let heapPeakBytes: number | null = null;
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  const player = createPlayer({
    frames,
    fps,
    start,
    onFrame: (bitmap, _index, timing) => {
      const now = performance.now();
      if (last >= 0) intervalsMs.push(now - last);
      last = now;
      lateMs.push(timing.lateMs);
      waitMs.push(timing.waitMs);
      if (bitmap.width === 0) throw new Error('empty frame');
      maxCacheBytes = Math.max(maxCacheBytes, frameCacheStats().bytes);
      if (memory) heapPeakBytes = Math.max(heapPeakBytes ?? 0, memory.usedJSHeapSize);
    },
  });
  await getFrame(frames, start);
  const t0 = performance.now();
  player.play();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  player.destroy();
  const stats = player.stats;
  return {
    waitMs,
    lateMs,
    intervalsMs,
    shown: stats.shown,
    dropped: stats.dropped,
    maxCacheBytes,
    cacheBound: frameCacheStats().maxBytes,
    heapPeakBytes,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Steps forward one frame at a time, as the "next frame" key does: time per step, ms. */
async function stepThrough(id: string, start: number, count: number, gapMs: number): Promise<number[]> {
  const frames = framesOf(id);
  clearFrameCache();
  await getFrame(frames, start);
  const times: number[] = [];
  for (let i = start + 1; i < Math.min(frames.length, start + 1 + count); i++) {
    await new Promise((r) => setTimeout(r, gapMs));
    const t0 = performance.now();
    await getFrame(frames, i);
    times.push(performance.now() - t0);
  }
  return times;
}

/** A frame list from elsewhere (e.g. before a reload) becomes a task on this page. */
function adopt(frames: FrameMeta[]): string {
  const id = `a${++ids}`;
  tasks.set(id, frames);
  return id;
}

/** Drives a player through step, seek and play; returns the frames it showed, in order. */
async function playerScript(
  id: string,
): Promise<{ steps: number[]; seek: number; played: number[]; stats: { shown: number; dropped: number } }> {
  const frames = framesOf(id);
  clearFrameCache();
  const shown: number[] = [];
  let notify: (() => void) | null = null;
  const player = createPlayer({
    frames,
    fps: 30,
    onFrame: (_bitmap, index) => {
      shown.push(index);
      notify?.();
    },
  });
  const next = () => new Promise<void>((r) => (notify = r));
  const steps: number[] = [];
  for (const n of [1, 1, 5, -2, -1]) {
    const arrived = next();
    player.step(n);
    await arrived;
    steps.push(player.frame);
  }
  const arrived = next();
  player.seek(100);
  await arrived;
  const seek = shown[shown.length - 1]!;
  const before = shown.length;
  player.play();
  await new Promise((r) => setTimeout(r, 1000));
  player.pause();
  const played = shown.slice(before);
  const stats = player.stats;
  player.destroy();
  return { steps, seek, played, stats };
}

const api = {
  adopt,
  playerScript,
  frames: (id: string) => framesOf(id),
  ingest,
  ingestError,
  imageTask,
  compare,
  createTask,
  seeks,
  play,
  stepThrough,
  configure: (options: FrameCacheOptions) => configureFrameCache(options),
  cacheStats: () => frameCacheStats(),
  frameCount: (id: string) => framesOf(id).length,
  frameMeta: (id: string, i: number) => framesOf(id)[i],
};

export type VideoPageApi = typeof api;

(window as unknown as { loupeVideo: VideoPageApi }).loupeVideo = api;
