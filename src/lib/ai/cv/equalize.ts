/**
 * Histogram equalization of a displayed frame, as CVAT's OpenCV "Image" tab does it: contrast
 * stretched on the luma channel only (YCrCb), so colours keep their hue. Returns new RGBA bytes.
 */
import { rgbMat, withMats, type OpenCv } from './opencv';

export function equalizeRgba(
  cv: OpenCv,
  rgba: ArrayLike<number>,
  width: number,
  height: number,
): Uint8ClampedArray {
  return withMats((keep) => {
    const rgb = keep(rgbMat(cv, rgba, width, height));
    const ycc = keep(new cv.Mat());
    cv.cvtColor(rgb, ycc, cv.COLOR_RGB2YCrCb);
    const planes = keep(new cv.MatVector());
    cv.split(ycc, planes);
    const y = planes.get(0);
    keep(y);
    const eq = keep(new cv.Mat());
    cv.equalizeHist(y, eq);
    planes.set(0, eq);
    cv.merge(planes, ycc);
    cv.cvtColor(ycc, rgb, cv.COLOR_YCrCb2RGB);
    const out = keep(new cv.Mat());
    cv.cvtColor(rgb, out, cv.COLOR_RGB2RGBA);
    return new Uint8ClampedArray(out.data);
  });
}
