/** Media files of an export ("save images"). */
import { checkAbort } from './dataset';
import type { DatasetItem, ExportOptions, FileSink } from '../types';

/** `png`, `jpg`, … from the file name, or from the bytes when the name has no extension. */
export function mediaExtension(name: string, bytes: Uint8Array): string {
  const m = /\.([A-Za-z0-9]{2,5})$/.exec(name);
  if (m) return m[1]!;
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpg';
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57) return 'webp';
  return 'bin';
}

/** Writes `images/…` for every item whose media is available. */
export async function writeMedia(
  items: readonly DatasetItem[],
  sink: FileSink,
  options: ExportOptions,
  pathOf: (item: DatasetItem, bytes: Uint8Array) => string,
): Promise<void> {
  if (!options.saveImages || !options.media) return;
  let n = 0;
  for (const item of items) {
    checkAbort(options.signal);
    const bytes = await options.media(item);
    n++;
    options.progress?.(0.5 + (0.5 * n) / items.length, `Writing ${item.name}`);
    if (bytes === undefined) continue;
    await sink.write(pathOf(item, bytes), bytes);
  }
}
