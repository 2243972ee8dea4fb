/** OpenCV.js 4.12 loaded in Node (the same single-file build the cv worker fetches). */
import { createRequire } from 'node:module';
import type { OpenCv } from '$lib/ai/cv/opencv';

const require = createRequire(import.meta.url);
let loaded: Promise<OpenCv> | null = null;

export function loadOpenCvInNode(): Promise<OpenCv> {
  loaded ??= new Promise<OpenCv>((resolve) => {
    const cv = require('@techstark/opencv-js') as OpenCv;
    const done = () => {
      delete cv.then;
      resolve(cv);
    };
    if (typeof cv.Mat === 'function') done();
    else if (typeof cv.then === 'function') (cv.then as (fn: () => void) => void).call(cv, done);
    else cv.onRuntimeInitialized = done;
  });
  return loaded;
}

/** RGBA of a `width` x `height` frame: a dark, slightly textured background and filled rectangles. */
export function rgbaScene(
  width: number,
  height: number,
  rects: ReadonlyArray<{
    x: number;
    y: number;
    w: number;
    h: number;
    color: [number, number, number];
    flat?: boolean;
  }>,
  seed = 1,
): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < width * height; i++) {
    const g = 30 + Math.round(rand() * 12);
    rgba.set([g, g, g, 255], i * 4);
  }
  for (const r of rects) {
    for (let y = r.y; y < r.y + r.h; y++)
      for (let x = r.x; x < r.x + r.w; x++) {
        // A two-tone pattern gives the tracker texture to hold on to.
        const tone = r.flat || ((x - r.x) >> 3) % 2 === ((y - r.y) >> 3) % 2 ? 1 : 0.7;
        rgba.set([r.color[0] * tone, r.color[1] * tone, r.color[2] * tone, 255], (y * width + x) * 4);
      }
  }
  return rgba;
}
