/**
 * Mask kernels and the mask editor in Chromium: RLE encode/decode of a 4000 x 3000 mask (TS vs
 * wasm, a realistic "blobs" mask and a worst-case "noise" one), and brush-stroke frame time on a
 * 4K image with the overlay drawn as the engine would.
 */
import { createMaskEditor } from '$lib/canvas/mask/maskEditor';
import type { ToolView } from '$lib/canvas/externalTool';
import { encodeMask, loadWasmKernels, tsKernels, type MaskKernels } from '$lib/core/mask';

export interface KernelTimes {
  runs: number;
  tsEncodeMs: number;
  wasmEncodeMs: number;
  tsDecodeMs: number;
  wasmDecodeMs: number;
}

export interface MaskBenchResult {
  blobs: KernelTimes;
  noise: KernelTimes;
  /** Bounds + crop + encode of the blobs mask as the editor's finish does it, wasm kernels. */
  finishBlobsMs: number;
  strokeFitP50Ms: number;
  strokeFitP95Ms: number;
  stroke1to1P50Ms: number;
  stroke1to1P95Ms: number;
}

const W = 4000;
const H = 3000;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function blobs(): Uint8Array {
  const m = new Uint8Array(W * H);
  const rand = rng(1);
  for (let k = 0; k < 12; k++) {
    const cx = rand() * W;
    const cy = rand() * H;
    const rx = 60 + rand() * 300;
    const ry = 60 + rand() * 300;
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(H, cy + ry); y++) {
      const h = rx * Math.sqrt(Math.max(0, 1 - ((y - cy) / ry) ** 2));
      const x0 = Math.max(0, Math.round(cx - h));
      const x1 = Math.min(W, Math.round(cx + h));
      if (x1 > x0) m.fill(1, y * W + x0, y * W + x1);
    }
  }
  return m;
}

function noise(): Uint8Array {
  const rand = rng(2);
  return new Uint8Array(W * H).map(() => (rand() < 0.5 ? 1 : 0));
}

function mean(fn: () => void, reps = 5): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

function timeKernels(mask: Uint8Array, wasm: MaskKernels): KernelTimes {
  const runs = tsKernels.encodeRle(mask);
  const check = wasm.encodeRle(mask);
  if (check.length !== runs.length || check.some((v, i) => v !== runs[i]))
    throw new Error('wasm and TS differ');
  return {
    runs: runs.length,
    tsEncodeMs: mean(() => tsKernels.encodeRle(mask)),
    wasmEncodeMs: mean(() => wasm.encodeRle(mask)),
    tsDecodeMs: mean(() => tsKernels.decodeRle(runs, mask.length)),
    wasmDecodeMs: mean(() => wasm.decodeRle(runs, mask.length)),
  };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** Frame times of a 150-sample brush stroke across a 3840 x 2160 image in a 1280 x 720 view. */
function strokeFrames(scale: number, kernels: MaskKernels): number[] {
  const iw = 3840;
  const ih = 2160;
  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = 720;
  document.body.replaceChildren(canvas);
  const ctx = canvas.getContext('2d')!;
  const viewport = { scale, tx: scale < 1 ? 0 : -1000, ty: scale < 1 ? 0 : -600 };
  const view: ToolView = {
    viewport,
    imageWidth: iw,
    imageHeight: ih,
    worldToScreen: (p) => ({ x: p.x * scale + viewport.tx, y: p.y * scale + viewport.ty }),
    screenToWorld: (p) => ({ x: (p.x - viewport.tx) / scale, y: (p.y - viewport.ty) / scale }),
  };
  const editor = createMaskEditor({
    imageWidth: iw,
    imageHeight: ih,
    color: '#22aaff',
    kernels,
    onCommit: () => {},
  });
  editor.set({ brushSize: 40 });
  const e = { button: 0 } as PointerEvent;
  const frames: number[] = [];
  const frame = (fn: () => void) => {
    const t0 = performance.now();
    fn();
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    editor.drawOverlay(ctx, view);
    ctx.getImageData(0, 0, 1, 1); // wait for the raster work
    frames.push(performance.now() - t0);
  };
  // A first stroke so the surface exists, then the measured one.
  frame(() => editor.pointerDown({ x: 1100, y: 700 }, e, view));
  frame(() => editor.pointerUp({ x: 1100, y: 700 }, e, view));
  frames.length = 0;
  const start = { x: 1050, y: 650 };
  frame(() => editor.pointerDown(start, e, view));
  for (let i = 1; i <= 150; i++) {
    const p = { x: start.x + i * 12, y: start.y + Math.sin(i / 10) * 200 + i * 3 };
    frame(() => editor.pointerMove(p, e, view));
  }
  frame(() => editor.pointerUp({ x: start.x + 1800, y: start.y + 450 }, e, view));
  return frames;
}

async function runBench(wasmBase64: string): Promise<MaskBenchResult> {
  const bytes = Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0));
  const wasm = await loadWasmKernels(bytes);
  const b = blobs();
  const blobTimes = timeKernels(b, wasm);
  const finishBlobsMs = mean(() => encodeMask(b, W, H, wasm));
  const noiseTimes = timeKernels(noise(), wasm);
  const fit = strokeFrames(1280 / 3840, wasm);
  const one = strokeFrames(1, wasm);
  return {
    blobs: blobTimes,
    noise: noiseTimes,
    finishBlobsMs,
    strokeFitP50Ms: percentile(fit, 50),
    strokeFitP95Ms: percentile(fit, 95),
    stroke1to1P50Ms: percentile(one, 50),
    stroke1to1P95Ms: percentile(one, 95),
  };
}

(window as unknown as { runBench: typeof runBench }).runBench = runBench;
