/** OpenCV tools in Node with the shipped OpenCV.js build: histogram equalization and scissors. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenCv } from '$lib/ai/cv/opencv';
import { equalizeRgba } from '$lib/ai/cv/equalize';
import { ScissorsMap, withinThreshold } from '$lib/ai/cv/scissors';
import { loadOpenCvInNode, rgbaScene } from './cvFixtures';

let cv: OpenCv;
beforeAll(async () => {
  cv = await loadOpenCvInNode();
}, 60_000);

describe('histogram equalization', () => {
  it('stretches a low-contrast grey frame to the full range and keeps grey grey', () => {
    const W = 64;
    const H = 32;
    const rgba = new Uint8Array(W * H * 4);
    // 32 grey levels 100..131, equally often.
    for (let i = 0; i < W * H; i++) {
      const v = 100 + (i % 32);
      rgba.set([v, v, v, 255], i * 4);
    }
    const out = equalizeRgba(cv, rgba, W, H);
    let min = 255;
    let max = 0;
    for (let i = 0; i < W * H; i++) {
      const [r, g, b, a] = [out[i * 4]!, out[i * 4 + 1]!, out[i * 4 + 2]!, out[i * 4 + 3]!];
      expect(Math.abs(r - g)).toBeLessThanOrEqual(2);
      expect(Math.abs(g - b)).toBeLessThanOrEqual(2);
      expect(a).toBe(255);
      min = Math.min(min, g);
      max = Math.max(max, g);
    }
    expect(min).toBeLessThanOrEqual(8);
    expect(max).toBeGreaterThanOrEqual(250);
  });

  it('says what is wrong with a buffer of the wrong size', () => {
    expect(() => equalizeRgba(cv, new Uint8Array(12), 4, 4)).toThrow(/expected 64 RGBA bytes/);
  });
});

describe('intelligent scissors', () => {
  const W = 200;
  const H = 150;
  // A bright rectangle: its left edge runs down x = 49.5 between two pixel columns.
  const image = {
    rgba: rgbaScene(W, H, [{ x: 50, y: 40, w: 100, h: 70, color: [230, 230, 230], flat: true }]),
    width: W,
    height: H,
  };

  it('follows a curved object edge between two points instead of the straight chord', () => {
    // A bright disc of radius 40 around (100, 75): the chord between two boundary points cuts inside it.
    const rgba = rgbaScene(W, H, []);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if ((x + 0.5 - 100) ** 2 + (y + 0.5 - 75) ** 2 <= 40 ** 2)
          rgba.set([230, 230, 230, 255], (y * W + x) * 4);
    const discMap = new ScissorsMap(cv, { rgba, width: W, height: H }, { x: 60, y: 75 }, 80);
    try {
      const path = discMap.pathTo({ x: 100, y: 35 })!;
      expect(path.slice(0, 2)).toEqual([60, 75]);
      expect(path.slice(-2)).toEqual([100, 35]);
      for (let i = 0; i < path.length; i += 2) {
        const r = Math.hypot(path[i]! + 0.5 - 100, path[i + 1]! + 0.5 - 75);
        expect(Math.abs(r - 40), `${path[i]},${path[i + 1]}`).toBeLessThanOrEqual(2);
      }
    } finally {
      discMap.delete();
    }
  });

  it('rounds a corner of a rectangle along its edges', () => {
    const map = new ScissorsMap(cv, image, { x: 50, y: 45 }, 80);
    try {
      // Round a corner: from the left edge to the top edge, every step stays on the outline.
      const corner = map.pathTo({ x: 90, y: 40 })!;
      for (let i = 0; i < corner.length; i += 2) {
        const [x, y] = [corner[i]!, corner[i + 1]!];
        const onLeft = Math.abs(x - 49.5) <= 1 && y >= 38;
        const onTop = Math.abs(y - 39.5) <= 1 && x >= 48;
        expect(onLeft || onTop, `${x},${y} in ${corner.join(' ')}`).toBe(true);
      }
    } finally {
      map.delete();
    }
  });

  it('refuses a point outside the threshold square around the previous point', () => {
    const map = new ScissorsMap(cv, image, { x: 50, y: 45 }, 20);
    try {
      expect(withinThreshold({ x: 50, y: 45 }, { x: 50, y: 100 }, 20)).toBe(false);
      expect(map.pathTo({ x: 50, y: 100 })).toBeNull();
      expect(map.pathTo({ x: 50, y: 60 })?.slice(-2)).toEqual([50, 60]);
    } finally {
      map.delete();
    }
  });
});
