/**
 * The part of the OpenCV.js 4.12 API that Loupe uses, typed by hand (the package's own typings
 * cover everything and slow the checker down). The same module object works in the cv worker,
 * in Node tests (`require('@techstark/opencv-js')`) and in benchmark pages.
 */
export interface CvMat {
  data: Uint8Array;
  data32S: Int32Array;
  rows: number;
  cols: number;
  delete(): void;
}
export interface CvRect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface CvTrackerMIL {
  init(image: CvMat, box: CvRect): void;
  /** `[found, box]` */
  update(image: CvMat): [boolean, CvRect];
  delete(): void;
}
export interface CvScissors {
  setEdgeFeatureCannyParameters(threshold1: number, threshold2: number): void;
  setGradientMagnitudeMaxLimit(limit: number): void;
  applyImage(image: CvMat): void;
  buildMap(source: CvPoint): void;
  getContour(target: CvPoint, contour: CvMat, backward: boolean): void;
  delete(): void;
}
export type CvPoint = { x: number; y: number };

export interface OpenCv {
  Mat: new (rows?: number, cols?: number, type?: number) => CvMat;
  Rect: new (x: number, y: number, width: number, height: number) => CvRect;
  Point: new (x: number, y: number) => CvPoint;
  TrackerMIL: new () => CvTrackerMIL;
  segmentation_IntelligentScissorsMB: new () => CvScissors;
  CV_8UC1: number;
  CV_8UC4: number;
  COLOR_RGBA2RGB: number;
  COLOR_RGB2YCrCb: number;
  COLOR_YCrCb2RGB: number;
  COLOR_RGB2RGBA: number;
  matFromArray(rows: number, cols: number, type: number, array: ArrayLike<number>): CvMat;
  cvtColor(src: CvMat, dst: CvMat, code: number): void;
  equalizeHist(src: CvMat, dst: CvMat): void;
  split(src: CvMat, channels: CvMatVector): void;
  merge(channels: CvMatVector, dst: CvMat): void;
  MatVector: new () => CvMatVector;
  getBuildInformation(): string;
  onRuntimeInitialized?: () => void;
  then?: unknown;
}
export interface CvMatVector {
  get(i: number): CvMat;
  set(i: number, m: CvMat): void;
  size(): number;
  delete(): void;
}

/** Runs `fn` and deletes every Mat it registered, whatever happens (the wasm heap is not collected). */
export function withMats<T>(fn: (keep: <M extends { delete(): void }>(m: M) => M) => T): T {
  const owned: Array<{ delete(): void }> = [];
  try {
    return fn((m) => (owned.push(m), m));
  } finally {
    for (const m of owned.reverse()) m.delete();
  }
}

/** An RGB Mat (3 channels) from RGBA pixels. */
export function rgbMat(cv: OpenCv, rgba: ArrayLike<number>, width: number, height: number): CvMat {
  if (rgba.length !== width * height * 4) {
    throw new Error(`expected ${width * height * 4} RGBA bytes for ${width}x${height}, got ${rgba.length}`);
  }
  return withMats((keep) => {
    const src = keep(cv.matFromArray(height, width, cv.CV_8UC4, rgba));
    const rgb = new cv.Mat();
    cv.cvtColor(src, rgb, cv.COLOR_RGBA2RGB);
    return rgb;
  });
}
