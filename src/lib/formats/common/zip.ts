/**
 * Zip archives as `FileSource` and `FileSink`, on fflate. Reading lists the entries once and
 * inflates an entry only when it is read; writing streams: each `write` deflates one entry and
 * hands the archive bytes to `onChunk` as they are produced (or keeps them for `bytes()`).
 */
import { Zip, ZipDeflate, ZipPassThrough, inflateSync, strFromU8, strToU8, unzipSync } from 'fflate';
import { FormatError, type FileSink, type FileSource } from '../types';

/** Entries that are never part of a dataset: macOS resource forks and Finder files. */
function isJunk(path: string): boolean {
  return path.startsWith('__MACOSX/') || path.endsWith('/.DS_Store') || path === '.DS_Store';
}

/** `a\b/./c` → `a/b/c`; no leading `/`. */
export function normalizePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** Decodes UTF-8 bytes to text without a leading byte-order mark. */
export function decodeText(bytes: Uint8Array): string {
  const text = strFromU8(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function encodeText(text: string): Uint8Array {
  return strToU8(text);
}

/** True when `bytes` start with a zip local-file or empty-archive signature. */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06))
  );
}

export interface ZipSourceOptions {
  /** Name of the archive for error messages (`dataset.zip`). */
  name?: string;
  /**
   * Strip one common top-level folder (`export/annotations.xml` → `annotations.xml`) when every
   * entry sits in it, as archives zipped from a folder do. Default true.
   */
  stripCommonRoot?: boolean;
}

interface EntryLocation {
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  offset: number;
}

const u16 = (d: Uint8Array, o: number): number => d[o]! | (d[o + 1]! << 8);
const u32 = (d: Uint8Array, o: number): number =>
  (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;

/**
 * Where each entry's data starts, from the central directory, so that reading one entry does
 * not rescan the archive. Zip64 sizes and offsets are read from the extra field. Returns null
 * for anything unusual; `ZipSource` then falls back to fflate's own scan.
 */
function indexEntries(d: Uint8Array): Map<string, EntryLocation> | null {
  let eocd = -1;
  for (let i = d.length - 22; i >= Math.max(0, d.length - 22 - 65535); i--) {
    if (u32(d, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  let count = u16(d, eocd + 10);
  let offset = u32(d, eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(d, locator) !== 0x07064b50) return null;
    const z64 = Number(new DataView(d.buffer, d.byteOffset).getBigUint64(locator + 8, true));
    if (u32(d, z64) !== 0x06064b50) return null;
    const view = new DataView(d.buffer, d.byteOffset);
    count = Number(view.getBigUint64(z64 + 32, true));
    offset = Number(view.getBigUint64(z64 + 48, true));
  }
  const out = new Map<string, EntryLocation>();
  const decoder = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (offset + 46 > d.length || u32(d, offset) !== 0x02014b50) return null;
    const method = u16(d, offset + 10);
    let compressedSize = u32(d, offset + 20);
    let size = u32(d, offset + 24);
    const nameLength = u16(d, offset + 28);
    const extraLength = u16(d, offset + 30);
    const commentLength = u16(d, offset + 32);
    let local = u32(d, offset + 42);
    const name = decoder.decode(d.subarray(offset + 46, offset + 46 + nameLength));
    if (size === 0xffffffff || compressedSize === 0xffffffff || local === 0xffffffff) {
      const view = new DataView(d.buffer, d.byteOffset);
      let e = offset + 46 + nameLength;
      const end = e + extraLength;
      while (e + 4 <= end) {
        const id = u16(d, e);
        const length = u16(d, e + 2);
        if (id === 1) {
          let f = e + 4;
          if (size === 0xffffffff) {
            size = Number(view.getBigUint64(f, true));
            f += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(view.getBigUint64(f, true));
            f += 8;
          }
          if (local === 0xffffffff) local = Number(view.getBigUint64(f, true));
        }
        e += 4 + length;
      }
    }
    out.set(name, { method, compressedSize, size, offset: local });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

/**
 * A `FileSource` over the bytes of a zip archive. Entries are inflated on `read` and not kept.
 */
export class ZipSource implements FileSource {
  readonly name: string;
  private readonly data: Uint8Array;
  /** Normalized path → the raw entry name in the archive. */
  private readonly entries = new Map<string, string>();
  private readonly order: string[];
  private readonly index: Map<string, EntryLocation> | null;

  constructor(data: Uint8Array, options: ZipSourceOptions = {}) {
    this.name = options.name ?? 'archive.zip';
    this.data = data;
    const raw: string[] = [];
    try {
      unzipSync(data, {
        filter: (file) => {
          if (!file.name.endsWith('/')) raw.push(file.name);
          return false;
        },
      });
    } catch (error) {
      throw new FormatError(this.name, `not a readable zip archive: ${(error as Error).message}`, {
        expected: 'a .zip file',
      });
    }
    const names = raw.map(normalizePath).filter((p) => p !== '' && !isJunk(p));
    let prefix = '';
    if (options.stripCommonRoot !== false && names.length > 0) {
      const first = names[0]!.split('/')[0]!;
      if (names.every((p) => p.startsWith(first + '/'))) prefix = first + '/';
    }
    raw.forEach((rawName) => {
      const p = normalizePath(rawName);
      if (p === '' || isJunk(p)) return;
      this.entries.set(p.slice(prefix.length), rawName);
    });
    this.order = [...this.entries.keys()].sort();
    this.index = indexEntries(data);
  }

  paths(): readonly string[] {
    return this.order;
  }

  has(path: string): boolean {
    return this.entries.has(normalizePath(path));
  }

  async read(path: string): Promise<Uint8Array> {
    return this.readSync(path);
  }

  /** Synchronous read, for callers that are already off the main thread. */
  readSync(path: string): Uint8Array {
    const rawName = this.entries.get(normalizePath(path));
    if (rawName === undefined) throw new FormatError(this.name, `no file "${path}" in the archive`);
    let out: Uint8Array | undefined;
    const at = this.index?.get(rawName);
    if (at !== undefined && (at.method === 0 || at.method === 8)) {
      const d = this.data;
      if (u32(d, at.offset) === 0x04034b50) {
        const start = at.offset + 30 + u16(d, at.offset + 26) + u16(d, at.offset + 28);
        const raw = d.subarray(start, start + at.compressedSize);
        try {
          out = at.method === 0 ? raw.slice() : inflateSync(raw, { out: new Uint8Array(at.size) });
        } catch (error) {
          throw new FormatError(this.name, `cannot inflate "${path}": ${(error as Error).message}`);
        }
        if (out.length === at.size) return out;
      }
    }
    try {
      const files = unzipSync(this.data, { filter: (file) => file.name === rawName });
      out = files[rawName];
    } catch (error) {
      throw new FormatError(this.name, `cannot inflate "${path}": ${(error as Error).message}`);
    }
    if (out === undefined) throw new FormatError(this.name, `cannot inflate "${path}"`);
    return out;
  }

  /** Inflates several entries in one pass over the archive; missing paths are left out. */
  readMany(paths: readonly string[]): Map<string, Uint8Array> {
    const wanted = new Map<string, string>();
    for (const p of paths) {
      const rawName = this.entries.get(normalizePath(p));
      if (rawName !== undefined) wanted.set(rawName, normalizePath(p));
    }
    const files = unzipSync(this.data, { filter: (file) => wanted.has(file.name) });
    const out = new Map<string, Uint8Array>();
    for (const [rawName, p] of wanted) {
      const bytes = files[rawName];
      if (bytes !== undefined) out.set(p, bytes);
    }
    return out;
  }

  async text(path: string): Promise<string> {
    return decodeText(this.readSync(path));
  }
}

/** Extensions stored without compression: already-compressed media. */
const STORED = /\.(jpe?g|png|gif|webp|avif|heic|mp4|mov|mkv|webm|avi|zip|gz|7z|bz2|xz|pcd|bin)$/i;

export interface ZipSinkOptions {
  /**
   * Receives the archive bytes in order as they are produced. When absent, the chunks are kept
   * and `bytes()` returns the whole archive.
   */
  onChunk?: (chunk: Uint8Array) => void;
  /** Deflate level for text entries, 0–9; default 6. */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

/**
 * A streaming zip writer. Text entries are deflated; media (jpg, png, mp4, …) is stored as it
 * is. Call `finish()` once after the last `write`.
 */
export class ZipSink implements FileSink {
  private readonly zip: Zip;
  private readonly chunks: Uint8Array[] = [];
  private readonly names = new Set<string>();
  private readonly level: ZipSinkOptions['level'];
  private error: Error | null = null;
  private done = false;
  private finished = false;
  private size = 0;

  constructor(options: ZipSinkOptions = {}) {
    this.level = options.level ?? 6;
    const onChunk = options.onChunk;
    this.zip = new Zip((error, chunk, final) => {
      if (error) {
        this.error = error;
        return;
      }
      this.size += chunk.length;
      if (onChunk) onChunk(chunk);
      else this.chunks.push(chunk);
      if (final) this.done = true;
    });
  }

  /** Bytes of the archive produced so far. */
  get byteLength(): number {
    return this.size;
  }

  async write(path: string, data: Uint8Array | string): Promise<void> {
    this.writeSync(path, data);
  }

  writeSync(path: string, data: Uint8Array | string): void {
    if (this.finished) throw new Error('ZipSink: write after finish');
    if (this.error) throw this.error;
    const name = normalizePath(path);
    if (name === '') throw new Error('ZipSink: empty path');
    if (this.names.has(name)) throw new Error(`ZipSink: "${name}" written twice`);
    this.names.add(name);
    const bytes = typeof data === 'string' ? strToU8(data) : data;
    const entry = STORED.test(name) ? new ZipPassThrough(name) : new ZipDeflate(name, { level: this.level });
    this.zip.add(entry);
    entry.push(bytes, true);
    if (this.error) throw this.error;
  }

  /** Writes the central directory. Returns the whole archive when no `onChunk` was given. */
  async finish(): Promise<Uint8Array> {
    if (!this.finished) {
      this.finished = true;
      this.zip.end();
    }
    if (this.error) throw this.error;
    if (!this.done) throw new Error('ZipSink: archive did not complete');
    return this.bytes();
  }

  /** The archive bytes kept so far (empty when chunks go to `onChunk`). */
  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    this.chunks.length = 0;
    if (out.length > 0) this.chunks.push(out);
    return out;
  }
}
