import { decodeImageBlob } from './decodeImage';

export const THUMBNAIL_SIZE = 256;

export interface DecodedImage {
  width: number;
  height: number;
  thumbnail: Blob;
}

/** Decodes the image (upright) and renders a JPEG thumbnail whose longer side is `size`. */
export async function decodeWithThumbnail(
  blob: Blob,
  mime: string,
  size = THUMBNAIL_SIZE,
  quality = 0.8,
): Promise<DecodedImage> {
  const bitmap = await decodeImageBlob(blob, mime);
  try {
    const { width, height } = bitmap;
    const scale = Math.min(1, size / Math.max(width, height));
    const canvas = new OffscreenCanvas(
      Math.max(1, Math.round(width * scale)),
      Math.max(1, Math.round(height * scale)),
    );
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas for thumbnails');
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const thumbnail = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    return { width, height, thumbnail };
  } finally {
    bitmap.close();
  }
}
