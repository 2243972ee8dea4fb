/**
 * SAM and OpenCV tools in Chromium, with the app's own modules: SAM encoder per frame and
 * decoder per click (onnxruntime-web wasm in a worker, as the SAM worker runs it), model load
 * from the network and again from Cache Storage, TrackerMIL per frame and intelligent scissors
 * per point (OpenCV.js on the page).
 */
import type { OpenCv } from '$lib/ai/cv/opencv';
import { MilTracker } from '$lib/ai/cv/tracker';
import { ScissorsMap } from '$lib/ai/cv/scissors';
import { benchFrame, BENCH_H as H, BENCH_W as W } from './samFrames';
import type { SamWorkerBench } from './samBench.worker';

export interface SamBenchResult extends SamWorkerBench {
  trackerMs: number[];
  scissorsPointMs: number[];
  opencvLoadMs: number;
}

async function loadOpenCv(): Promise<OpenCv> {
  const source = await (await fetch('/files/opencv.js')).text();
  (0, eval)(source);
  const cv = (globalThis as unknown as { cv: OpenCv }).cv;
  return new Promise((resolve) => {
    const done = () => {
      delete cv.then;
      resolve(cv);
    };
    if (typeof cv.then === 'function') (cv.then as (fn: () => void) => void).call(cv, done);
    else if (typeof cv.Mat === 'function') done();
    else cv.onRuntimeInitialized = done;
  });
}

function samInWorker(): Promise<SamWorkerBench> {
  const worker = new Worker('/bench/pages/samBench.worker.ts', { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ result?: SamWorkerBench; error?: string }>) => {
      worker.terminate();
      if (e.data.result) resolve(e.data.result);
      else reject(new Error(e.data.error ?? 'SAM bench worker failed'));
    };
    worker.onerror = (e) =>
      reject(new Error(`SAM bench worker: ${e.message || 'failed to load'} ${e.filename}:${e.lineno}`));
  });
}

async function runBench(): Promise<SamBenchResult> {
  const sam = await samInWorker();

  const t0 = performance.now();
  const cv = await loadOpenCv();
  const opencvLoadMs = performance.now() - t0;
  const trackerMs: number[] = [];
  const tracker = new MilTracker(cv, benchFrame(0), W, H, [380, 160, 460, 240]);
  for (let k = 1; k <= 15; k++) {
    const rgba = benchFrame(k * 4);
    const s = performance.now();
    tracker.update(rgba, W, H);
    trackerMs.push(performance.now() - s);
  }
  tracker.delete();
  const scissorsPointMs: number[] = [];
  const image = { rgba: benchFrame(0), width: W, height: H };
  // Points around the disc, about 35 px apart, each search within a 100 px threshold square.
  let anchor = { x: 110, y: 240 };
  for (let k = 1; k <= 10; k++) {
    const a = (Math.PI * k) / 8;
    const next = { x: Math.round(200 - 90 * Math.cos(a)), y: Math.round(240 - 90 * Math.sin(a)) };
    const s = performance.now();
    const map = new ScissorsMap(cv, image, anchor, 100);
    map.pathTo(next);
    scissorsPointMs.push(performance.now() - s);
    map.delete();
    anchor = next;
  }
  return { ...sam, trackerMs, scissorsPointMs, opencvLoadMs };
}

(window as unknown as { runBench: typeof runBench }).runBench = runBench;
document.title = 'sam-ready';
