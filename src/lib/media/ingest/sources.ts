/** Turns what the user gave (files, dropped or picked folders, URLs) into a flat list of named blobs. */
import { IngestAbortedError } from './archive/errors';
import { IngestError } from './layout';

export type IngestInput = File | { url: string } | FileSystemDirectoryHandle | FileSystemEntry;

export interface SourceFile {
  /** Path relative to what was given: "a.jpg", "folder/sub/a.jpg", or the path inside an archive. */
  path: string;
  blob: Blob;
}

function isFileSystemEntry(input: IngestInput): input is FileSystemEntry {
  return typeof (input as FileSystemEntry).isDirectory === 'boolean' && 'fullPath' in input;
}

function isDirectoryHandle(input: IngestInput): input is FileSystemDirectoryHandle {
  return (input as FileSystemDirectoryHandle).kind === 'directory' && 'values' in input;
}

/** The last path segment of a URL, or its host when it has none. */
export function nameFromUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const last = decodeURIComponent(parsed.pathname.split('/').filter(Boolean).pop() ?? '');
    return last || parsed.hostname;
  } catch {
    return url;
  }
}

async function download(url: string, signal?: AbortSignal): Promise<SourceFile> {
  let response: Response;
  try {
    response = await fetch(url, { signal, mode: 'cors', credentials: 'omit' });
  } catch (error) {
    if (signal?.aborted) throw new IngestAbortedError();
    throw new IngestError(
      `Could not download ${url}: the server could not be reached or does not allow other sites to read it (CORS). ` +
        `Download the file and add it from this device instead (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  if (!response.ok)
    throw new IngestError(
      `Could not download ${url}: the server answered ${response.status} ${response.statusText}.`.trim(),
    );
  return { path: nameFromUrl(url), blob: await response.blob() };
}

async function* walkHandle(dir: FileSystemDirectoryHandle, prefix: string): AsyncGenerator<SourceFile> {
  const children: FileSystemHandle[] = [];
  for await (const handle of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values())
    children.push(handle);
  for (const child of children) {
    const path = `${prefix}/${child.name}`;
    if (child.kind === 'file') yield { path, blob: await (child as FileSystemFileHandle).getFile() };
    else yield* walkHandle(child as FileSystemDirectoryHandle, path);
  }
}

async function readEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries returns at most 100 entries per call; read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function* walkEntry(entry: FileSystemEntry): AsyncGenerator<SourceFile> {
  const path = entry.fullPath.replace(/^\/+/, '');
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    yield { path, blob: file };
  } else if (entry.isDirectory) {
    for (const child of await readEntries(entry as FileSystemDirectoryEntry)) yield* walkEntry(child);
  }
}

/** Every file of every input, in the order given (folders in the order the browser lists them). */
export async function* collectSources(
  inputs: readonly IngestInput[],
  signal?: AbortSignal,
): AsyncGenerator<SourceFile> {
  for (const input of inputs) {
    if (signal?.aborted) throw new IngestAbortedError();
    if (input instanceof File) {
      yield { path: input.webkitRelativePath || input.name, blob: input };
    } else if ('url' in input && typeof input.url === 'string') {
      yield await download(input.url, signal);
    } else if (isFileSystemEntry(input)) {
      yield* walkEntry(input);
    } else if (isDirectoryHandle(input)) {
      yield* walkHandle(input, input.name);
    }
  }
}
