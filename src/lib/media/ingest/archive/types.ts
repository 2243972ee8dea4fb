/** A file taken out of an archive; stored entries are slices of the archive, not copies. */
export interface ArchiveEntry {
  /** Path inside the archive, with forward slashes and no leading "./" or "/". */
  path: string;
  blob: Blob;
}

export interface ExpandOptions {
  /** Refuse archives whose contents add up to more than this many bytes (zip bombs). */
  maxExpandedBytes: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, file: string) => void;
}

export type ArchiveKind = 'zip' | 'tar' | 'tar.gz' | 'rar' | '7z' | 'bzip2' | 'xz';

/** Archive kinds by their first bytes (and the name, for tar, which has no signature at offset 0). */
export function archiveKindOf(head: Uint8Array, name: string): ArchiveKind | null {
  const b = head;
  const lower = name.toLowerCase();
  if (b[0] === 0x50 && b[1] === 0x4b && (b[2] === 0x03 || b[2] === 0x05) && (b[3] === 0x04 || b[3] === 0x06))
    return 'zip';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'tar.gz';
  if (b[0] === 0x52 && b[1] === 0x61 && b[2] === 0x72 && b[3] === 0x21) return 'rar';
  if (b[0] === 0x37 && b[1] === 0x7a && b[2] === 0xbc && b[3] === 0xaf) return '7z';
  if (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return 'bzip2';
  if (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58) return 'xz';
  const ustar = String.fromCharCode(...b.subarray(257, 262));
  if (ustar === 'ustar' || lower.endsWith('.tar')) return 'tar';
  return null;
}

export function normalizeEntryPath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}
