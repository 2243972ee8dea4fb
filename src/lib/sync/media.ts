/**
 * Media sharing with the sync server (`/api/workspaces/:ws/blobs/:sha256`, see
 * sync-server/API.md): a background queue that uploads the workspace's blobs from this device,
 * resumably and one at a time, and downloads of blobs another device uploaded.
 *
 * An upload asks the server how much it already holds (HEAD → `Upload-Offset`) and sends the
 * rest in chunks with `Content-Range`, so a lost connection costs one chunk at most. Blobs
 * known to be on the server are remembered per workspace in localStorage.
 */
import { sniffImageType } from '../media/imageType';

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
  /** Bytes sent of the blob being uploaded, and its size. */
  current: { sha256: string; sent: number; size: number } | null;
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

/** Downloads a blob another device uploaded; undefined when the server does not have it. */
export async function downloadBlob(options: BlobServerOptions, sha256: string): Promise<Blob | undefined> {
  const response = await send(options, blobUrl(options, sha256), { headers: headers(options) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw await refusal(response);
  const bytes = await response.blob();
  const mime =
    sniffImageType(new Uint8Array(await bytes.slice(0, 16).arrayBuffer())) ?? 'application/octet-stream';
  return new Blob([bytes], { type: mime });
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
  /** The local bytes of a blob, or undefined when this device does not hold it. */
  source: (sha256: string) => Promise<Blob | undefined>;
  chunkBytes?: number;
}

type Listener = (progress: UploadProgress) => void;

/**
 * Uploads blobs in the background, one at a time, in the order they were queued. Network
 * failures retry with backoff (1 s doubling to 60 s) and at once when the device comes back
 * online; refusals are reported in `failed` and not retried.
 */
export class BlobUploadQueue {
  private readonly queue: string[] = [];
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

  /** Queues blobs not yet known to be on the server. */
  enqueue(shas: Iterable<string>): void {
    let added = false;
    for (const sha of shas) {
      if (this.uploaded.has(sha) || this.queued.has(sha)) continue;
      if (this.progress.failed.some((f) => f.sha256 === sha)) continue;
      this.queue.push(sha);
      this.queued.add(sha);
      added = true;
    }
    if (!added) return;
    this.update({ queued: this.queue.length });
    void this.run();
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

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.stopped && this.queue.length > 0) {
        const sha = this.queue[0]!;
        const blob = await this.options.source(sha);
        if (!blob) {
          // Not on this device (another device added it): nothing to upload from here.
          this.dequeue();
          continue;
        }
        try {
          this.update({ current: { sha256: sha, sent: 0, size: blob.size } });
          await uploadBlob(
            this.options,
            sha,
            blob,
            (sent) => this.update({ current: { sha256: sha, sent, size: blob.size } }),
            this.options.chunkBytes,
          );
          this.uploaded.add(sha);
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
              failed: [...this.progress.failed, { sha256: sha, reason: failure.message }],
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
    const sha = this.queue.shift();
    if (sha !== undefined) this.queued.delete(sha);
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
