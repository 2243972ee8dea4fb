import * as utifModule from 'utif2';
import { ImageDecodeError } from './pnm';
import { orientRaster, type Raster } from './raster';

// utif2 is CommonJS: bundlers expose it either as the namespace or as its default export.
const UTIF = (utifModule as { default?: typeof utifModule }).default ?? utifModule;

/** The first page of a TIFF, upright (its Orientation tag applied). */
export function decodeTiff(bytes: Uint8Array): Raster {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let raster: Raster;
  let orientation = 1;
  try {
    const [page] = UTIF.decode(buffer);
    if (!page) throw new ImageDecodeError('the TIFF holds no image');
    UTIF.decodeImage(buffer, page);
    if (!page.width || !page.height) throw new ImageDecodeError('the TIFF image has no pixels');
    const rgba = UTIF.toRGBA8(page);
    if (rgba.length < page.width * page.height * 4) throw new ImageDecodeError('the TIFF image is truncated');
    raster = {
      width: page.width,
      height: page.height,
      rgba: new Uint8ClampedArray(rgba.buffer.slice(0, page.width * page.height * 4) as ArrayBuffer),
    };
    const tag = page['t274'];
    if (Array.isArray(tag) && typeof tag[0] === 'number') orientation = tag[0];
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw new ImageDecodeError(
      `the TIFF is corrupt or uses an unsupported encoding (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return orientRaster(raster, orientation);
}
