/** In-memory `FileSource` and `FileSink`, for tests, single uploads and small exports. */
import { FormatError, type FileSink, type FileSource } from '../types';
import { decodeText, encodeText, normalizePath } from './zip';

/** A `FileSource` over a map of path → bytes or text. */
export class MemorySource implements FileSource {
  readonly name: string;
  private readonly files = new Map<string, Uint8Array | string>();
  private readonly order: string[];

  constructor(
    files: Iterable<[string, Uint8Array | string]> | Record<string, Uint8Array | string>,
    name = 'upload',
  ) {
    this.name = name;
    const entries = Symbol.iterator in files ? files : Object.entries(files);
    for (const [path, data] of entries as Iterable<[string, Uint8Array | string]>) {
      this.files.set(normalizePath(path), data);
    }
    this.order = [...this.files.keys()].sort();
  }

  paths(): readonly string[] {
    return this.order;
  }

  has(path: string): boolean {
    return this.files.has(normalizePath(path));
  }

  async read(path: string): Promise<Uint8Array> {
    const data = this.files.get(normalizePath(path));
    if (data === undefined) throw new FormatError(this.name, `no file "${path}"`);
    return typeof data === 'string' ? encodeText(data) : data;
  }

  async text(path: string): Promise<string> {
    const data = this.files.get(normalizePath(path));
    if (data === undefined) throw new FormatError(this.name, `no file "${path}"`);
    return typeof data === 'string'
      ? data.charCodeAt(0) === 0xfeff
        ? data.slice(1)
        : data
      : decodeText(data);
  }
}

/** A bare uploaded file (`annotations.xml`, `instances_default.json`) as a one-entry source. */
export function singleFileSource(name: string, bytes: Uint8Array | string): MemorySource {
  const base = normalizePath(name).split('/').pop() ?? name;
  return new MemorySource([[base, bytes]], base);
}

/** A `FileSink` that keeps every written file in a map, in write order. */
export class MemorySink implements FileSink {
  readonly files = new Map<string, Uint8Array>();

  async write(path: string, data: Uint8Array | string): Promise<void> {
    const name = normalizePath(path);
    if (this.files.has(name)) throw new Error(`MemorySink: "${name}" written twice`);
    this.files.set(name, typeof data === 'string' ? encodeText(data) : data);
  }

  text(path: string): string {
    const data = this.files.get(normalizePath(path));
    if (data === undefined) throw new Error(`MemorySink: no file "${path}"`);
    return decodeText(data);
  }

  /** What was written, readable again as a source (for round trips). */
  toSource(name = 'export'): MemorySource {
    return new MemorySource(this.files, name);
  }
}
