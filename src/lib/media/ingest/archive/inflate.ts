import { Gunzip, Inflate } from 'fflate';
import { ArchiveError, IngestAbortedError } from './errors';

const CHUNK = 1 << 20;

/**
 * Inflates a raw-deflate (zip) or gzip stream chunk by chunk, counting what comes out, so a
 * bomb is stopped at `limit` bytes instead of filling memory.
 */
export async function inflateCapped(
  compressed: Blob,
  format: 'deflate' | 'gzip',
  limit: number,
  overLimit: (produced: number) => string,
  signal?: AbortSignal,
): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let produced = 0;
  let failure: string | null = null;
  const sink = (chunk: Uint8Array) => {
    produced += chunk.length;
    if (produced > limit) failure ??= overLimit(produced);
    else parts.push(new Uint8Array(chunk));
  };
  const stream = format === 'gzip' ? new Gunzip(sink) : new Inflate(sink);
  for (let at = 0; at < compressed.size; at += CHUNK) {
    if (signal?.aborted) throw new IngestAbortedError();
    const bytes = new Uint8Array(await compressed.slice(at, at + CHUNK).arrayBuffer());
    // Feed the chunk in slices so that one highly compressed megabyte can't expand to gigabytes at once.
    for (let s = 0; s < bytes.length; s += 16 * 1024) {
      stream.push(bytes.subarray(s, s + 16 * 1024), at + s + 16 * 1024 >= compressed.size);
      if (failure) throw new ArchiveError(failure);
    }
  }
  if (compressed.size === 0) stream.push(new Uint8Array(0), true);
  return new Blob(parts);
}
