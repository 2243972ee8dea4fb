/** ZIP reading from a Blob: the central directory first, then each entry on demand (zip64 aware). */
import { ArchiveError, formatBytes, IngestAbortedError } from './errors';
import { inflateCapped } from './inflate';
import { normalizeEntryPath, type ArchiveEntry, type ExpandOptions } from './types';

interface CentralEntry {
  path: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

async function bytesAt(blob: Blob, start: number, end: number): Promise<DataView> {
  const buffer = await blob.slice(start, end).arrayBuffer();
  return new DataView(buffer);
}

function u64(view: DataView, at: number): number {
  return Number(view.getBigUint64(at, true));
}

async function readDirectory(blob: Blob, name: string): Promise<CentralEntry[]> {
  const tailStart = Math.max(0, blob.size - 65_557);
  const tail = await bytesAt(blob, tailStart, blob.size);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new ArchiveError(
      `${name} is not a complete ZIP archive (its end record is missing; the file may be truncated).`,
    );
  let count = tail.getUint16(eocd + 10, true);
  let directorySize = tail.getUint32(eocd + 12, true);
  let directoryOffset = tail.getUint32(eocd + 16, true);
  if (eocd >= 20 && tail.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const zip64At = u64(tail, eocd - 12);
    const zip64 = await bytesAt(blob, zip64At, zip64At + 56);
    if (zip64.getUint32(0, true) !== ZIP64_EOCD)
      throw new ArchiveError(`${name}: the ZIP64 end record is corrupt.`);
    count = u64(zip64, 32);
    directorySize = u64(zip64, 40);
    directoryOffset = u64(zip64, 48);
  }
  if (directoryOffset + directorySize > blob.size) {
    throw new ArchiveError(`${name} is truncated: its directory lies beyond the end of the file.`);
  }
  const dir = await bytesAt(blob, directoryOffset, directoryOffset + directorySize);
  const entries: CentralEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > dir.byteLength || dir.getUint32(at, true) !== CENTRAL) {
      throw new ArchiveError(`${name}: ZIP directory entry ${i + 1} is corrupt.`);
    }
    const flags = dir.getUint16(at + 8, true);
    const method = dir.getUint16(at + 10, true);
    let compressedSize = dir.getUint32(at + 20, true);
    let size = dir.getUint32(at + 24, true);
    const nameLength = dir.getUint16(at + 28, true);
    const extraLength = dir.getUint16(at + 30, true);
    const commentLength = dir.getUint16(at + 32, true);
    let localOffset = dir.getUint32(at + 42, true);
    const rawName = new Uint8Array(dir.buffer, at + 46, nameLength);
    const path = new TextDecoder().decode(rawName);
    // ZIP64: the 32-bit fields hold 0xFFFFFFFF and the real values sit in extra field 0x0001, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = dir.getUint16(extra, true);
      const length = dir.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === 0xffffffff) {
          size = u64(dir, field);
          field += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(dir, field);
          field += 8;
        }
        if (localOffset === 0xffffffff) localOffset = u64(dir, field);
      }
      extra += 4 + length;
    }
    entries.push({ path, method, encrypted: (flags & 1) === 1, compressedSize, size, localOffset });
    at = extraEnd + commentLength;
  }
  return entries;
}

export async function expandZip(blob: Blob, name: string, options: ExpandOptions): Promise<ArchiveEntry[]> {
  const { maxExpandedBytes, signal, onProgress } = options;
  const files = (await readDirectory(blob, name)).filter((e) => !e.path.endsWith('/'));
  const declared = files.reduce((sum, e) => sum + e.size, 0);
  const tooBig = (bytes: number) =>
    `${name} expands to ${bytes > declared ? 'more than ' : ''}${formatBytes(bytes)}, over the ${formatBytes(maxExpandedBytes)} limit for one archive; it may be a zip bomb. Split it into smaller archives or add the files directly.`;
  if (declared > maxExpandedBytes) throw new ArchiveError(tooBig(declared));
  const out: ArchiveEntry[] = [];
  let expanded = 0;
  for (const [index, entry] of files.entries()) {
    if (signal?.aborted) throw new IngestAbortedError();
    onProgress?.(index, files.length, entry.path);
    if (entry.encrypted)
      throw new ArchiveError(
        `${name}: ${entry.path} is encrypted; password-protected archives are not supported.`,
      );
    const local = await bytesAt(blob, entry.localOffset, entry.localOffset + 30);
    if (local.byteLength < 30 || local.getUint32(0, true) !== LOCAL) {
      throw new ArchiveError(`${name}: the data of ${entry.path} is missing or corrupt.`);
    }
    const start = entry.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    const end = start + entry.compressedSize;
    if (end > blob.size)
      throw new ArchiveError(`${name} is truncated: ${entry.path} ends past the end of the file.`);
    const data = blob.slice(start, end);
    let content: Blob;
    if (entry.method === 0) {
      content = data;
    } else if (entry.method === 8) {
      // The directory's size can lie: enforce both the entry's declared size and the archive cap.
      const limit = Math.min(entry.size, maxExpandedBytes - expanded);
      try {
        content = await inflateCapped(
          data,
          'deflate',
          limit,
          (produced) =>
            produced > entry.size
              ? `${name}: ${entry.path} expands to more than the ${formatBytes(entry.size)} its header declares; the archive is corrupt or a zip bomb.`
              : tooBig(expanded + produced),
          signal,
        );
      } catch (error) {
        if (error instanceof ArchiveError || error instanceof IngestAbortedError) throw error;
        throw new ArchiveError(
          `${name}: ${entry.path} is corrupt (${error instanceof Error ? error.message : String(error)}).`,
        );
      }
      if (content.size !== entry.size) {
        throw new ArchiveError(
          `${name}: ${entry.path} is truncated (${content.size} of ${entry.size} bytes).`,
        );
      }
    } else {
      throw new ArchiveError(
        `${name}: ${entry.path} uses ZIP compression method ${entry.method}; only stored and deflate entries are supported.`,
      );
    }
    expanded += content.size;
    const path = normalizeEntryPath(entry.path);
    if (path) out.push({ path, blob: content });
  }
  onProgress?.(files.length, files.length, '');
  return out;
}
