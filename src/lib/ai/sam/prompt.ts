/**
 * SAM prompts: clicks and a box in image pixels, and their decoder encoding (coordinates in the
 * 1024-pixel model frame; labels 1 positive, 0 negative, 2 and 3 box corners, -1 padding).
 */
import type { SamFrame } from './preprocess';

export interface SamClick {
  x: number;
  y: number;
  positive: boolean;
}

export interface SamPrompt {
  clicks: readonly SamClick[];
  /** `[x1, y1, x2, y2]` in image pixels. */
  box?: readonly [number, number, number, number];
}

export interface EncodedPrompt {
  /** `[1, n, 2]` */
  coords: Float32Array;
  /** `[1, n]` */
  labels: Float32Array;
  count: number;
}

export function isPromptEmpty(prompt: SamPrompt): boolean {
  return prompt.clicks.length === 0 && !prompt.box;
}

export function encodePrompt(prompt: SamPrompt, frame: SamFrame): EncodedPrompt {
  if (isPromptEmpty(prompt)) throw new Error('A SAM prompt needs at least one click or a box');
  const points: Array<[number, number, number]> = prompt.clicks.map((c) => [c.x, c.y, c.positive ? 1 : 0]);
  if (prompt.box) {
    const [x1, y1, x2, y2] = prompt.box;
    points.push([Math.min(x1, x2), Math.min(y1, y2), 2], [Math.max(x1, x2), Math.max(y1, y2), 3]);
  } else {
    // Without a box the exported decoder expects one padding point.
    points.push([0, 0, -1]);
  }
  const coords = new Float32Array(points.length * 2);
  const labels = new Float32Array(points.length);
  points.forEach(([x, y, label], i) => {
    const pad = label === -1;
    coords[2 * i] = pad ? 0 : x * frame.scale;
    coords[2 * i + 1] = pad ? 0 : y * frame.scale;
    labels[i] = label;
  });
  return { coords, labels, count: points.length };
}
