/**
 * Node inputs and outputs for the CLI: a zip archive, a folder or a single file as a
 * `FileSource`, and a zip, a folder or a single file as the destination of an export.
 */
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { singleFileSource } from '../lib/formats/common/memory';
import { ZipSink, ZipSource, decodeText, encodeText, isZip, normalizePath } from '../lib/formats/common/zip';
import { FormatError, type FileSink, type FileSource } from '../lib/formats/types';

/** A folder on disk; paths are relative to it, with `/`. */
export class FolderSource implements FileSource {
  private readonly list: string[];

  constructor(readonly root: string) {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === '.DS_Store' || entry.name === '__MACOSX') continue;
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
      }
    };
    walk(root);
    this.list = out.sort();
  }

  paths(): readonly string[] {
    return this.list;
  }

  has(path: string): boolean {
    return this.list.includes(normalizePath(path));
  }

  async read(path: string): Promise<Uint8Array> {
    const p = normalizePath(path);
    if (!this.has(p)) throw new FormatError(this.root, `no file "${p}"`);
    return readFileSync(join(this.root, p));
  }

  async text(path: string): Promise<string> {
    return decodeText(await this.read(path));
  }
}

/** Opens a zip, a folder or a single file for reading. */
export function openInput(path: string): FileSource {
  if (!existsSync(path))
    throw new FormatError(path, 'no such file or folder', { expected: 'a .zip, a folder or a file' });
  if (statSync(path).isDirectory()) return new FolderSource(path);
  const bytes = readFileSync(path);
  if (isZip(bytes)) return new ZipSource(bytes, { name: path });
  return singleFileSource(path, bytes);
}

/** Where an export goes: a `.zip`, a folder, or (for one-file exports) a single file. */
export interface Output extends FileSink {
  /** Finishes the output; returns the files written. */
  close(): Promise<string[]>;
}

export function openOutput(path: string): Output {
  if (/\.zip$/i.test(path)) {
    mkdirSync(dirname(path) || '.', { recursive: true });
    const stream = createWriteStream(path);
    const names: string[] = [];
    const zip = new ZipSink({ onChunk: (chunk) => stream.write(chunk) });
    return {
      async write(p, data) {
        names.push(normalizePath(p));
        zip.writeSync(p, data);
      },
      async close() {
        await zip.finish();
        await new Promise<void>((resolve, reject) =>
          stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
        );
        return names;
      },
    };
  }
  const single = /\.(xml|json)$/i.test(path);
  const files: [string, Uint8Array | string][] = [];
  return {
    async write(p, data) {
      files.push([normalizePath(p), data]);
    },
    async close() {
      if (single) {
        // A bare annotation file: only when the export is one annotation file.
        const annotation = files.filter(([p]) => /\.(xml|json)$/i.test(p));
        if (annotation.length !== 1 || files.length !== 1)
          throw new FormatError(
            path,
            `the export has ${files.length} files (${files
              .map(([p]) => p)
              .slice(0, 4)
              .join(', ')})`,
            {
              expected: 'an output ending in .zip or a folder',
            },
          );
        mkdirSync(dirname(path) || '.', { recursive: true });
        writeFileSync(path, typeof files[0]![1] === 'string' ? encodeText(files[0]![1]) : files[0]![1]);
        return [path];
      }
      for (const [p, data] of files) {
        const full = join(path, p);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, typeof data === 'string' ? encodeText(data) : data);
      }
      return files.map(([p]) => join(path, p));
    },
  };
}
