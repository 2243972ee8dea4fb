/**
 * Task data ingest: collects files from pickers, drops, folders, archives and URLs, lays them out
 * as 2D frames (with context images) or 3D point clouds, and stores each blob once by SHA-256
 * with a thumbnail. Heavy steps run in the io worker; every step reports progress and can be
 * cancelled, and a failed import deletes what it stored.
 */
import type { FrameMeta, SortingMethod } from '$lib/core/types';
import { getIoWorker } from '$lib/workers/io';
import * as Comlink from 'comlink';
import { POINT_CLOUD_MIME } from '../pointcloud/index';
import { IngestAbortedError } from './archive/errors';
import { fileKindOf, SNIFF_BYTES, type FileKind } from './fileKind';
import { IngestError, planLayout, type IngestIssue } from './layout';
import { manifestFileName, parseManifest, type Manifest } from './manifest';
import { sortNames } from './sorting';
import { collectSources, type IngestInput, type SourceFile } from './sources';
import { checkSpaceFor } from './space';

export type { IngestInput } from './sources';
export type { IngestIssue } from './layout';
export type { Manifest } from './manifest';
export { IngestError } from './layout';
export { IngestAbortedError } from './archive/errors';
export { checkSpaceFor, NotEnoughSpaceError } from './space';
export { decodeImageBlob } from './decodeImage';
export { sortNames } from './sorting';

export interface IngestProgress {
  stage: 'expanding' | 'reading' | 'hashing' | 'thumbnails' | 'pointclouds';
  done: number;
  total: number;
  file?: string;
}

/** A frame as ingest makes it; `points`/`fields` are set for point clouds. */
export interface IngestedFrame extends FrameMeta {
  points?: number;
  fields?: string[];
}

export interface IngestedImages {
  kind: 'images';
  dimension: '2d' | '3d';
  frames: IngestedFrame[];
  /** Frame name → SHA-256 of its context images. */
  related: Record<string, string[]>;
  skipped: IngestIssue[];
  /** Video files found, for the video pipeline (nothing of them is stored here). */
  videos: File[];
  /** The manifest given with the files, if any (a video manifest is for the video pipeline). */
  manifest?: Manifest;
  /** Blobs this import stored that did not exist before: pass the result to `discardIngested` to undo. */
  created: string[];
}

export interface IngestOptions {
  sorting: SortingMethod;
  seed?: number;
  predefinedOrder?: string[];
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  /** Per archive; 4 GB by default. */
  maxExpandedBytes?: number;
  /** JPEG quality of the thumbnails, 0–1 (the task's image quality); 0.8 by default. */
  thumbnailQuality?: number;
}

const DEFAULT_MAX_EXPANDED = 4_000_000_000;
/** Images per io-worker call during ingest. */
const IMAGE_BATCH = 24;
let nextToken = 1;

interface Collected extends SourceFile {
  kind: FileKind;
}

async function sniff(source: SourceFile): Promise<Collected> {
  const head = new Uint8Array(await source.blob.slice(0, SNIFF_BYTES).arrayBuffer());
  return { ...source, kind: fileKindOf(head, source.path) };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new IngestAbortedError();
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function collect(
  inputs: readonly IngestInput[],
  options: IngestOptions,
  skipped: IngestIssue[],
): Promise<Collected[]> {
  const { signal, onProgress } = options;
  const io = getIoWorker();
  const files: Collected[] = [];
  const taken = new Set<string>();
  const add = (file: Collected, prefix: string) => {
    const path = taken.has(file.path) && prefix ? `${prefix}/${file.path}` : file.path;
    if (taken.has(path)) {
      skipped.push({ name: path, reason: 'another file with the same path was already added' });
      return;
    }
    taken.add(path);
    files.push({ ...file, path });
  };
  let read = 0;
  for await (const source of collectSources(inputs, signal)) {
    onProgress?.({ stage: 'reading', done: ++read, total: inputs.length, file: source.path });
    const file = await sniff(source);
    if (file.kind.kind !== 'archive') {
      add(file, '');
      continue;
    }
    const token = nextToken++;
    const cancel = () => void io.cancel(token);
    signal?.addEventListener('abort', cancel);
    try {
      const entries = await io.expandArchive(
        file.blob,
        file.path,
        options.maxExpandedBytes ?? DEFAULT_MAX_EXPANDED,
        token,
        Comlink.proxy((done: number, total: number, name: string) =>
          onProgress?.({ stage: 'expanding', done, total, file: name ? `${file.path}: ${name}` : file.path }),
        ),
      );
      for (const entry of entries) add(await sniff(entry), file.path);
    } catch (error) {
      throwIfAborted(signal);
      skipped.push({ name: file.path, reason: errorText(error) });
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }
  return files;
}

/** Manifest image names are relative to the manifest's folder. */
function manifestOrder(
  manifest: Manifest,
  manifestPath: string,
  frames: readonly string[],
  skipped: IngestIssue[],
): string[] {
  if (manifest.kind !== 'images') return [];
  const dir = manifestPath.includes('/') ? manifestPath.slice(0, manifestPath.lastIndexOf('/') + 1) : '';
  const present = new Set(frames);
  const order: string[] = [];
  for (const image of manifest.images) {
    const path = dir + manifestFileName(image);
    if (present.has(path)) order.push(path);
    else skipped.push({ name: path, reason: `listed in ${manifestPath} but not among the given files` });
  }
  return order;
}

export async function ingest(inputs: IngestInput[], options: IngestOptions): Promise<IngestedImages> {
  const { signal, onProgress } = options;
  const io = getIoWorker();
  const skipped: IngestIssue[] = [];
  const created: string[] = [];
  try {
    const files = await collect(inputs, options, skipped);
    throwIfAborted(signal);
    const layout = planLayout(files.map(({ path, kind }) => ({ path, kind })));
    skipped.push(...layout.skipped);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const get = (path: string) => byPath.get(path) as Collected;

    let manifest: Manifest | undefined;
    let predefinedOrder = options.predefinedOrder ?? files.map((f) => f.path);
    if (layout.manifest) {
      manifest = parseManifest(await get(layout.manifest).blob.text(), layout.manifest);
      if (manifest.kind === 'images')
        predefinedOrder = manifestOrder(manifest, layout.manifest, layout.frames, skipped);
    }

    const relatedPaths = [...layout.related.values()].flat();
    const needed = [...layout.frames, ...relatedPaths].reduce((sum, p) => sum + get(p).blob.size, 0);
    await checkSpaceFor(Math.ceil(needed * 1.05)); // thumbnails and records on top of the bytes

    const frames = new Map<string, IngestedFrame>();
    const skipUndecodable = (path: string, reason: string) =>
      skipped.push({
        name: path,
        reason: /corrupt|truncated|invalid|not a|decod/i.test(reason)
          ? reason
          : `could not be decoded: the file is corrupt or truncated (${reason})`,
      });

    // Images go to the io worker in batches: decoded and hashed concurrently, stored in one transaction.
    const imagePaths = layout.frames.filter((p) => get(p).kind.kind === 'image');
    for (let start = 0; start < imagePaths.length; start += IMAGE_BATCH) {
      throwIfAborted(signal);
      const batch = imagePaths.slice(start, start + IMAGE_BATCH);
      onProgress?.({ stage: 'thumbnails', done: start, total: layout.frames.length, file: batch[0] });
      const items = batch.map((path) => {
        const { blob, kind } = get(path);
        return { blob, mime: kind.kind === 'image' ? kind.mime : 'application/octet-stream' };
      });
      const results = await io.storeImages(items, options.thumbnailQuality);
      results.forEach((result, i) => {
        const path = batch[i]!;
        if ('error' in result) return skipUndecodable(path, result.error);
        if (result.created) created.push(result.sha256);
        frames.set(path, {
          name: path,
          width: result.width,
          height: result.height,
          blob: result.sha256,
          mime: items[i]!.mime,
          related_files: 0,
        });
      });
    }

    for (const [index, path] of layout.frames.entries()) {
      throwIfAborted(signal);
      const file = get(path);
      if (file.kind.kind !== 'pointcloud') continue;
      try {
        onProgress?.({ stage: 'pointclouds', done: index, total: layout.frames.length, file: path });
        const mime = POINT_CLOUD_MIME[file.kind.format];
        const stored = await io.storePointCloud(file.blob, file.kind.format, mime);
        if (stored.created) created.push(stored.sha256);
        const { info } = stored;
        frames.set(path, {
          name: path,
          width: info.width,
          height: info.height,
          blob: stored.sha256,
          mime,
          related_files: 0,
          points: info.count,
          fields: info.fields,
        });
      } catch (error) {
        if (error instanceof Error && error.name === 'StorageFullError') throw error;
        skipUndecodable(path, errorText(error));
      }
    }
    onProgress?.({
      stage: layout.dimension === '3d' ? 'pointclouds' : 'thumbnails',
      done: layout.frames.length,
      total: layout.frames.length,
    });

    const related: Record<string, string[]> = {};
    let hashed = 0;
    for (const [frame, images] of layout.related) {
      const meta = frames.get(frame);
      for (const path of [...images].sort()) {
        throwIfAborted(signal);
        onProgress?.({ stage: 'hashing', done: hashed++, total: relatedPaths.length, file: path });
        if (!meta) {
          skipped.push({ name: path, reason: `its frame ${frame} was skipped` });
          continue;
        }
        const file = get(path);
        const stored = await io.storeBlob(
          file.blob,
          file.kind.kind === 'image' ? file.kind.mime : 'application/octet-stream',
        );
        if (stored.created) created.push(stored.sha256);
        (related[frame] ??= []).push(stored.sha256);
      }
      if (meta) meta.related_files = related[frame]?.length ?? 0;
    }

    const videos = layout.videos.map((path) => {
      const blob = get(path).blob;
      return blob instanceof File && blob.name === path
        ? blob
        : new File([blob], path.split('/').pop() ?? path, { type: blob.type });
    });
    if (frames.size === 0 && videos.length === 0) {
      const reasons = skipped.slice(0, 5).map((s) => `${s.name}: ${s.reason}`);
      throw new IngestError(
        `None of the given files can be used for a task.${reasons.length ? ` ${reasons.join('; ')}.` : ''}`,
      );
    }
    const order = sortNames([...frames.keys()], options.sorting, { seed: options.seed, predefinedOrder });
    return {
      kind: 'images',
      dimension: layout.dimension,
      frames: order.map((name) => frames.get(name) as IngestedFrame),
      related,
      skipped,
      videos,
      manifest,
      created,
    };
  } catch (error) {
    await io.deleteBlobs(created).catch(() => undefined);
    throw error;
  }
}

/** Undoes an import whose task could not be made: deletes the blobs it newly stored. */
export async function discardIngested(result: Pick<IngestedImages, 'created'>): Promise<void> {
  await getIoWorker().deleteBlobs(result.created);
}

/** Points of a stored point cloud frame, parsed in the io worker (for the 3D view). */
export async function loadPointCloud(blob: Blob, mime: string) {
  const kind = mime === POINT_CLOUD_MIME['kitti-bin'] ? 'kitti-bin' : 'pcd';
  return getIoWorker().parsePointCloud(blob, kind);
}
