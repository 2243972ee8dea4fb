import { ArchiveError, formatBytes } from './errors';
import { inflateCapped } from './inflate';
import { expandTar } from './tar';
import { archiveKindOf, type ArchiveEntry, type ExpandOptions } from './types';
import { expandZip } from './zip';

export { ArchiveError, IngestAbortedError, formatBytes } from './errors';
export { archiveKindOf, type ArchiveEntry, type ArchiveKind, type ExpandOptions } from './types';

/** Expands a zip, tar or tar.gz archive; other kinds (RAR, 7z, …) get a clear refusal naming the file. */
export async function expandArchive(
  blob: Blob,
  name: string,
  options: ExpandOptions,
): Promise<ArchiveEntry[]> {
  const head = new Uint8Array(await blob.slice(0, 512).arrayBuffer());
  const kind = archiveKindOf(head, name);
  switch (kind) {
    case 'zip':
      return expandZip(blob, name, options);
    case 'tar':
      return expandTar(blob, name, options);
    case 'tar.gz': {
      let tar: Blob;
      try {
        tar = await inflateCapped(
          blob,
          'gzip',
          options.maxExpandedBytes,
          () =>
            `${name} expands to more than ${formatBytes(options.maxExpandedBytes)}, the limit for one archive; it may be a zip bomb.`,
          options.signal,
        );
      } catch (error) {
        if (error instanceof Error && (error.name === 'ArchiveError' || error.name === 'AbortError'))
          throw error;
        throw new ArchiveError(
          `${name} is not a valid gzip file (${error instanceof Error ? error.message : String(error)}).`,
        );
      }
      return expandTar(tar, name, options);
    }
    case null:
      throw new ArchiveError(`${name} is not a ZIP or tar archive.`);
    default:
      throw new ArchiveError(
        `${name} is a ${kind.toUpperCase()} archive, an unsupported archive type. Loupe expands ZIP, tar and tar.gz archives; repack it as ZIP.`,
      );
  }
}
