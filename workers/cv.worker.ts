import * as Comlink from 'comlink';
// A URL string only: the 11 MB single-file build (wasm embedded) is fetched on first use.
import opencvUrl from '@techstark/opencv-js/dist/opencv.js?url';
import { CV_DEMO_HEIGHT, CV_DEMO_WIDTH, cvDemoImage } from './lib/expected';
import type { OpenCv } from '../src/lib/ai/cv/opencv';
import { equalizeRgba } from '../src/lib/ai/cv/equalize';
import { ScissorsMap, type ScissorsImage } from '../src/lib/ai/cv/scissors';
import { MilTracker, type Box } from '../src/lib/ai/cv/tracker';

export type { OpenCv } from '../src/lib/ai/cv/opencv';

export interface EqualizeHistResult {
  /** e.g. "4.12.0" */
  version: string;
  width: number;
  height: number;
  input: { min: number; max: number; distinct: number; sum: number };
  output: { min: number; max: number; distinct: number; sum: number };
  /** Output value for each distinct input value (ascending input). */
  lut: Array<[number, number]>;
  loadMs: number;
  runMs: number;
}

let cvPromise: Promise<OpenCv> | null = null;

/**
 * Loads OpenCV.js 4.12 into this module worker.
 *
 * - `importScripts` throws in module workers, so the UMD file is fetched and evaluated as a
 *   classic script with indirect eval; in a worker its UMD wrapper assigns `self.cv`.
 * - The 4.12 Module is a thenable whose `then` passes the Module itself, so `await cv`
 *   never settles. We register through `then` (which chains onto onRuntimeInitialized, or
 *   calls back at once when already initialised) and delete `then` before resolving.
 */
function loadOpenCv(): Promise<OpenCv> {
  cvPromise ??= (async () => {
    const g = self as unknown as { cv?: OpenCv };
    if (!g.cv) {
      const res = await fetch(new URL(opencvUrl, self.location.href));
      if (!res.ok) throw new Error(`fetching opencv.js failed: HTTP ${res.status}`);
      const source = await res.text();
      (0, eval)(`${source}\n//# sourceURL=opencv.js`);
    }
    const cv = g.cv;
    if (!cv) throw new Error('opencv.js did not define self.cv');
    return new Promise<OpenCv>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('OpenCV runtime did not initialise within 60 s')),
        60_000,
      );
      const done = (m: OpenCv) => {
        clearTimeout(timer);
        delete m.then;
        resolve(m);
      };
      if (typeof cv.then === 'function') {
        (cv.then as (fn: (m: OpenCv) => void) => unknown).call(cv, done);
      } else if (typeof cv.Mat === 'function') {
        done(cv);
      } else {
        cv.onRuntimeInitialized = () => done(cv);
      }
    });
  })();
  cvPromise.catch(() => (cvPromise = null));
  return cvPromise;
}

function stats(px: Uint8Array) {
  let min = 255;
  let max = 0;
  let sum = 0;
  const seen = new Set<number>();
  for (const v of px) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    seen.add(v);
  }
  return { min, max, distinct: seen.size, sum };
}

interface Pixels {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

/** RGBA pixels of a bitmap (ImageBitmap is structured-cloneable, so the caller keeps its own). */
function pixelsOf(image: ImageBitmap | Pixels): Pixels {
  if (!(typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap)) return image as Pixels;
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D context in the cv worker');
  ctx.drawImage(image, 0, 0);
  return {
    rgba: ctx.getImageData(0, 0, image.width, image.height).data,
    width: image.width,
    height: image.height,
  };
}

const trackers = new Map<number, MilTracker>();
let nextTracker = 1;
let scissorsImage: ScissorsImage | null = null;
let scissors: ScissorsMap | null = null;

const api = {
  /** Loads OpenCV.js (about 11 MB, once); resolves with its version. */
  async ready(): Promise<string> {
    const cv = await loadOpenCv();
    return /OpenCV\s+(\d+\.\d+\.\d+)/.exec(cv.getBuildInformation())?.[1] ?? 'unknown';
  },

  /** The frame with its histogram equalized (luma only), as an ImageBitmap ready to draw. */
  async equalize(image: ImageBitmap | Pixels): Promise<ImageBitmap> {
    const cv = await loadOpenCv();
    const { rgba, width, height } = pixelsOf(image);
    const out = equalizeRgba(cv, rgba, width, height);
    const bitmap = await createImageBitmap(
      new ImageData(out as Uint8ClampedArray<ArrayBuffer>, width, height),
    );
    return Comlink.transfer(bitmap, [bitmap]);
  },

  /** Starts a TrackerMIL on a box of a frame; returns its id. */
  async trackerStart(image: ImageBitmap | Pixels, box: Box): Promise<number> {
    const cv = await loadOpenCv();
    const { rgba, width, height } = pixelsOf(image);
    const id = nextTracker++;
    trackers.set(id, new MilTracker(cv, rgba, width, height, box));
    return id;
  },

  /** The tracked box on the next frame (null: lost). */
  async trackerUpdate(id: number, image: ImageBitmap | Pixels): Promise<Box | null> {
    const tracker = trackers.get(id);
    if (!tracker) throw new Error(`no tracker ${id} (it was stopped or the worker restarted)`);
    const { rgba, width, height } = pixelsOf(image);
    return tracker.update(rgba, width, height);
  },

  trackerStop(id: number): void {
    trackers.get(id)?.delete();
    trackers.delete(id);
  },

  /** Gives the scissors the frame to work on (once per frame). */
  async scissorsImage(image: ImageBitmap | Pixels): Promise<void> {
    await loadOpenCv();
    scissors?.delete();
    scissors = null;
    const { rgba, width, height } = pixelsOf(image);
    scissorsImage = { rgba, width, height };
  },

  /** Roots the scissors search at a placed point, within `threshold` pixels of it. */
  async scissorsAnchor(x: number, y: number, threshold: number): Promise<void> {
    const cv = await loadOpenCv();
    if (!scissorsImage) throw new Error('scissors have no image: call scissorsImage first');
    scissors?.delete();
    scissors = new ScissorsMap(cv, scissorsImage, { x, y }, threshold);
  },

  /** The edge-following path from the anchor to a point (null: outside the threshold square). */
  scissorsPath(x: number, y: number): number[] | null {
    return scissors?.pathTo({ x, y }) ?? null;
  },

  scissorsStop(): void {
    scissors?.delete();
    scissors = null;
    scissorsImage = null;
  },

  async equalizeHistDemo(): Promise<EqualizeHistResult> {
    const t0 = performance.now();
    const cv = await loadOpenCv();
    const t1 = performance.now();

    const width = CV_DEMO_WIDTH;
    const height = CV_DEMO_HEIGHT;
    const input = cvDemoImage(width, height);
    const src = cv.matFromArray(height, width, cv.CV_8UC1, input);
    const dst = new cv.Mat();
    try {
      cv.equalizeHist(src, dst);
      const out = new Uint8Array(dst.data); // copy out of the wasm heap
      const t2 = performance.now();
      if (out.length !== input.length) throw new Error(`unexpected output size ${out.length}`);

      const lutMap = new Map<number, number>();
      for (let i = 0; i < input.length; i++) lutMap.set(input[i]!, out[i]!);
      const version = /OpenCV\s+(\d+\.\d+\.\d+)/.exec(cv.getBuildInformation())?.[1] ?? 'unknown';
      return {
        version,
        width,
        height,
        input: stats(input),
        output: stats(out),
        lut: [...lutMap.entries()].sort((a, b) => a[0] - b[0]),
        loadMs: t1 - t0,
        runMs: t2 - t1,
      };
    } finally {
      src.delete();
      dst.delete();
    }
  },
};

export type CvWorkerApi = typeof api;

Comlink.expose(api);
