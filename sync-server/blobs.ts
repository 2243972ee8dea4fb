import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Content-addressed media blobs, kept per workspace (so that reading one needs membership
 * of that workspace, and deleting a workspace deletes its media).
 *
 * The filesystem store below is the embedded default. The next adapter is S3-compatible
 * storage (AWS S3, MinIO, R2): `stat` is HeadObject on `<ws>/<sha256>`, `read` a ranged
 * GetObject, uploads map to a multipart upload per (ws, sha256) whose parts are the chunks
 * (`received` sums ListParts), `finish` completes it and compares the SHA-256 (S3 can
 * checksum with ChecksumSHA256), and `discard` aborts it. With such a store the server keeps
 * no local files, so several instances can share the media.
 */
export interface BlobStore {
  /** Size of a stored blob, or undefined. */
  stat(ws: string, sha256: string): Promise<number | undefined>;
  /** The bytes (or an inclusive byte range) of a stored blob. */
  read(ws: string, sha256: string, range?: { start: number; end: number }): Readable;
  /** Bytes received so far of an unfinished upload (0 when none). */
  received(ws: string, sha256: string): Promise<number>;
  /**
   * Appends to the upload at `offset` (which must equal `received`); stops with
   * BlobTooLargeError past `maxBytes` in total. Returns the new received size.
   */
  append(ws: string, sha256: string, offset: number, data: Readable, maxBytes: number): Promise<number>;
  /** Checks the hash of a complete upload and stores it; false (and the upload dropped) on a mismatch. */
  finish(ws: string, sha256: string): Promise<boolean>;
  /** Drops an unfinished upload. */
  discard(ws: string, sha256: string): Promise<void>;
  /** Deletes every blob of a workspace. */
  removeWorkspace(ws: string): Promise<void>;
  describe: string;
}

export class BlobTooLargeError extends Error {
  override name = 'BlobTooLargeError';
}

export class BlobOffsetError extends Error {
  override name = 'BlobOffsetError';
  constructor(readonly received: number) {
    super(`The upload has ${received} bytes; continue from there.`);
  }
}

export const SHA256 = /^[0-9a-f]{64}$/;

export function fileBlobStore(root: string): BlobStore {
  const dir = (ws: string) => join(root, ws);
  const blobPath = (ws: string, sha: string) => join(root, ws, sha.slice(0, 2), sha);
  const partPath = (ws: string, sha: string) => join(root, ws, 'uploads', `${sha}.part`);
  // Appends to one upload are serialized within this process.
  const locks = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = run.catch(() => undefined);
    locks.set(key, settled);
    void settled.then(() => {
      if (locks.get(key) === settled) locks.delete(key);
    });
    return run;
  };
  const sizeOf = async (path: string) => {
    try {
      return (await stat(path)).size;
    } catch {
      return undefined;
    }
  };

  return {
    describe: `files in ${root}`,
    stat: (ws, sha) => sizeOf(blobPath(ws, sha)),
    read: (ws, sha, range) => createReadStream(blobPath(ws, sha), range),
    received: async (ws, sha) => (await sizeOf(partPath(ws, sha))) ?? 0,
    append(ws, sha, offset, data, maxBytes) {
      return serialized(`${ws}/${sha}`, async () => {
        const path = partPath(ws, sha);
        const have = (await sizeOf(path)) ?? 0;
        if (have !== offset) {
          data.resume();
          throw new BlobOffsetError(have);
        }
        await mkdir(join(dir(ws), 'uploads'), { recursive: true, mode: 0o700 });
        let total = have;
        const out = createWriteStream(path, { flags: offset === 0 ? 'w' : 'a' });
        await pipeline(
          data,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              total += chunk.length;
              if (total > maxBytes) throw new BlobTooLargeError(`The blob is larger than ${maxBytes} bytes.`);
              yield chunk;
            }
          },
          out,
        ).catch(async (err: unknown) => {
          // What arrived before the error stays, so the upload can resume from it; a blob
          // over the limit is dropped.
          if (err instanceof BlobTooLargeError) await rm(path, { force: true });
          throw err;
        });
        return total;
      });
    },
    finish(ws, sha) {
      return serialized(`${ws}/${sha}`, async () => {
        const path = partPath(ws, sha);
        const hash = createHash('sha256');
        await pipeline(createReadStream(path), hash);
        if (hash.digest('hex') !== sha) {
          await rm(path, { force: true });
          return false;
        }
        const target = blobPath(ws, sha);
        await mkdir(join(dir(ws), sha.slice(0, 2)), { recursive: true, mode: 0o700 });
        await rename(path, target);
        return true;
      });
    },
    discard: (ws, sha) => serialized(`${ws}/${sha}`, () => rm(partPath(ws, sha), { force: true })),
    removeWorkspace: (ws) => rm(dir(ws), { recursive: true, force: true }),
  };
}
