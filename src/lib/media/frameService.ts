/**
 * The frame service: decoded frames for the job view, for image and video tasks alike.
 *
 * - `getFrame(frames, i)` returns frame i as an ImageBitmap. Images are decoded from their stored
 *   blob with `decodeImageBlob` (EXIF orientation applied; TIFF and Netpbm too); video frames are decoded frame-exactly with WebCodecs in the
 *   media worker, from the original file.
 * - Decoded frames live in one LRU bounded by bytes (width × height × 4 each; see
 *   `configureFrameCache`). A bitmap stays valid while it is in the cache: draw it when you get it
 *   and ask again later rather than keeping it.
 * - Every call prefetches a few frames in the direction of travel (ahead while playing or stepping
 *   forward, behind while stepping back), at most half the cache.
 * - `createPlayer` plays at a chosen rate on top of this, dropping frames when decoding is late.
 */
import * as Comlink from 'comlink';
import type { FrameMeta } from '$lib/core/types';
import { getMediaWorker } from '$lib/workers/media';
import { decodeImageBlob } from './ingest/decodeImage';
import { ByteLru } from './video/byteLru';
import { PlaybackClock, playbackStep, prefetchCount, prefetchWindow, type Direction } from './video/playback';
import { resolveSource } from './video/sources';

export type { Direction } from './video/playback';

export class MissingMediaError extends Error {
  override readonly name = 'MissingMediaError';
}

export interface FrameCacheOptions {
  /** Bound on decoded bytes (RGBA) held by the cache. Default 512 MiB. */
  maxBytes?: number;
  /** Most video frames decoded ahead (or behind). Default 24. */
  videoPrefetch?: number;
  /** Most images decoded ahead (or behind). Default 6. */
  imagePrefetch?: number;
}

export interface GetFrameOptions {
  /** Direction of travel for prefetching; inferred from the previous call when left out. */
  direction?: Direction;
  /** Set false to decode only this frame. */
  prefetch?: boolean;
}

interface Slot {
  promise: Promise<ImageBitmap>;
  bitmap: ImageBitmap | null;
  settled: boolean;
  /** Someone awaits this frame (not only a prefetch). */
  awaited: boolean;
  /** Fell out of the cache while pending: close the bitmap on arrival unless awaited. */
  evicted: boolean;
  resolve(bitmap: ImageBitmap): void;
  reject(error: Error): void;
}

const settings = { maxBytes: 512 * 1024 * 1024, videoPrefetch: 24, imagePrefetch: 6 };

const cache = new ByteLru<Slot>({
  maxBytes: settings.maxBytes,
  onEvict: (_key, slot) => {
    slot.evicted = true;
    if (slot.settled) {
      slot.bitmap?.close();
      slot.bitmap = null;
    }
  },
});

/** Changes the cache bound and prefetch depths; shrinking evicts at once. */
export function configureFrameCache(options: FrameCacheOptions): void {
  if (options.videoPrefetch !== undefined) settings.videoPrefetch = Math.max(0, options.videoPrefetch);
  if (options.imagePrefetch !== undefined) settings.imagePrefetch = Math.max(0, options.imagePrefetch);
  if (options.maxBytes !== undefined) {
    settings.maxBytes = options.maxBytes;
    cache.resize(options.maxBytes);
  }
}

export interface FrameCacheStats {
  bytes: number;
  maxBytes: number;
  entries: number;
}

export function frameCacheStats(): FrameCacheStats {
  return { bytes: cache.bytes, maxBytes: cache.maxBytes, entries: cache.size };
}

/** Drops every decoded frame (closing the bitmaps). */
export function clearFrameCache(): void {
  cache.clear();
}

const isVideo = (meta: FrameMeta) => meta.timestamp !== undefined;
const slotKey = (meta: FrameMeta) =>
  isVideo(meta) ? `${meta.blob}@${Math.round(meta.timestamp!)}` : meta.blob;
const frameBytes = (meta: FrameMeta) => Math.max(1, meta.width * meta.height * 4);

function newSlot(awaited: boolean): Slot {
  let resolve!: (b: ImageBitmap) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<ImageBitmap>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Prefetched frames may fail without anybody listening.
  promise.catch(() => {});
  const slot: Slot = {
    promise,
    bitmap: null,
    settled: false,
    awaited,
    evicted: false,
    resolve: (bitmap) => {
      if (slot.settled) {
        bitmap.close();
        return;
      }
      slot.settled = true;
      if (slot.evicted && !slot.awaited) {
        bitmap.close();
      } else {
        slot.bitmap = slot.evicted ? null : bitmap;
      }
      resolve(bitmap);
    },
    reject: (error) => {
      if (slot.settled) return;
      slot.settled = true;
      reject(error);
    },
  };
  return slot;
}

/** True when frame i is decoded and in the cache (a draw can happen now). */
export function isFrameReady(frames: readonly FrameMeta[], i: number): boolean {
  const meta = frames[i];
  if (!meta) return false;
  const slot = cache.peek(slotKey(meta));
  return !!slot && slot.settled && slot.bitmap !== null;
}

const lastIndex = new WeakMap<readonly FrameMeta[], number>();

/**
 * Frame i of a task, decoded. Resolves with an ImageBitmap owned by the cache; it stays valid
 * while the frame is cached, so draw it right away. Prefetches around it (see module comment).
 */
export function getFrame(
  frames: readonly FrameMeta[],
  i: number,
  options: GetFrameOptions = {},
): Promise<ImageBitmap> {
  const meta = frames[i];
  if (!meta) return Promise.reject(new RangeError(`frame ${i} is out of range (0..${frames.length - 1})`));
  const previous = lastIndex.get(frames);
  lastIndex.set(frames, i);
  const direction: Direction = options.direction ?? (previous !== undefined && i < previous ? -1 : 1);
  const key = slotKey(meta);
  let slot = cache.get(key);
  if (slot) {
    slot.awaited = true;
  } else {
    slot = newSlot(true);
    cache.set(key, slot, frameBytes(meta));
    slot.promise.catch(() => {
      if (cache.peek(key) === slot) cache.take(key);
    });
  }
  const wanted = slot.settled ? [] : [meta];
  const ahead =
    options.prefetch === false
      ? []
      : prefetchWindow(
          i,
          direction,
          prefetchCount(
            frameBytes(meta),
            cache.maxBytes,
            isVideo(meta) ? settings.videoPrefetch : settings.imagePrefetch,
          ),
          frames.length,
        ).map((k) => frames[k]!);
  if (isVideo(meta)) requestVideo(meta, wanted, ahead);
  else requestImages(wanted, ahead);
  return slot.promise;
}

/** The decoded image of one frame (image or video); the same cache as `getFrame`, without prefetching. */
export function frameImage(meta: FrameMeta): Promise<ImageBitmap> {
  return getFrame([meta], 0, { prefetch: false });
}

// ---------------------------------------------------------------------------------------------
// Images: decoded on the main thread's image decoder (off-thread in Chromium), two at a time.

const IMAGE_CONCURRENCY = 2;
let imagesActive = 0;
let imageQueue: FrameMeta[] = [];

function requestImages(wanted: FrameMeta[], ahead: FrameMeta[]): void {
  for (const meta of wanted) void decodeImageInto(meta);
  // The newest prefetch wish replaces older ones: frames the user moved away from are not decoded.
  imageQueue = ahead.filter((m) => !cache.has(slotKey(m)));
  pumpImages();
}

function pumpImages(): void {
  while (imagesActive < IMAGE_CONCURRENCY && imageQueue.length > 0) {
    const meta = imageQueue.shift()!;
    const key = slotKey(meta);
    if (cache.has(key)) continue;
    const slot = newSlot(false);
    cache.set(key, slot, frameBytes(meta));
    slot.promise.catch(() => {
      if (cache.peek(key) === slot) cache.take(key);
    });
    void decodeImageInto(meta);
  }
}

async function decodeImageInto(meta: FrameMeta): Promise<void> {
  const slot = cache.peek(slotKey(meta));
  if (!slot || slot.settled) return;
  imagesActive++;
  try {
    slot.resolve(await decodeImage(meta));
  } catch (error) {
    slot.reject(error instanceof Error ? error : new Error(String(error)));
  } finally {
    imagesActive--;
    pumpImages();
  }
}

async function decodeImage(meta: FrameMeta): Promise<ImageBitmap> {
  const blob = await resolveSource(meta.blob);
  if (!blob) {
    throw new MissingMediaError(
      `The image "${meta.name}" is not stored on this device. Download the task's media again or re-create the task from the files.`,
    );
  }
  try {
    return await decodeImageBlob(blob, meta.mime);
  } catch {
    throw new MissingMediaError(`The image "${meta.name}" is corrupt and could not be decoded.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Video: one decode request in flight per video, in the media worker; prefetch requests wait.

interface Batch {
  id: number;
  slots: Map<string, Slot>;
  awaited(): boolean;
}

interface Channel {
  key: string;
  name: string;
  inflight: Batch | null;
  /** Frames waiting for the request in flight to finish. */
  queued: Map<string, FrameMeta>;
}

const channels = new Map<string, Channel>();
let batchIds = 0;

function channelFor(meta: FrameMeta): Channel {
  let channel = channels.get(meta.blob);
  if (!channel) {
    channel = {
      key: meta.blob,
      name: meta.name.replace(/\/frame_\d+$/, ''),
      inflight: null,
      queued: new Map(),
    };
    channels.set(meta.blob, channel);
  }
  return channel;
}

function requestVideo(target: FrameMeta, wanted: FrameMeta[], ahead: FrameMeta[]): void {
  const channel = channelFor(target);
  const missing = ahead.filter((m) => !cache.has(slotKey(m)) && !channel.queued.has(slotKey(m)));
  // Top the window up in chunks (half a window at a time) rather than one frame per call.
  const topUp = missing.length > 0 && (wanted.length > 0 || missing.length * 2 >= ahead.length);
  if (wanted.length === 0 && !topUp) return;
  const inflight = channel.inflight;
  if (wanted.length > 0 && inflight && !inflight.slots.has(slotKey(target)) && !inflight.awaited()) {
    // A jump away from what is being prefetched: stop that and decode the wanted frame first.
    cancelBatch(inflight);
    channel.inflight = null;
    channel.queued.clear();
  }
  if (wanted.length > 0 || topUp) {
    for (const m of [...wanted, ...(topUp ? missing : [])]) channel.queued.set(slotKey(m), m);
  }
  pumpVideo(channel);
}

function cancelBatch(batch: Batch): void {
  void getMediaWorker().cancelDecode(batch.id);
  for (const [key, slot] of batch.slots) {
    if (slot.settled) continue;
    if (cache.peek(key) === slot) cache.take(key);
    slot.reject(new DOMException('prefetch cancelled', 'AbortError'));
  }
}

function pumpVideo(channel: Channel): void {
  if (channel.inflight || channel.queued.size === 0) return;
  const metas = [...channel.queued.values()];
  channel.queued.clear();
  const slots = new Map<string, Slot>();
  for (const meta of metas) {
    const key = slotKey(meta);
    let slot = cache.peek(key);
    if (slot && slot.settled) continue;
    if (!slot) {
      slot = newSlot(false);
      cache.set(key, slot, frameBytes(meta));
      const s = slot;
      slot.promise.catch(() => {
        if (cache.peek(key) === s) cache.take(key);
      });
    }
    slots.set(key, slot);
  }
  if (slots.size === 0) return;
  const batch: Batch = {
    id: ++batchIds,
    slots,
    awaited: () => [...slots.values()].some((s) => s.awaited && !s.settled),
  };
  channel.inflight = batch;
  const timestamps = metas
    .map((m) => Math.round(m.timestamp!))
    .filter((t) => slots.has(`${channel.key}@${t}`));
  void runBatch(channel, batch, timestamps).finally(() => {
    if (channel.inflight === batch) channel.inflight = null;
    pumpVideo(channel);
  });
}

async function runBatch(channel: Channel, batch: Batch, timestamps: number[]): Promise<void> {
  try {
    const blob = await resolveSource(channel.key);
    if (!blob) {
      throw new MissingMediaError(
        `The video "${channel.name}" is not stored on this device. Add the video file to the task again.`,
      );
    }
    await getMediaWorker().decodeVideoFrames(
      channel.key,
      blob,
      channel.name,
      timestamps,
      batch.id,
      Comlink.proxy((t: number, bitmap: ImageBitmap) => {
        const slot = batch.slots.get(`${channel.key}@${t}`);
        if (slot && !slot.settled) slot.resolve(bitmap);
        else bitmap.close();
      }),
    );
    for (const slot of batch.slots.values()) {
      if (!slot.settled) slot.reject(new DOMException('frame decoding stopped', 'AbortError'));
    }
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    for (const slot of batch.slots.values()) slot.reject(err);
  }
}

// ---------------------------------------------------------------------------------------------
// Player

export interface PlayerOptions {
  frames: readonly FrameMeta[];
  /** Playback rate in frames per second (task frames, so a frame step is already applied). */
  fps: number;
  /** Called with each frame to show, with its timing while playing. */
  onFrame: (bitmap: ImageBitmap, index: number, timing: FrameTiming) => void;
  /** Frame shown first (default 0). Call `seek` to show it. */
  start?: number;
  onStateChange?: (state: { playing: boolean; frame: number }) => void;
  onError?: (error: Error) => void;
}

export interface FrameTiming {
  /**
   * From the first playback tick at which a new frame was due to the moment this frame's bitmap
   * was in hand: about 0 when prefetching kept up, the decode wait when it did not. 0 when paused.
   */
  waitMs: number;
  /**
   * From the frame's due time on the clock to its delivery; includes waiting for the next
   * animation frame (up to one display refresh), so it is at least the display's granularity.
   */
  lateMs: number;
}

export interface PlayerStats {
  shown: number;
  dropped: number;
}

export interface Player {
  play(): void;
  pause(): void;
  toggle(): void;
  /** Pauses and moves by n frames (negative: backwards). */
  step(n: number): void;
  /** Shows frame i; playback, if running, continues from there. */
  seek(i: number): void;
  readonly frame: number;
  readonly playing: boolean;
  fps: number;
  readonly stats: PlayerStats;
  destroy(): void;
}

export function createPlayer(options: PlayerOptions): Player {
  const { frames, onFrame } = options;
  const total = frames.length;
  const clock = new PlaybackClock(options.fps);
  const stats: PlayerStats = { shown: 0, dropped: 0 };
  let shown = -1;
  let current = clamp(options.start ?? 0);
  let playing = false;
  let token = 0;
  let pending = -1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let raf: number | null = null;
  let destroyed = false;
  /** performance.now() of the first tick since the last shown frame at which a new frame was due. */
  let dueSince = -1;

  function clamp(i: number): number {
    return Math.max(0, Math.min(total - 1, Math.round(i)));
  }

  function notify(): void {
    options.onStateChange?.({ playing, frame: current });
  }

  function fail(error: unknown): void {
    if (error instanceof DOMException && error.name === 'AbortError') return;
    options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }

  function show(i: number, direction: Direction): void {
    const mine = ++token;
    current = i;
    getFrame(frames, i, { direction }).then((bitmap) => {
      if (mine !== token || destroyed) return;
      shown = i;
      stats.shown++;
      onFrame(bitmap, i, { waitMs: 0, lateMs: 0 });
      notify();
    }, fail);
  }

  function schedule(): void {
    if (!playing || destroyed) return;
    if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) {
      raf = requestAnimationFrame(tick);
    } else {
      timer = setTimeout(tick, Math.max(1, 500 / clock.fps));
    }
  }

  function tick(): void {
    raf = null;
    timer = null;
    if (!playing || destroyed) return;
    const now = performance.now();
    const due = clock.frameAt(now);
    const next = playbackStep(shown, due, total);
    if (next && dueSince < 0) dueSince = now;
    if (next) {
      // Show the newest frame that is already decoded up to the due one; ask for the due one.
      let ready = -1;
      for (let k = next.frame; k > shown; k--) {
        if (isFrameReady(frames, k)) {
          ready = k;
          break;
        }
      }
      if (ready >= 0) {
        const mine = ++token;
        void getFrame(frames, ready, { direction: 1 }).then((bitmap) => {
          if (mine !== token || destroyed || !playing) return;
          const at = performance.now();
          const waitMs = dueSince >= 0 ? Math.max(0, at - dueSince) : 0;
          dueSince = -1;
          stats.dropped += Math.max(0, ready - shown - 1);
          shown = ready;
          current = ready;
          stats.shown++;
          onFrame(bitmap, ready, { waitMs, lateMs: Math.max(0, at - clock.dueAt(ready)) });
          notify();
          if (ready === total - 1) pause();
        }, fail);
      } else if (pending !== next.frame) {
        pending = next.frame;
        getFrame(frames, next.frame, { direction: 1 }).catch(fail);
      }
    }
    schedule();
  }

  function cancelTimers(): void {
    if (raf !== null) cancelAnimationFrame(raf);
    if (timer !== null) clearTimeout(timer);
    raf = null;
    timer = null;
  }

  function play(): void {
    if (playing || destroyed || total === 0) return;
    if (current >= total - 1) current = 0;
    playing = true;
    // The clock starts at the frame on screen, so the next one is due one frame period from now.
    shown = current;
    clock.start(current, performance.now());
    pending = -1;
    dueSince = -1;
    notify();
    getFrame(frames, Math.min(total - 1, current + 1), { direction: 1 }).catch(fail);
    schedule();
  }

  function pause(): void {
    if (!playing) return;
    playing = false;
    cancelTimers();
    notify();
  }

  return {
    play,
    pause,
    toggle: () => (playing ? pause() : play()),
    step(n: number) {
      pause();
      if (total === 0) return;
      show(clamp(current + n), n < 0 ? -1 : 1);
    },
    seek(i: number) {
      if (total === 0) return;
      const target = clamp(i);
      if (playing) {
        ++token;
        shown = target - 1;
        current = target;
        clock.start(target, performance.now());
        pending = -1;
        dueSince = -1;
        show(target, 1);
      } else {
        show(target, target < current ? -1 : 1);
      }
    },
    get frame() {
      return current;
    },
    get playing() {
      return playing;
    },
    get fps() {
      return clock.fps;
    },
    set fps(value: number) {
      clock.setFps(value, performance.now());
    },
    get stats() {
      return { ...stats };
    },
    destroy() {
      pause();
      destroyed = true;
      ++token;
    },
  };
}
