/**
 * Intelligent scissors (OpenCV's IntelligentScissorsMB): the path of least edge cost between
 * the last placed point and the cursor. As in CVAT, the search only covers a square of
 * `threshold` pixels around the last point: a point outside it cannot be placed, which keeps
 * each step fast on large images.
 */
import { rgbMat, withMats, type CvScissors, type OpenCv } from './opencv';

export interface ScissorsImage {
  rgba: ArrayLike<number>;
  width: number;
  height: number;
}

/** The search square around `anchor`: `threshold` pixels each way, clipped to the image. */
export function scissorsWindow(
  anchor: { x: number; y: number },
  threshold: number,
  width: number,
  height: number,
) {
  const t = Math.max(8, Math.round(threshold));
  const x0 = Math.max(0, Math.floor(anchor.x) - t);
  const y0 = Math.max(0, Math.floor(anchor.y) - t);
  const x1 = Math.min(width, Math.floor(anchor.x) + t + 1);
  const y1 = Math.min(height, Math.floor(anchor.y) + t + 1);
  return { x0, y0, x1, y1 };
}

export function withinThreshold(
  anchor: { x: number; y: number },
  p: { x: number; y: number },
  threshold: number,
) {
  return Math.abs(p.x - anchor.x) <= threshold && Math.abs(p.y - anchor.y) <= threshold;
}

/** A scissors search rooted at one anchor point; `pathTo` is cheap once the map is built. */
export class ScissorsMap {
  private tool: CvScissors;
  private window: { x0: number; y0: number; x1: number; y1: number };

  constructor(
    private cv: OpenCv,
    image: ScissorsImage,
    readonly anchor: { x: number; y: number },
    readonly threshold: number,
  ) {
    this.window = scissorsWindow(anchor, threshold, image.width, image.height);
    const { x0, y0, x1, y1 } = this.window;
    const w = x1 - x0;
    const h = y1 - y0;
    const crop = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      const from = ((y0 + y) * image.width + x0) * 4;
      for (let i = 0; i < w * 4; i++) crop[y * w * 4 + i] = image.rgba[from + i]!;
    }
    this.tool = new cv.segmentation_IntelligentScissorsMB();
    try {
      this.tool.setEdgeFeatureCannyParameters(32, 100);
      this.tool.setGradientMagnitudeMaxLimit(200);
      withMats((keep) => {
        const rgb = keep(rgbMat(cv, crop, w, h));
        this.tool.applyImage(rgb);
      });
      this.tool.buildMap(new cv.Point(Math.round(anchor.x) - x0, Math.round(anchor.y) - y0));
    } catch (error) {
      this.tool.delete();
      throw error;
    }
  }

  /** Whole-pixel path `[x0, y0, …]` from the anchor to `target` (inclusive); null outside the window. */
  pathTo(target: { x: number; y: number }): number[] | null {
    if (!withinThreshold(this.anchor, target, this.threshold)) return null;
    const { x0, y0, x1, y1 } = this.window;
    const tx = Math.min(x1 - 1, Math.max(x0, Math.round(target.x)));
    const ty = Math.min(y1 - 1, Math.max(y0, Math.round(target.y)));
    return withMats((keep) => {
      const contour = keep(new this.cv.Mat());
      this.tool.getContour(new this.cv.Point(tx - x0, ty - y0), contour, false);
      const raw = contour.data32S;
      const out = new Array<number>(raw.length);
      for (let i = 0; i < raw.length; i += 2) {
        out[i] = raw[i]! + x0;
        out[i + 1] = raw[i + 1]! + y0;
      }
      return out;
    });
  }

  delete(): void {
    this.tool.delete();
  }
}
