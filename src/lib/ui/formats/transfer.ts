/**
 * The page side of dataset import/export and backups: each operation runs in the `io` worker,
 * reports progress, can be cancelled, and archives come back in chunks that become one Blob to
 * save.
 */
import * as Comlink from 'comlink';
import type { ImportResult, ImportTarget } from '$lib/formats/app/apply';
import type { CommitOptions, ExportRequest, ExportScope, ExportSummary } from '$lib/formats/app/operations';
import type { RestoreResult } from '$lib/formats/backup/restore';
import type { FormatShapeKind } from '$lib/formats/types';
import { getIoWorker } from '$lib/workers/io';
import type { FormatInfo, PreparedImportInfo } from '../../../../workers/io.worker';
import { repository } from '../workspace';

export type { ExportScope, FormatInfo, ImportResult, ImportTarget, PreparedImportInfo, RestoreResult };

let formatList: Promise<FormatInfo[]> | null = null;

/** Registered formats for a dimension and direction, in registry order (asked once from the worker). */
export async function formatsFor(
  dimension: '2d' | '3d',
  direction: 'import' | 'export',
): Promise<FormatInfo[]> {
  formatList ??= getIoWorker().formats();
  const all = await formatList;
  return all.filter((f) => f.dimension === dimension && (direction === 'import' ? f.canImport : f.canExport));
}

export function displayName(format: Pick<FormatInfo, 'name' | 'version'>): string {
  return `${format.name} ${format.version}`;
}

export type Progress = (fraction: number, message?: string) => void;

/** A running operation: its result, and a way to stop it. */
export interface Running<T> {
  result: Promise<T>;
  cancel(): void;
}

let lastToken = Math.floor(Math.random() * 1e6);
const nextToken = () => ++lastToken;

async function workspaceId(): Promise<string> {
  return (await repository()).workspace.id;
}

function run<T>(work: (token: number) => Promise<T>): Running<T> {
  const token = nextToken();
  return {
    result: work(token),
    cancel: () => void getIoWorker().cancel(token),
  };
}

/** True for the error a cancelled operation ends with. */
export function isCancelled(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || /cancelled|aborted/i.test(error.message));
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function collect(): { onChunk: (chunk: Uint8Array) => void; blob(): Blob } {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  return {
    onChunk: (chunk) => void parts.push(chunk as Uint8Array<ArrayBuffer>),
    blob: () => new Blob(parts, { type: 'application/zip' }),
  };
}

export function usedKinds(scope: ExportScope): Promise<FormatShapeKind[]> {
  return workspaceId().then((ws) => getIoWorker().usedKinds(ws, scope));
}

/**
 * Exports in the worker. Chunks go to `target` when given (a file chosen with the File System
 * Access API, written as they come), otherwise into the returned Blob.
 */
export function exportDataset(
  request: ExportRequest,
  onProgress: Progress,
  target?: FileTarget,
): Running<{ blob: Blob | null; summary: ExportSummary }> {
  return run(async (token) => {
    const chunks = collect();
    let writing = Promise.resolve();
    const onChunk = target
      ? (chunk: Uint8Array) => void (writing = writing.then(() => target.write(chunk)))
      : chunks.onChunk;
    try {
      const summary = await getIoWorker().exportDataset(
        await workspaceId(),
        request,
        token,
        Comlink.proxy(onChunk),
        Comlink.proxy(onProgress),
      );
      await writing;
      await target?.close();
      return { blob: target ? null : chunks.blob(), summary };
    } catch (error) {
      await target?.abort();
      throw error;
    }
  });
}

/** A file on disk being written, from the File System Access API. */
export interface FileTarget {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

interface SaveFilePicker {
  showSaveFilePicker(options: {
    suggestedName: string;
    types: { description: string; accept: Record<string, string[]> }[];
  }): Promise<{
    createWritable(): Promise<{
      write(data: Uint8Array<ArrayBuffer>): Promise<void>;
      close(): Promise<void>;
      abort(): Promise<void>;
    }>;
  }>;
}

/** Whether the browser can save straight to a file the user picks (Chromium). */
export function canPickSaveFile(): boolean {
  return typeof window !== 'undefined' && 'showSaveFilePicker' in window;
}

/**
 * Asks where to save `name` and opens it for writing; `null` when the user closes the picker.
 * Call it from the click handler: the picker needs the user's gesture.
 */
export async function pickSaveFile(name: string): Promise<FileTarget | null> {
  try {
    const handle = await (window as unknown as SaveFilePicker).showSaveFilePicker({
      suggestedName: name,
      types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }],
    });
    const writable = await handle.createWritable();
    return {
      write: (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>),
      close: () => writable.close(),
      abort: () => writable.abort().catch(() => undefined),
    };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
}

export function backup(scope: { kind: 'task' | 'project'; id: string }, onProgress: Progress): Running<Blob> {
  return run(async (token) => {
    const chunks = collect();
    await getIoWorker().backup(
      await workspaceId(),
      scope,
      token,
      Comlink.proxy(chunks.onChunk),
      Comlink.proxy(onProgress),
    );
    return chunks.blob();
  });
}

export interface PreparedImport extends PreparedImportInfo {
  token: number;
}

export function prepareImport(
  file: File,
  formatId: string,
  projectLabels: readonly { name: string }[],
  frames: readonly { name: string; width: number; height: number }[] | undefined,
  onProgress: Progress,
): Running<PreparedImport> {
  return run(async (token) => {
    const info = await getIoWorker().prepareImport(
      file,
      file.name,
      formatId,
      projectLabels.map((l) => ({ name: l.name })),
      frames?.map((f) => ({ name: f.name, width: f.width, height: f.height })),
      token,
      Comlink.proxy(onProgress),
    );
    return { ...info, token };
  });
}

export function discardImport(prepared: PreparedImport): void {
  void getIoWorker().discardImport(prepared.token);
}

export function commitImport(
  prepared: PreparedImport,
  target: ImportTarget,
  options: CommitOptions,
  onProgress: Progress,
): Running<ImportResult> {
  return {
    result: workspaceId().then((ws) =>
      getIoWorker().commitImport(ws, prepared.token, target, options, Comlink.proxy(onProgress)),
    ),
    cancel: () => void getIoWorker().cancel(prepared.token),
  };
}

export function restoreBackup(
  file: File,
  projectId: string | undefined,
  onProgress: Progress,
): Running<RestoreResult> {
  return run(async (token) =>
    getIoWorker().restore(await workspaceId(), file, file.name, projectId, token, Comlink.proxy(onProgress)),
  );
}

/** Saves a Blob as a download. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start reading before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `name.zip`, with characters that file systems refuse replaced. */
export function zipName(name: string): string {
  const clean = name
    .trim()
    .replace(/\.zip$/i, '')
    .replace(/[\\/:*?"<>|]+/g, '_')
    .replace(/\p{Cc}+/gu, '');
  return `${clean || 'dataset'}.zip`;
}

/** CVAT's default export name: `<scope>_<name>-<date>-<format>`. */
export function defaultExportName(kind: string, name: string, format: string, date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}_${pad(date.getMonth() + 1)}_${pad(date.getDate())}_${pad(date.getHours())}_${pad(date.getMinutes())}_${pad(date.getSeconds())}`;
  return `${kind}_${name}-${stamp}-${format}`.replace(/\s+/g, ' ');
}
