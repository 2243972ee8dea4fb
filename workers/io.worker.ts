/**
 * Import and export work off the main thread: expanding archives, decoding images and making
 * thumbnails, hashing and storing blobs, parsing point clouds, and dataset import/export and
 * backups (the worker opens the workspace database itself and streams archives back in chunks).
 */
import * as Comlink from 'comlink';
import { expandArchive, type ArchiveEntry } from '../src/lib/media/ingest/archive/index';
import { decodeWithThumbnail } from '../src/lib/media/ingest/thumbnail';
import {
  parsePointCloud,
  readPointCloudInfo,
  type PointCloud,
  type PointCloudInfo,
  type PointCloudKind,
} from '../src/lib/media/pointcloud/index';
import {
  deleteBlob,
  hasBlob,
  putBlob,
  putBlobsWithThumbnails,
  putThumbnail,
  sha256Hex,
} from '../src/lib/store/blobs';
import { createRepository, openWorkspace, type Repository } from '../src/lib/store';
import type { ImportResult, ImportTarget } from '../src/lib/formats/app/apply';
import { setVideoFrameReader } from '../src/lib/formats/app/dataset';
import type { MediaIngest, StoredMedia } from '../src/lib/formats/app/media';
import {
  backupArchive,
  commitImport,
  exportArchive,
  readScope,
  prepareImport,
  restoreArchive,
  usedKinds,
  type CommitOptions,
  type ExportRequest,
  type ExportScope,
  type ExportSummary,
  type PreparedImport,
} from '../src/lib/formats/app/operations';
import type { RestoreResult } from '../src/lib/formats/backup/restore';
import type { DatasetSummary } from '../src/lib/formats/common/dataset';
import type { FormatShapeKind } from '../src/lib/formats/types';
import { FORMATS } from '../src/lib/formats/registry';

export interface StoredBlob {
  sha256: string;
  /** False when the same bytes were already stored (by this import or an earlier one). */
  created: boolean;
}

export interface StoredImage extends StoredBlob {
  width: number;
  height: number;
}

export interface StoredPointCloud extends StoredBlob {
  info: PointCloudInfo;
}

const running = new Map<number, AbortController>();

/** Images decoded at once: enough to keep the decoder threads and the hashing busy. */
const IMAGE_CONCURRENCY = 4;

async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

async function store(blob: Blob): Promise<StoredBlob> {
  const sha256 = await sha256Hex(blob);
  if (await hasBlob(sha256)) return { sha256, created: false };
  await putBlob(blob);
  return { sha256, created: true };
}

const repositories = new Map<string, Promise<Repository>>();

/** The worker's own connection to a workspace database (RxDB keeps it in sync with the page). */
function repositoryOf(workspaceId: string): Promise<Repository> {
  let repo = repositories.get(workspaceId);
  if (!repo) {
    repo = openWorkspace(workspaceId).then((ws) => createRepository(ws));
    repositories.set(workspaceId, repo);
    repo.catch(() => repositories.delete(workspaceId));
  }
  return repo;
}

/** Stores imported media: images decoded (upright size, thumbnail), other files as they are. */
const browserIngest: MediaIngest = {
  async store(files) {
    const prepared = await mapConcurrent(files, IMAGE_CONCURRENCY, async (file) => {
      const blob = new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mime });
      const sha256 = await sha256Hex(blob);
      if (!file.mime.startsWith('image/')) {
        return {
          sha256,
          blob,
          width: file.width,
          height: file.height,
          mime: file.mime,
          thumbnail: undefined,
        };
      }
      try {
        const decoded = await decodeWithThumbnail(blob, file.mime);
        return { sha256, blob, mime: file.mime, ...decoded };
      } catch (error) {
        throw new Error(
          `${file.name}: the image cannot be decoded (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    });
    const created = await putBlobsWithThumbnails(prepared);
    return prepared.map((p, i): StoredMedia => ({
      sha256: p.sha256,
      width: p.width,
      height: p.height,
      mime: p.mime,
      created: created[i] ?? false,
    }));
  },
  async remove(sha256s) {
    for (const sha of sha256s) await deleteBlob(sha);
  },
};

type ProgressCallback = (fraction: number, message?: string) => void;

/** Runs `work` with an abort signal registered under `token` (see `cancel`). */
async function cancellable<T>(token: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  running.set(token, controller);
  try {
    return await work(controller.signal);
  } finally {
    running.delete(token);
  }
}

/** Sends archive chunks to the page, transferring (not copying) their buffers. */
function chunkSender(onChunk: (chunk: Uint8Array) => void): (chunk: Uint8Array) => void {
  return (chunk) => onChunk(Comlink.transfer(chunk, [chunk.buffer]));
}

const preparedImports = new Map<number, PreparedImport>();

export interface FormatInfo {
  id: string;
  name: string;
  version: string;
  dimension: '2d' | '3d';
  kinds: FormatShapeKind[];
  importExtensions: string[];
  canImport: boolean;
  canExport: boolean;
}

export interface PreparedImportInfo {
  summary: DatasetSummary;
  labels: string[];
  mapping: Record<string, string | null>;
  unmatched: string[];
  warnings: string[];
}

const api = {
  /** Cancels the `expandArchive` call started with this token. */
  cancel(token: number): void {
    running.get(token)?.abort();
  },

  async expandArchive(
    blob: Blob,
    name: string,
    maxExpandedBytes: number,
    token: number,
    onProgress?: (done: number, total: number, file: string) => void,
  ): Promise<ArchiveEntry[]> {
    const controller = new AbortController();
    running.set(token, controller);
    try {
      return await expandArchive(blob, name, { maxExpandedBytes, signal: controller.signal, onProgress });
    } finally {
      running.delete(token);
    }
  },

  /** Decodes (to check it and read its upright size), stores the bytes once and a thumbnail. */
  async storeImage(blob: Blob, mime: string): Promise<StoredImage> {
    const { width, height, thumbnail } = await decodeWithThumbnail(blob, mime);
    const stored = await store(blob.type === mime ? blob : new Blob([blob], { type: mime }));
    if (stored.created) await putThumbnail(stored.sha256, thumbnail);
    return { ...stored, width, height };
  },

  /**
   * A batch of images: decoded and hashed a few at a time (the browser decodes on its own
   * threads), then stored with their thumbnails in one transaction. A failed image is reported
   * in its slot and does not stop the others.
   */
  async storeImages(
    items: readonly { blob: Blob; mime: string }[],
    thumbnailQuality = 0.8,
  ): Promise<(StoredImage | { error: string })[]> {
    type Prepared = { ok: true; sha256: string; blob: Blob; thumbnail: Blob; width: number; height: number };
    type Failed = { ok: false; error: string };
    const prepared = await mapConcurrent(
      items,
      IMAGE_CONCURRENCY,
      async ({ blob, mime }): Promise<Prepared | Failed> => {
        try {
          const typed = blob.type === mime ? blob : new Blob([blob], { type: mime });
          const [decoded, sha256] = await Promise.all([
            decodeWithThumbnail(typed, mime, undefined, thumbnailQuality),
            sha256Hex(typed),
          ]);
          return { ok: true, sha256, blob: typed, ...decoded };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      },
    );
    const created = await putBlobsWithThumbnails(prepared.filter((p): p is Prepared => p.ok));
    let k = 0;
    return prepared.map((p) =>
      p.ok
        ? { sha256: p.sha256, created: created[k++] ?? false, width: p.width, height: p.height }
        : { error: p.error },
    );
  },

  async storeBlob(blob: Blob, mime: string): Promise<StoredBlob> {
    return store(blob.type === mime ? blob : new Blob([blob], { type: mime }));
  },

  /** Parses the whole cloud to validate it, then stores the original bytes. */
  async storePointCloud(blob: Blob, kind: PointCloudKind, mime: string): Promise<StoredPointCloud> {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    parsePointCloud(bytes, kind);
    const info = readPointCloudInfo(bytes, kind);
    const stored = await store(new Blob([bytes], { type: mime }));
    return { ...stored, info };
  },

  async parsePointCloud(blob: Blob, kind: PointCloudKind): Promise<PointCloud> {
    const cloud = parsePointCloud(new Uint8Array(await blob.arrayBuffer()), kind);
    const buffers = [cloud.positions.buffer, cloud.intensity?.buffer, cloud.colors?.buffer].filter(
      (b): b is ArrayBuffer => b instanceof ArrayBuffer,
    );
    return Comlink.transfer(cloud, buffers);
  },

  async deleteBlobs(sha256s: readonly string[]): Promise<void> {
    for (const sha of sha256s) await deleteBlob(sha);
  },

  /** The registered formats, for the dialogs (the page does not load the codecs itself). */
  formats(): FormatInfo[] {
    return FORMATS.map((f) => ({
      id: f.id,
      name: f.name,
      version: f.version,
      dimension: f.dimension,
      kinds: [...f.kinds],
      importExtensions: [...f.importExtensions],
      canImport: f.import !== undefined,
      canExport: f.export !== undefined,
    }));
  },

  /** Shape kinds a task, job or project holds, for the export dialog's warnings. */
  async usedKinds(workspaceId: string, scope: ExportScope): Promise<FormatShapeKind[]> {
    const repo = await repositoryOf(workspaceId);
    const { dataset } = await readScope(repo, scope);
    return usedKinds(dataset);
  },

  /** Exports a task, job or project in a format; the zip arrives in order through `onChunk`. */
  async exportDataset(
    workspaceId: string,
    request: ExportRequest,
    token: number,
    onChunk: (chunk: Uint8Array) => void,
    onProgress?: ProgressCallback,
  ): Promise<ExportSummary> {
    const repo = await repositoryOf(workspaceId);
    // A video task's frames are decoded here when the export saves images (the demuxer and
    // decoder load only then).
    const frames = request.saveImages
      ? (await import('../src/lib/media/video/frameImages')).videoFrameImages()
      : null;
    setVideoFrameReader(frames ? (meta) => frames.read(meta) : null);
    try {
      return await cancellable(token, (signal) =>
        exportArchive(repo, request, chunkSender(onChunk), onProgress, signal),
      );
    } finally {
      setVideoFrameReader(null);
      frames?.close();
    }
  },

  /**
   * Parses an upload in a format and keeps it under `token` for `commitImport`; returns what the
   * import dialog shows (counts, labels, the proposed label mapping). Frames of a target task
   * help formats without image sizes.
   */
  async prepareImport(
    file: Blob,
    fileName: string,
    formatId: string,
    projectLabels: readonly { name: string }[],
    frames: readonly { name: string; width: number; height: number }[] | undefined,
    token: number,
    onProgress?: ProgressCallback,
  ): Promise<PreparedImportInfo> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const prepared = await cancellable(token, (signal) =>
      prepareImport(bytes, fileName, formatId, projectLabels, frames, onProgress, signal),
    );
    preparedImports.set(token, prepared);
    const { summary, labels, mapping, unmatched, warnings } = prepared;
    return { summary, labels, mapping, unmatched, warnings };
  },

  /** Writes a prepared import into the target, all or nothing. */
  async commitImport(
    workspaceId: string,
    token: number,
    target: ImportTarget,
    options: CommitOptions,
    onProgress?: ProgressCallback,
  ): Promise<ImportResult> {
    const prepared = preparedImports.get(token);
    if (!prepared)
      throw new Error('This import was not prepared (or was already used); choose the file again.');
    const repo = await repositoryOf(workspaceId);
    try {
      return await cancellable(token, (signal) =>
        commitImport(repo, prepared, target, browserIngest, options, onProgress, signal),
      );
    } finally {
      preparedImports.delete(token);
    }
  },

  discardImport(token: number): void {
    preparedImports.delete(token);
  },

  /** A task or project backup, streamed through `onChunk`. */
  async backup(
    workspaceId: string,
    scope: { kind: 'task' | 'project'; id: string },
    token: number,
    onChunk: (chunk: Uint8Array) => void,
    onProgress?: ProgressCallback,
  ): Promise<{ bytes: number }> {
    const repo = await repositoryOf(workspaceId);
    return cancellable(token, (signal) =>
      backupArchive(repo, scope, chunkSender(onChunk), onProgress, signal),
    );
  },

  /** Restores a task or project backup; a task backup goes into `projectId` or a new project. */
  async restore(
    workspaceId: string,
    file: Blob,
    fileName: string,
    projectId: string | undefined,
    token: number,
    onProgress?: ProgressCallback,
  ): Promise<RestoreResult> {
    const repo = await repositoryOf(workspaceId);
    const bytes = new Uint8Array(await file.arrayBuffer());
    return cancellable(token, (signal) =>
      restoreArchive(repo, bytes, fileName, browserIngest, projectId, onProgress, signal),
    );
  },
};

export type IoWorkerApi = typeof api;

Comlink.expose(api);
