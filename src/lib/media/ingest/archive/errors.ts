/** An archive that can't be expanded: unsupported kind, corrupt, encrypted or over the size cap. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

export class IngestAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('The import was cancelled.');
  }
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? ''}`;
}
