/**
 * Decodes any image a task can hold into an upright ImageBitmap: browser-native formats with
 * `createImageBitmap` (EXIF orientation applied), TIFF and Netpbm through our decoders.
 * Works on the main thread and in workers; the frame service and the ingest worker both use it.
 */
import { isNetpbm } from './fileKind';
import { decodePnm } from './pnm';
import type { Raster } from './raster';
import { decodeTiff } from './tiff';

export { ImageDecodeError } from './pnm';

/** Decoded pixels for TIFF and Netpbm, which browsers can't decode; null for the others. */
export async function decodeToRaster(blob: Blob, mime: string): Promise<Raster | null> {
  if (mime === 'image/tiff') return decodeTiff(new Uint8Array(await blob.arrayBuffer()));
  if (isNetpbm(mime)) return decodePnm(new Uint8Array(await blob.arrayBuffer()));
  return null;
}

export async function decodeImageBlob(blob: Blob, mime: string): Promise<ImageBitmap> {
  const raster = await decodeToRaster(blob, mime);
  if (raster) return createImageBitmap(new ImageData(raster.rgba, raster.width, raster.height));
  const typed = blob.type === mime ? blob : new Blob([blob], { type: mime });
  return createImageBitmap(typed, { imageOrientation: 'from-image' });
}
