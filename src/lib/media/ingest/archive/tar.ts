/** POSIX/GNU tar from a Blob: entries are slices of the archive (pax and GNU long names read). */
import { ArchiveError, formatBytes, IngestAbortedError } from './errors';
import { normalizeEntryPath, type ArchiveEntry, type ExpandOptions } from './types';

function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const nul = field.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? field : field.subarray(0, nul));
}

function octal(bytes: Uint8Array, start: number, length: number): number {
  // GNU base-256 for sizes of 8 GB and more: the high bit of the first byte is set.
  if ((bytes[start] ?? 0) & 0x80) {
    let value = (bytes[start] ?? 0) & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (bytes[start + i] ?? 0);
    return value;
  }
  const digits = text(bytes, start, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function paxPath(body: string): string | undefined {
  for (const record of body.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

export async function expandTar(blob: Blob, name: string, options: ExpandOptions): Promise<ArchiveEntry[]> {
  const { maxExpandedBytes, signal, onProgress } = options;
  const out: ArchiveEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  let total = 0;
  while (at + 512 <= blob.size) {
    if (signal?.aborted) throw new IngestAbortedError();
    const header = new Uint8Array(await blob.slice(at, at + 512).arrayBuffer());
    if (header.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
    if (sum !== octal(header, 148, 8))
      throw new ArchiveError(`${name} is not a valid tar archive (bad header checksum at byte ${at}).`);
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = at + 512;
    const dataEnd = dataStart + size;
    if (dataEnd > blob.size)
      throw new ArchiveError(`${name} is truncated: an entry ends past the end of the file.`);
    at = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = text(new Uint8Array(await blob.slice(dataStart, dataEnd).arrayBuffer()), 0, size);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(await blob.slice(dataStart, dataEnd).text()) ?? longName;
      continue;
    }
    const prefix = text(header, 257, 6) === 'ustar' ? text(header, 345, 155) : '';
    const path = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type !== '0' && type !== '\0' && type !== '7') continue; // directories, links, devices
    total += size;
    if (total > maxExpandedBytes) {
      throw new ArchiveError(
        `${name} holds more than ${formatBytes(maxExpandedBytes)}, the limit for one archive. Split it or add the files directly.`,
      );
    }
    onProgress?.(at, blob.size, path);
    const normal = normalizeEntryPath(path);
    if (normal) out.push({ path: normal, blob: blob.slice(dataStart, dataEnd) });
  }
  onProgress?.(blob.size, blob.size, '');
  return out;
}
