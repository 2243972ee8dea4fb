/**
 * Dataset and backup operations as the `io` worker runs them: each takes plain data (ids, a
 * file) plus callbacks for progress and archive chunks, opens the workspace itself and writes
 * the store directly, so no annotation data crosses to the page. Also usable in Node with an
 * explicit repository and ingest.
 */
import type { FilterLogic } from '../../core/filter';
import { filterDataset } from '../common/filter';
import { ZipSink, ZipSource, isZip } from '../common/zip';
import { singleFileSource } from '../common/memory';
import { summarizeDataset, type DatasetSummary } from '../common/dataset';
import { getFormat } from '../registry';
import type { Dataset, FileSource, FormatShapeKind } from '../types';
import type { Repository } from '../../store';
import type { BlobDatabase } from '../../store/blobs';
import { writeProjectBackup, writeTaskBackup } from '../backup/write';
import { restoreBackup, type RestoreResult } from '../backup/restore';
import { datasetFromJob, datasetFromProject, datasetFromTask, type StoreDataset } from './dataset';
import { importDataset, type ImportResult, type ImportTarget } from './apply';
import { proposeLabelMapping, type LabelMapping } from './labels';
import type { MediaIngest } from './media';

export type ExportScope = { kind: 'task' | 'job' | 'project'; id: string };

export interface ExportRequest {
  scope: ExportScope;
  formatId: string;
  saveImages: boolean;
  /** A CVAT filter: only the objects it accepts are exported. */
  filter?: FilterLogic | null;
}

export interface ExportSummary {
  bytes: number;
  items: number;
  /** Shape kinds present that the format cannot carry (they are left out). */
  dropped: FormatShapeKind[];
  /** Items whose image was not available for "save images". */
  missingImages: number;
}

export type Progress = (fraction: number, message?: string) => void;

/** Chunks of at least this size are handed to `onChunk` (fewer messages between threads). */
const CHUNK = 1 << 20;

function batched(onChunk: (chunk: Uint8Array) => void): { push(chunk: Uint8Array): void; flush(): void } {
  let parts: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const out = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    parts = [];
    size = 0;
    onChunk(out);
  };
  return {
    push(chunk) {
      // fflate may reuse or share buffers: keep a copy.
      parts.push(chunk.slice());
      size += chunk.length;
      if (size >= CHUNK) flush();
    },
    flush,
  };
}

export async function readScope(
  repo: Repository,
  scope: ExportScope,
  signal?: AbortSignal,
  blobs?: BlobDatabase,
): Promise<StoreDataset> {
  if (scope.kind === 'task') return datasetFromTask(repo, scope.id, { signal, blobs });
  if (scope.kind === 'job') return datasetFromJob(repo, scope.id, { signal, blobs });
  return datasetFromProject(repo, scope.id, { signal, blobs });
}

/** Shape kinds `dataset` holds (`track` when it has tracks, `tag` when it has tags). */
export function usedKinds(dataset: Dataset): FormatShapeKind[] {
  const used = new Set<FormatShapeKind>();
  for (const s of dataset.shapes) used.add(s.type);
  if (dataset.tags.length > 0) used.add('tag');
  for (const t of dataset.tracks) {
    used.add('track');
    for (const s of t.shapes) used.add(s.type);
    if (t.elements.length > 0) used.add('skeleton');
  }
  return [...used];
}

/**
 * Kinds in `used` that a format with `kinds` leaves out. Tracks are not among them: formats
 * without tracks get a track as its shape on every frame (only the track identity is lost).
 */
export function droppedKinds(
  used: readonly FormatShapeKind[],
  kinds: readonly FormatShapeKind[],
): FormatShapeKind[] {
  return used.filter((k) => k !== 'track' && !kinds.includes(k));
}

/** Exports a task, job or project in a format as a zip streamed to `onChunk`. */
export async function exportArchive(
  repo: Repository,
  request: ExportRequest,
  onChunk: (chunk: Uint8Array) => void,
  progress: Progress = () => undefined,
  signal?: AbortSignal,
  /** Where media is read from; the origin's `loupe_blobs` by default. */
  blobs?: BlobDatabase,
): Promise<ExportSummary> {
  const codec = getFormat(request.formatId);
  if (!codec.export) throw new Error(`${codec.name} ${codec.version} cannot be exported.`);
  progress(0, 'Reading annotations');
  const read = await readScope(repo, request.scope, signal, blobs);
  const dataset = filterDataset(read.dataset, request.filter);
  const media = read.media;
  const out = batched(onChunk);
  const sink = new ZipSink({ onChunk: (chunk) => out.push(chunk) });
  let missingImages = 0;
  const total = Math.max(1, dataset.items.length);
  let done = 0;
  await codec.export(dataset, sink, {
    saveImages: request.saveImages,
    media: async (item) => {
      const bytes = await media(item);
      if (!bytes) missingImages++;
      progress(0.1 + (0.9 * ++done) / total, 'Packing images');
      return bytes;
    },
    progress: (fraction, message) => progress(0.1 + 0.9 * fraction, message),
    signal,
  });
  await sink.finish();
  out.flush();
  progress(1, 'Done');
  return {
    bytes: sink.byteLength,
    items: dataset.items.length,
    dropped: droppedKinds(usedKinds(dataset), codec.kinds),
    missingImages,
  };
}

/** Opens an uploaded file as a source: a zip's entries, or the single file itself. */
export function openUpload(bytes: Uint8Array, fileName: string): FileSource {
  return isZip(bytes) ? new ZipSource(bytes, { name: fileName }) : singleFileSource(fileName, bytes);
}

export interface PreparedImport {
  dataset: Dataset;
  source: FileSource;
  summary: DatasetSummary;
  /** Dataset label names; with `mapping`, what the dialog shows. */
  labels: string[];
  mapping: LabelMapping;
  unmatched: string[];
  /** What the format's reader skipped without failing. */
  warnings: string[];
}

/** Parses an upload with a format and proposes a label mapping against `projectLabels`. */
export async function prepareImport(
  bytes: Uint8Array,
  fileName: string,
  formatId: string,
  projectLabels: readonly { name: string }[],
  frames: readonly { name: string; width: number; height: number }[] | undefined,
  progress: Progress = () => undefined,
  signal?: AbortSignal,
): Promise<PreparedImport> {
  const codec = getFormat(formatId);
  if (!codec.import) throw new Error(`${codec.name} ${codec.version} cannot be imported.`);
  const source = openUpload(bytes, fileName);
  const dataset = await codec.import(source, { progress: (f, m) => progress(0.5 * f, m), signal, frames });
  const { mapping, unmatched } = proposeLabelMapping(dataset.labels, projectLabels);
  return {
    dataset,
    source,
    summary: summarizeDataset(dataset),
    labels: dataset.labels.map((l) => l.name),
    mapping,
    unmatched,
    warnings: dataset.meta.warnings ?? [],
  };
}

export interface CommitOptions {
  labelMapping?: LabelMapping;
  clean?: boolean;
  segmentSize?: number;
  author?: string;
}

export async function commitImport(
  repo: Repository,
  prepared: PreparedImport,
  target: ImportTarget,
  ingest: MediaIngest,
  options: CommitOptions,
  progress: Progress = () => undefined,
  signal?: AbortSignal,
): Promise<ImportResult> {
  const result = await importDataset(repo, prepared.dataset, target, {
    ...options,
    source: prepared.source,
    ingest,
    progress: (f, m) => progress(0.5 + 0.5 * f, m),
    signal,
  });
  return { ...result, warnings: [...prepared.warnings, ...result.warnings] };
}

export async function backupArchive(
  repo: Repository,
  scope: { kind: 'task' | 'project'; id: string },
  onChunk: (chunk: Uint8Array) => void,
  progress: Progress = () => undefined,
  signal?: AbortSignal,
  blobs?: BlobDatabase,
): Promise<{ bytes: number }> {
  const out = batched(onChunk);
  const sink = new ZipSink({ onChunk: (chunk) => out.push(chunk) });
  if (scope.kind === 'task') await writeTaskBackup(repo, scope.id, sink, { progress, signal, blobs });
  else await writeProjectBackup(repo, scope.id, sink, { progress, signal, blobs });
  await sink.finish();
  out.flush();
  return { bytes: sink.byteLength };
}

export async function restoreArchive(
  repo: Repository,
  bytes: Uint8Array,
  fileName: string,
  ingest: MediaIngest,
  projectId: string | undefined,
  progress: Progress = () => undefined,
  signal?: AbortSignal,
): Promise<RestoreResult> {
  if (!isZip(bytes)) throw new Error(`${fileName}: a backup is a .zip archive; this file is not one.`);
  const source = new ZipSource(bytes, { name: fileName });
  return restoreBackup(repo, source, { ingest, projectId, progress, signal });
}
