/**
 * Inputs and exactly known outputs of the runtime self-checks. Small and dependency-free,
 * so both the workers and the diagnostics page can import it.
 */

/** Input fed to /models/tiny.onnx, which computes y = Relu(x·W + b) (scripts/make-models.mjs). */
export const TINY_INPUT: readonly number[] = [1, 2, 3, 4];
/** Exact float32 output of tiny.onnx for TINY_INPUT. */
export const TINY_EXPECTED: readonly number[] = [4.5, 4, 0];

export const CV_DEMO_WIDTH = 64;
export const CV_DEMO_HEIGHT = 64;
export const CV_DEMO_LEVELS = 32;
export const CV_DEMO_OFFSET = 100;

/** Gray test image: value OFFSET + (i mod LEVELS), so LEVELS levels with equal counts. */
export function cvDemoImage(width = CV_DEMO_WIDTH, height = CV_DEMO_HEIGHT): Uint8Array {
  const px = new Uint8Array(width * height);
  for (let i = 0; i < px.length; i++) px[i] = CV_DEMO_OFFSET + (i % CV_DEMO_LEVELS);
  return px;
}

/**
 * What cv.equalizeHist must produce for cvDemoImage(): with n equal bins, OpenCV maps the
 * k-th occupied level to round(k · 255 / (n − 1)) (never a .5 tie for n = 32).
 */
export function expectedEqualizeLut(
  levels = CV_DEMO_LEVELS,
  offset = CV_DEMO_OFFSET,
): Array<[number, number]> {
  return Array.from({ length: levels }, (_, k) => [offset + k, Math.round((k * 255) / (levels - 1))]);
}

/** Sum of all output pixels of equalizeHist(cvDemoImage()). */
export function expectedEqualizeSum(width = CV_DEMO_WIDTH, height = CV_DEMO_HEIGHT): number {
  const perLevel = (width * height) / CV_DEMO_LEVELS;
  return expectedEqualizeLut().reduce((s, [, v]) => s + v * perLevel, 0);
}
