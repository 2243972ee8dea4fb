/**
 * OpenCV's TrackerMIL following one box from frame to frame. Boxes are `[xtl, ytl, xbr, ybr]`
 * in image pixels, as CVAT rectangles store them.
 */
import { rgbMat, withMats, type CvTrackerMIL, type OpenCv } from './opencv';

export type Box = [number, number, number, number];

export class MilTracker {
  private tracker: CvTrackerMIL;

  constructor(
    private cv: OpenCv,
    rgba: ArrayLike<number>,
    readonly width: number,
    readonly height: number,
    box: Box,
  ) {
    const [x1, y1, x2, y2] = box;
    const w = Math.round(x2 - x1);
    const h = Math.round(y2 - y1);
    if (w < 2 || h < 2) throw new Error('The box to track must be at least 2 pixels wide and high.');
    this.tracker = new cv.TrackerMIL();
    withMats((keep) => {
      const frame = keep(rgbMat(cv, rgba, width, height));
      this.tracker.init(frame, new cv.Rect(Math.round(x1), Math.round(y1), w, h));
    });
  }

  /** The box on the next frame, or null when the tracker lost the object. */
  update(rgba: ArrayLike<number>, width: number, height: number): Box | null {
    if (width !== this.width || height !== this.height) {
      throw new Error(`frame size changed from ${this.width}x${this.height} to ${width}x${height}`);
    }
    return withMats((keep) => {
      const frame = keep(rgbMat(this.cv, rgba, width, height));
      const [found, r] = this.tracker.update(frame);
      if (!found) return null;
      const x1 = Math.max(0, r.x);
      const y1 = Math.max(0, r.y);
      const x2 = Math.min(width, r.x + r.width);
      const y2 = Math.min(height, r.y + r.height);
      return x2 - x1 >= 1 && y2 - y1 >= 1 ? [x1, y1, x2, y2] : null;
    });
  }

  delete(): void {
    this.tracker.delete();
  }
}
