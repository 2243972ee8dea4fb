/**
 * `loupe_blobs`: one Dexie database per origin for bytes and device-local state that never
 * replicate through CouchDB: media blobs and thumbnails keyed by SHA-256, byte-bounded caches
 * (SAM embeddings, model files) and the undo/redo history of each job.
 */
import Dexie, { type Table } from 'dexie';
import type { Timestamp } from '../core/types';
import { now } from '../core/ids';
import { guardQuota } from './errors';

export interface BlobRecord {
  sha256: string;
  mime: string;
  size: number;
  data: Blob;
  created: Timestamp;
}

export interface ThumbnailRecord {
  sha256: string;
  data: Blob;
}

export interface CacheRecord {
  key: string;
  value: unknown;
  bytes: number;
  /** `Date.now()` of the last read or write, for least-recently-used eviction. */
  lastUsed: number;
}

export interface HistoryRecord {
  jobId: string;
  json: unknown;
  saved: Timestamp;
}

export class BlobDatabase extends Dexie {
  blobs!: Table<BlobRecord, string>;
  thumbnails!: Table<ThumbnailRecord, string>;
  caches!: Table<CacheRecord, string>;
  history!: Table<HistoryRecord, string>;

  constructor(name = 'loupe_blobs') {
    super(name);
    this.version(1).stores({
      blobs: 'sha256, created',
      thumbnails: 'sha256',
      caches: 'key, lastUsed',
      history: 'jobId',
    });
  }
}

let shared: BlobDatabase | undefined;

/** The origin's blob database, opened on first use. */
export function blobDatabase(): BlobDatabase {
  shared ??= new BlobDatabase();
  return shared;
}

export async function sha256Hex(data: Blob | ArrayBuffer): Promise<string> {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Stores a blob once per content and returns its SHA-256; storing the same bytes again is free. */
export async function putBlob(blob: Blob, db: BlobDatabase = blobDatabase()): Promise<string> {
  const sha256 = await sha256Hex(blob);
  if ((await db.blobs.where('sha256').equals(sha256).count()) > 0) return sha256;
  await guardQuota(() =>
    db.blobs.put({ sha256, mime: blob.type, size: blob.size, data: blob, created: now() }),
  );
  return sha256;
}

/** Bytes fetched from elsewhere, with the SHA-256 they must have. */
export interface RemoteBlob {
  blob: Blob;
  /**
   * The SHA-256 of the bytes. For images it is the key itself; a video is keyed by its content
   * key (see `videoContentKey`), and the source maps that to the hash of the file's bytes.
   */
  sha256: string;
}

/** How far a download on first view has come (bytes received, or hashed while verifying). */
export interface BlobFetchProgress {
  key: string;
  phase: 'download' | 'verify';
  done: number;
  /** 0 while the size is not known yet. */
  total: number;
  /** The media type, when the source knows it (videos). */
  mime?: string;
}

/**
 * Where a blob missing on this device can be fetched from (the sync server), if anywhere:
 * undefined when nowhere has it. `onProgress` may be called as bytes arrive.
 */
export type RemoteBlobSource = (
  key: string,
  onProgress: (progress: Omit<BlobFetchProgress, 'key' | 'phase'>) => void,
) => Promise<RemoteBlob | undefined>;

/** Computes the SHA-256 of a blob (hex); large blobs should be read in slices, off the main thread. */
export type BlobHasher = (blob: Blob, onProgress?: (hashed: number) => void) => Promise<string>;

export interface RemoteBlobOptions {
  /** Verifies fetched bytes; `sha256Hex` (reads the blob at once) by default. */
  hash?: BlobHasher;
}

let remoteSource: RemoteBlobSource | null = null;
let remoteHash: BlobHasher = (blob) => sha256Hex(blob);
const fetching = new Map<string, Promise<Blob | undefined>>();
const fetchListeners = new Set<(downloads: readonly BlobFetchProgress[]) => void>();
const fetchProgress = new Map<string, BlobFetchProgress>();

/** Sets (or clears) the source `getBlob` falls back to: media another device shared. */
export function setRemoteBlobSource(source: RemoteBlobSource | null, options: RemoteBlobOptions = {}): void {
  remoteSource = source;
  remoteHash = options.hash ?? ((blob) => sha256Hex(blob));
}

/**
 * Follows the downloads on first view under way (for a progress line while a large video
 * arrives). Called at once with the current list, then on every change.
 */
export function onBlobFetches(listener: (downloads: readonly BlobFetchProgress[]) => void): () => void {
  fetchListeners.add(listener);
  listener([...fetchProgress.values()]);
  return () => fetchListeners.delete(listener);
}

function reportFetch(key: string, progress: BlobFetchProgress | null): void {
  if (progress) fetchProgress.set(key, progress);
  else fetchProgress.delete(key);
  const list = [...fetchProgress.values()];
  for (const listener of fetchListeners) listener(list);
}

/** The downloaded bytes do not have the SHA-256 they should: nothing was stored. */
export class BlobHashMismatchError extends Error {
  override readonly name = 'BlobHashMismatchError';
}

/**
 * The stored bytes of `key` (a SHA-256, or a video's content key). A blob missing here is
 * fetched once from the remote source (download on first view), checked against its SHA-256
 * and kept under `key` for the next time.
 */
export async function getBlob(key: string, db: BlobDatabase = blobDatabase()): Promise<Blob | undefined> {
  const stored = (await db.blobs.get(key))?.data;
  if (stored || !remoteSource) return stored;
  const source = remoteSource;
  const hash = remoteHash;
  let pending = fetching.get(key);
  if (!pending) {
    pending = fetchAndKeep(key, source, hash, db).finally(() => {
      fetching.delete(key);
      reportFetch(key, null);
    });
    fetching.set(key, pending);
  }
  return pending;
}

async function fetchAndKeep(
  key: string,
  source: RemoteBlobSource,
  hash: BlobHasher,
  db: BlobDatabase,
): Promise<Blob | undefined> {
  const fetched = await source(key, (p) => reportFetch(key, { key, phase: 'download', ...p }));
  if (!fetched) return undefined;
  const { blob, sha256 } = fetched;
  const size = blob.size;
  reportFetch(key, { key, phase: 'verify', done: 0, total: size, mime: blob.type });
  const actual = await hash(blob, (done) =>
    reportFetch(key, { key, phase: 'verify', done, total: size, mime: blob.type }),
  );
  if (actual !== sha256) {
    throw new BlobHashMismatchError(
      `The media file ${key.slice(0, 12)}… downloaded from the server is corrupt (its hash differs from ${sha256.slice(0, 12)}…). Nothing was kept; ask the person who created the task to upload it again.`,
    );
  }
  await guardQuota(() => db.blobs.put({ sha256: key, mime: blob.type, size, data: blob, created: now() }));
  return blob;
}

export async function hasBlob(sha256: string, db: BlobDatabase = blobDatabase()): Promise<boolean> {
  return (await db.blobs.where('sha256').equals(sha256).count()) > 0;
}

export async function deleteBlob(sha256: string, db: BlobDatabase = blobDatabase()): Promise<void> {
  await db.transaction('rw', db.blobs, db.thumbnails, async () => {
    await db.blobs.delete(sha256);
    await db.thumbnails.delete(sha256);
  });
}

export async function putThumbnail(
  sha256: string,
  data: Blob,
  db: BlobDatabase = blobDatabase(),
): Promise<void> {
  await guardQuota(() => db.thumbnails.put({ sha256, data }));
}

export interface BlobWithThumbnail {
  sha256: string;
  blob: Blob;
  thumbnail?: Blob;
}

/**
 * Stores many blobs (and their thumbnails) in one transaction, skipping bytes already stored.
 * Returns, per item, whether it was newly stored. One transaction per batch instead of two per
 * image is what makes large imports fast.
 */
export async function putBlobsWithThumbnails(
  items: readonly BlobWithThumbnail[],
  db: BlobDatabase = blobDatabase(),
): Promise<boolean[]> {
  return guardQuota(() =>
    db.transaction('rw', db.blobs, db.thumbnails, async () => {
      const shas = items.map((i) => i.sha256);
      const present = new Set<string>((await db.blobs.where('sha256').anyOf(shas).primaryKeys()) as string[]);
      const created = items.map((item) => {
        if (present.has(item.sha256)) return false;
        present.add(item.sha256); // the same bytes twice in one batch are stored once
        return true;
      });
      const fresh = items.filter((_, i) => created[i]);
      const date = now();
      await db.blobs.bulkPut(
        fresh.map((i) => ({
          sha256: i.sha256,
          mime: i.blob.type,
          size: i.blob.size,
          data: i.blob,
          created: date,
        })),
      );
      await db.thumbnails.bulkPut(
        fresh.flatMap((i) => (i.thumbnail ? [{ sha256: i.sha256, data: i.thumbnail }] : [])),
      );
      return created;
    }),
  );
}

export async function getThumbnail(
  sha256: string,
  db: BlobDatabase = blobDatabase(),
): Promise<Blob | undefined> {
  return (await db.thumbnails.get(sha256))?.data;
}

export async function putCached(
  key: string,
  value: unknown,
  bytes: number,
  db: BlobDatabase = blobDatabase(),
): Promise<void> {
  await guardQuota(() => db.caches.put({ key, value, bytes, lastUsed: Date.now() }));
}

/** Reads a cached value and marks it as recently used. */
export async function getCached<T>(key: string, db: BlobDatabase = blobDatabase()): Promise<T | undefined> {
  const record = await db.caches.get(key);
  if (!record) return undefined;
  await db.caches.update(key, { lastUsed: Date.now() });
  return record.value as T;
}

/** Evicts least-recently-used cache entries until the caches hold at most `maxBytes`. */
export async function trimCaches(maxBytes: number, db: BlobDatabase = blobDatabase()): Promise<number> {
  return db.transaction('rw', db.caches, async () => {
    // Walk with a cursor: cached values (embeddings, models) are large, keep one in memory at a time.
    const entries: { key: string; bytes: number }[] = [];
    await db.caches.orderBy('lastUsed').each(({ key, bytes }) => {
      entries.push({ key, bytes });
    });
    let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    const evict: string[] = [];
    for (const entry of entries) {
      if (total <= maxBytes) break;
      evict.push(entry.key);
      total -= entry.bytes;
    }
    await db.caches.bulkDelete(evict);
    return evict.length;
  });
}

/** Saves the serialised undo/redo history of a job (device-local, never replicated). */
export async function saveHistory<T>(
  jobId: string,
  json: T,
  db: BlobDatabase = blobDatabase(),
): Promise<void> {
  await guardQuota(() => db.history.put({ jobId, json, saved: now() }));
}

export async function loadHistory<T>(
  jobId: string,
  db: BlobDatabase = blobDatabase(),
): Promise<T | undefined> {
  return (await db.history.get(jobId))?.json as T | undefined;
}

export async function deleteHistories(
  jobIds: readonly string[],
  db: BlobDatabase = blobDatabase(),
): Promise<void> {
  await db.history.bulkDelete([...jobIds]);
}
