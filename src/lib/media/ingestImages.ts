import type { FrameMeta } from '$lib/core/types';
import { putBlob } from '$lib/store';
import { compareNatural, sniffImageType } from './imageType';

export interface SkippedFile {
  name: string;
  reason: string;
}

export interface IngestResult {
  frames: FrameMeta[];
  skipped: SkippedFile[];
}

/**
 * Stores local image files as content-addressed blobs and reads their sizes (EXIF orientation
 * applied, as the annotator will see them). Files that are not images are named and skipped.
 */
export async function ingestImages(
  files: readonly File[],
  onProgress?: (done: number, total: number) => void,
): Promise<IngestResult> {
  const frames: FrameMeta[] = [];
  const skipped: SkippedFile[] = [];
  const sorted = [...files].sort((a, b) => compareNatural(a.name, b.name));
  let done = 0;
  for (const file of sorted) {
    const mime = sniffImageType(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
    if (!mime) {
      skipped.push({ name: file.name, reason: 'not a JPEG, PNG, WebP, BMP or GIF image' });
    } else {
      try {
        const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
        const { width, height } = bitmap;
        bitmap.close();
        const blob = await putBlob(new Blob([file], { type: mime }));
        frames.push({ name: file.name, width, height, blob, mime, related_files: 0 });
      } catch (error) {
        if (error instanceof Error && error.name === 'StorageFullError') throw error;
        skipped.push({ name: file.name, reason: 'the image is corrupt and could not be decoded' });
      }
    }
    onProgress?.(++done, sorted.length);
  }
  return { frames, skipped };
}
