/**
 * Media sharing with the sync server (`/api/workspaces/:ws/blobs/:sha256`, see
 * sync-server/API.md): a background queue that uploads the workspace's blobs from this device,
 * resumably and one at a time, and downloads of blobs another device uploaded.
 *
 * An upload asks the server how much it already holds (HEAD → `Upload-Offset`) and sends the
 * rest in chunks with `Content-Range`, so a lost connection costs one chunk at most. Blobs
 * known to be on the server are remembered per workspace in localStorage.
 *
 * Videos are keyed on this side by a content key (a digest of their size, edges and sample
 * table, so that ingest never reads a whole file), which the server cannot check. The queue
 * hashes a video's bytes once (`streamSha256`, in slices), uploads it under that SHA-256 and
 * records content key → SHA-256 in the `files` of the task's media chunks, so other devices
 * know what to download (`sharedMediaSource`).
 */
import type { RxCollection } from 'rxdb';
import { now } from '../core/ids';
import { sniffImageType } from '../media/imageType';
import type { MediaChunkDoc } from '../store/documents';
import type { RemoteBlobSource } from '../store/blobs';

export interface BlobServerOptions {
  workspaceId: string;
  /** The server's origin; the app's own origin by default. */
  serverUrl?: string;
  token: () => string | null;
  fetch?: typeof fetch;
}

export interface UploadProgress {
  /** Blobs waiting or uploading. */
  queued: number;
  /** Blobs this queue put on the server (or found there) since it started. */
  done: number;
  /**
   * Bytes sent of the blob being uploaded (its key: the SHA-256, or a video's content key), and
   * its size. While `hashing`, `sent` counts the bytes of a video hashed before its upload.
   */
  current: { sha256: string; sent: number; size: number; hashing?: boolean } | null;
  /** Blobs the server would not take, with the reason (a hash mismatch, a size limit, a role). */
  failed: { sha256: string; reason: string }[];
  /** Why the queue waits, if it does (offline, not allowed). */
  message: string | null;
}

export class BlobTransferError extends Error {
  override readonly name = 'BlobTransferError';
  constructor(
    message: string,
    readonly status: number,
    /** Retrying later may work (network, server busy), as opposed to a refusal. */
    readonly retry: boolean,
  ) {
    super(message);
  }
}

const CHUNK_BYTES = 4 * 1024 * 1024;

function blobUrl(options: BlobServerOptions, sha256: string): string {
  const base = (options.serverUrl ?? globalThis.location?.origin ?? '').replace(/\/$/, '');
  return `${base}/api/workspaces/${encodeURIComponent(options.workspaceId)}/blobs/${sha256}`;
}

function headers(options: BlobServerOptions, extra: Record<string, string> = {}): Headers {
  const h = new Headers(extra);
  const token = options.token();
  if (token) h.set('authorization', `Bearer ${token}`);
  return h;
}

async function send(options: BlobServerOptions, url: string, init: RequestInit): Promise<Response> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, i?: RequestInit) => fetch(input, i));
  try {
    return await doFetch(url, init);
  } catch (error) {
    throw new BlobTransferError(`The sync server cannot be reached (${String(error)}).`, 0, true);
  }
}

async function refusal(response: Response): Promise<BlobTransferError> {
  let reason = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { reason?: unknown };
    if (typeof body.reason === 'string') reason = body.reason;
  } catch {
    // no JSON body
  }
  const retry = response.status >= 500 || response.status === 429;
  return new BlobTransferError(reason, response.status, retry);
}

const HASH_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * SHA-256 (hex) of a blob of any size, read in slices: memory holds two slices at a time, and
 * the next slice is read while the current one is hashed. Run it in a worker for large files.
 */
export async function streamSha256(
  blob: Blob,
  onProgress?: (hashed: number) => void,
  chunkBytes = HASH_CHUNK_BYTES,
): Promise<string> {
  // Loaded on first use, so that a bundle which imports this module but never hashes stays small.
  const { createSHA256 } = await import('hash-wasm');
  const hasher = await createSHA256();
  hasher.init();
  const read = (start: number) => blob.slice(start, Math.min(blob.size, start + chunkBytes)).arrayBuffer();
  let offset = 0;
  let next = blob.size > 0 ? read(0) : null;
  while (next) {
    const bytes = new Uint8Array(await next);
    offset += bytes.byteLength;
    next = offset < blob.size ? read(offset) : null;
    hasher.update(bytes);
    onProgress?.(offset);
  }
  return hasher.digest('hex');
}

export interface DownloadOptions {
  /** The media type of the result; sniffed from image signatures otherwise. */
  mime?: string;
  /** Bytes received so far and the size (0 when the server did not say). */
  onProgress?: (received: number, total: number) => void;
}

/** Received bytes are gathered into Blob parts of this size (the browser may keep those on disk). */
const PART_BYTES = 16 * 1024 * 1024;
const PROGRESS_EVERY = 1024 * 1024;
const DOWNLOAD_ATTEMPTS = 4;

/**
 * Downloads a blob another device uploaded; undefined when the server does not have it. With
 * `onProgress` the body is read as a stream and progress reported about every MiB; a connection
 * lost half-way resumes with a `Range` request from the bytes already received.
 */
export async function downloadBlob(
  options: BlobServerOptions,
  sha256: string,
  download: DownloadOptions = {},
): Promise<Blob | undefined> {
  const url = blobUrl(options, sha256);
  const response = await send(options, url, { headers: headers(options) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw await refusal(response);
  const bytes =
    download.onProgress && response.body
      ? await readStreaming(options, url, response, download.onProgress)
      : await response.blob();
  const mime =
    download.mime ??
    sniffImageType(new Uint8Array(await bytes.slice(0, 16).arrayBuffer())) ??
    'application/octet-stream';
  return new Blob([bytes], { type: mime });
}

async function readStreaming(
  options: BlobServerOptions,
  url: string,
  first: Response,
  onProgress: (received: number, total: number) => void,
): Promise<Blob> {
  const total = Number(first.headers.get('content-length') ?? '0') || 0;
  const parts: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let received = 0;
  let reported = 0;
  let response = first;
  onProgress(0, total);
  for (let attempt = 1; ; attempt++) {
    try {
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending.push(value);
        pendingBytes += value.byteLength;
        received += value.byteLength;
        if (pendingBytes >= PART_BYTES) {
          parts.push(new Blob(pending as BlobPart[]));
          pending = [];
          pendingBytes = 0;
        }
        if (received - reported >= PROGRESS_EVERY) {
          reported = received;
          onProgress(received, total);
        }
      }
      break;
    } catch (error) {
      if (attempt >= DOWNLOAD_ATTEMPTS || total === 0) {
        throw new BlobTransferError(`The download was cut off (${String(error)}).`, 0, true);
      }
      // Continue from what arrived: the server answers Range requests.
      response = await send(options, url, { headers: headers(options, { range: `bytes=${received}-` }) });
      if (response.status !== 206 || !response.body) throw await refusal(response);
    }
  }
  if (total > 0 && received !== total) {
    throw new BlobTransferError(`The download ended after ${received} of ${total} bytes.`, 0, true);
  }
  onProgress(received, total);
  return new Blob([...parts, ...(pending as BlobPart[])]);
}

/**
 * Uploads one blob, resuming where an earlier attempt stopped. `onProgress` gets the bytes the
 * server holds after each chunk.
 */
export async function uploadBlob(
  options: BlobServerOptions,
  sha256: string,
  blob: Blob,
  onProgress: (sent: number) => void = () => undefined,
  chunkBytes = CHUNK_BYTES,
): Promise<void> {
  const url = blobUrl(options, sha256);
  const head = await send(options, url, { method: 'HEAD', headers: headers(options) });
  if (head.ok) return onProgress(blob.size);
  if (head.status !== 404) throw await refusal(head);
  let offset = Number(head.headers.get('upload-offset') ?? '0') || 0;
  if (offset > blob.size) offset = 0;
  onProgress(offset);
  for (;;) {
    const end = Math.min(blob.size, offset + chunkBytes);
    const ranged = blob.size > 0;
    const response = await send(options, url, {
      method: 'PUT',
      headers: headers(options, {
        'content-type': 'application/octet-stream',
        ...(ranged ? { 'content-range': `bytes ${offset}-${end - 1}/${blob.size}` } : {}),
      }),
      body: blob.slice(offset, end),
    });
    if (response.status === 409) {
      // The server holds a different amount than we thought: continue from its offset.
      offset = Number(response.headers.get('upload-offset') ?? '0') || 0;
      continue;
    }
    if (response.status === 200 || response.status === 201) return onProgress(blob.size);
    if (response.status !== 202) throw await refusal(response);
    offset = end;
    onProgress(offset);
  }
}

export interface UploadQueueOptions extends BlobServerOptions {
  /** The local bytes of a blob (or video), or undefined when this device does not hold it. */
  source: (key: string) => Promise<Blob | undefined>;
  chunkBytes?: number;
  /**
   * The SHA-256 of a video's bytes (queued by content key), computed off the main thread. Asked
   * at most once per content key on this device: the answer is remembered.
   */
  hashVideo?: (key: string, blob: Blob, onProgress: (hashed: number) => void) => Promise<string>;
  /** Publishes content key → SHA-256 once the video is on the server (the media documents). */
  videoShared?: (key: string, sha256: string) => Promise<void>;
}

type Listener = (progress: UploadProgress) => void;

interface Item {
  key: string;
  video: boolean;
}

/**
 * Uploads blobs in the background, one at a time, in the order they were queued. Network
 * failures retry with backoff (1 s doubling to 60 s) and at once when the device comes back
 * online; refusals are reported in `failed` and not retried.
 */
export class BlobUploadQueue {
  private readonly queue: Item[] = [];
  private readonly queued = new Set<string>();
  private readonly uploaded: Set<string>;
  private readonly listeners = new Set<Listener>();
  private progress: UploadProgress = { queued: 0, done: 0, current: null, failed: [], message: null };
  private running = false;
  private stopped = false;
  private retryMs = 1000;
  private wake: (() => void) | null = null;
  private readonly onOnline = () => this.wake?.();

  constructor(private readonly options: UploadQueueOptions) {
    this.uploaded = new Set(loadUploaded(options.workspaceId));
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
  }

  /** Queues blobs (named by SHA-256) not yet known to be on the server. */
  enqueue(shas: Iterable<string>): void {
    this.add(shas, false);
  }

  /**
   * Queues videos by content key: each is hashed (once per device), uploaded under its SHA-256,
   * and then published with `videoShared`.
   */
  enqueueVideos(keys: Iterable<string>): void {
    this.add(keys, true);
  }

  private add(keys: Iterable<string>, video: boolean): void {
    let added = false;
    for (const key of keys) {
      if (this.uploaded.has(key) || this.queued.has(key)) continue;
      if (this.progress.failed.some((f) => f.sha256 === key)) continue;
      this.queue.push({ key, video });
      this.queued.add(key);
      added = true;
    }
    if (!added) return;
    this.update({ queued: this.queue.length });
    void this.run();
  }

  /** Whether this queue knows `key` (a SHA-256 or a video's content key) to be on the server. */
  isUploaded(key: string): boolean {
    return this.uploaded.has(key);
  }

  /** Resolves once the queue is empty (or stopped). */
  async idle(): Promise<void> {
    while (!this.stopped && (this.running || this.queue.length > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  status(): UploadProgress {
    return this.progress;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.progress);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    if (this.saveTimer !== null) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      saveUploaded(this.options.workspaceId, this.uploaded);
    }
    this.wake?.();
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    this.listeners.clear();
  }

  private update(patch: Partial<UploadProgress>): void {
    this.progress = { ...this.progress, ...patch };
    for (const listener of this.listeners) listener(this.progress);
  }

  /** The SHA-256 to upload `item` under: its key, or a video's remembered or computed hash. */
  private async hashOf(item: Item, blob: Blob): Promise<string> {
    if (!item.video) return item.key;
    return (
      knownVideoHash(item.key) ??
      exclusive(`loupe.sync.hash.${item.key}`, async () => {
        // Another tab may have finished hashing it while this one waited for the lock.
        const known = knownVideoHash(item.key);
        if (known) return known;
        const sha = await this.hashVideo(item.key, blob);
        rememberVideoHash(item.key, sha);
        return sha;
      })
    );
  }

  private async hashVideo(key: string, blob: Blob): Promise<string> {
    const hashVideo = this.options.hashVideo;
    if (!hashVideo) throw new BlobTransferError('This device cannot hash videos for sharing.', 0, false);
    const current = (sent: number) => ({ sha256: key, sent, size: blob.size, hashing: true });
    this.update({ current: current(0) });
    try {
      return await hashVideo(key, blob, (hashed) => this.update({ current: current(hashed) }));
    } catch (error) {
      throw new BlobTransferError(
        `The video could not be read on this device to share it (${error instanceof Error ? error.message : String(error)}).`,
        0,
        false,
      );
    }
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.stopped && this.queue.length > 0) {
        const item = this.queue[0]!;
        const key = item.key;
        const blob = await this.options.source(key);
        if (!blob) {
          // Not on this device (another device added it): nothing to upload from here.
          this.dequeue();
          continue;
        }
        try {
          const sha = await this.hashOf(item, blob);
          if (this.stopped) return;
          this.update({ current: { sha256: key, sent: 0, size: blob.size } });
          await uploadBlob(
            this.options,
            sha,
            blob,
            (sent) => this.update({ current: { sha256: key, sent, size: blob.size } }),
            this.options.chunkBytes,
          );
          if (item.video) await this.options.videoShared?.(key, sha);
          this.uploaded.add(key);
          this.saveSoon();
          this.dequeue();
          this.retryMs = 1000;
          this.update({ done: this.progress.done + 1, current: null, message: null });
        } catch (error) {
          const failure =
            error instanceof BlobTransferError ? error : new BlobTransferError(String(error), 0, true);
          if (failure.status === 401 || failure.status === 403) {
            // Not allowed (signed out, or a role that does not upload): stop until restarted.
            this.update({ current: null, message: failure.message });
            return;
          }
          if (!failure.retry) {
            this.dequeue();
            this.update({
              current: null,
              failed: [...this.progress.failed, { sha256: key, reason: failure.message }],
            });
            continue;
          }
          this.update({ current: null, message: `Media upload waits: ${failure.message}` });
          await this.sleep(this.retryMs);
          this.retryMs = Math.min(60_000, this.retryMs * 2);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private saveTimer: ReturnType<typeof setTimeout> | null = null;

  /** Saves the uploaded set at most every 2 s: rewriting it per blob would be quadratic. */
  private saveSoon(): void {
    if (this.saveTimer !== null) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      saveUploaded(this.options.workspaceId, this.uploaded);
    }, 2000);
  }

  private dequeue(): void {
    const item = this.queue.shift();
    if (item !== undefined) this.queued.delete(item.key);
    this.update({ queued: this.queue.length });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Videos: content key → SHA-256

/** Content key → SHA-256 of the videos this device hashed; content keys mean the same anywhere. */
const VIDEO_HASHES_KEY = 'loupe.sync.videoSha256';
/** Where localStorage is missing (Node), the memo lives for the process. */
const videoHashesInMemory = new Map<string, string>();

/** Read afresh each time: another tab of this device may have hashed a video meanwhile. */
function videoHashMemo(): Map<string, string> {
  if (typeof localStorage === 'undefined') return videoHashesInMemory;
  const memo = new Map<string, string>();
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(VIDEO_HASHES_KEY) ?? '{}');
    if (parsed && typeof parsed === 'object') {
      for (const [key, sha] of Object.entries(parsed as Record<string, unknown>)) {
        if (typeof sha === 'string' && SHA256_HEX.test(sha)) memo.set(key, sha);
      }
    }
  } catch {
    // unreadable: hash again
  }
  return memo;
}

/** The SHA-256 this device computed for a video content key, if it did. */
export function knownVideoHash(key: string): string | undefined {
  return videoHashMemo().get(key);
}

/** Remembers a video's SHA-256 on this device, so it is never hashed twice. */
export function rememberVideoHash(key: string, sha256: string): void {
  const memo = videoHashMemo();
  memo.set(key, sha256);
  if (typeof localStorage !== 'undefined') {
    localStorage.setItem(VIDEO_HASHES_KEY, JSON.stringify(Object.fromEntries(memo)));
  }
}

/**
 * Runs `work` holding a lock of this device (Web Locks), so that two tabs of one workspace do
 * not hash the same video at the same time; runs it directly where locks are missing.
 */
function exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? locks.request(name, work) : work();
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

type MediaCollection = RxCollection<MediaChunkDoc>;
type FrameRef = { blob: string; mime: string };

/**
 * Records that the video `key` is on the server as `sha256`: in `files` of every media chunk
 * whose frames show it (a task's video spans chunks). Returns how many chunks were written.
 */
export async function recordSharedVideo(
  media: MediaCollection,
  key: string,
  sha256: string,
): Promise<number> {
  let written = 0;
  for (const doc of await media.find().exec()) {
    const data = doc.toJSON();
    if (data.files?.[key] === sha256) continue;
    if (!(data.frames as readonly FrameRef[]).some((f) => f.blob === key)) continue;
    await doc.incrementalModify((d) => ({ ...d, files: { ...d.files, [key]: sha256 }, updated_date: now() }));
    written += 1;
  }
  return written;
}

export interface SharedVideo {
  mime: string;
  /** The SHA-256 of its bytes on the server; undefined until the uploading device has said. */
  sha256?: string;
}

/**
 * What the workspace's media documents say about videos: which keys are videos, and the
 * SHA-256 each was shared under. Read once, then kept current from the collection's changes
 * (including those replication brings).
 */
export class SharedMediaIndex {
  private readonly videos = new Map<string, string>();
  private readonly files = new Map<string, string>();
  private scanned: Promise<void> | null = null;
  private readonly subscription: { unsubscribe(): void };

  constructor(private readonly media: MediaCollection) {
    this.subscription = media.$.subscribe((event) => {
      const doc = event.documentData as MediaChunkDoc | undefined;
      if (event.operation !== 'DELETE' && doc) this.add(doc);
    });
  }

  private add(doc: Pick<MediaChunkDoc, 'frames' | 'files'>): void {
    for (const frame of doc.frames as readonly FrameRef[]) {
      if (frame.mime.startsWith('video/') && !this.videos.has(frame.blob)) {
        this.videos.set(frame.blob, frame.mime);
      }
    }
    for (const [key, sha] of Object.entries(doc.files ?? {})) {
      if (SHA256_HEX.test(sha)) this.files.set(key, sha);
    }
  }

  /** The video stored under content key `key`, or undefined when `key` is not a video's. */
  async video(key: string): Promise<SharedVideo | undefined> {
    this.scanned ??= this.media
      .find()
      .exec()
      .then((docs) => {
        for (const doc of docs) this.add(doc.toJSON() as MediaChunkDoc);
      });
    await this.scanned;
    const mime = this.videos.get(key);
    if (mime === undefined) return undefined;
    const sha256 = this.files.get(key);
    return sha256 === undefined ? { mime } : { mime, sha256 };
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}

/** The video is in the task but not (yet) on the server. */
export class VideoNotSharedError extends Error {
  override readonly name = 'VideoNotSharedError';
  constructor() {
    super(
      'The video has not been uploaded from the device that created the task yet. Open Loupe there, signed in and online, until its media upload finishes; then open this frame again.',
    );
  }
}

/**
 * Where `getBlob` fetches media this device lacks: images by their SHA-256; videos by the
 * SHA-256 their content key maps to, downloaded as a stream with progress.
 */
export function sharedMediaSource(index: SharedMediaIndex, server: BlobServerOptions): RemoteBlobSource {
  return async (key, onProgress) => {
    const video = await index.video(key);
    if (!video) {
      const blob = await downloadBlob(server, key);
      return blob && { blob, sha256: key };
    }
    if (!video.sha256) throw new VideoNotSharedError();
    // Say at once that a video is coming: the first bytes of a large file may take a while.
    onProgress({ done: 0, total: 0, mime: video.mime });
    const blob = await downloadBlob(server, video.sha256, {
      mime: video.mime,
      onProgress: (done, total) => onProgress({ done, total, mime: video.mime }),
    });
    if (!blob) throw new VideoNotSharedError();
    return { blob, sha256: video.sha256 };
  };
}

function uploadedKey(workspaceId: string): string {
  return `loupe.sync.uploaded.${workspaceId}`;
}

function loadUploaded(workspaceId: string): string[] {
  if (typeof localStorage === 'undefined') return [];
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(uploadedKey(workspaceId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function saveUploaded(workspaceId: string, uploaded: Set<string>): void {
  if (typeof localStorage === 'undefined') return;
  localStorage.setItem(uploadedKey(workspaceId), JSON.stringify([...uploaded]));
}
