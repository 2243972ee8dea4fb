/**
 * BlazeFace (MediaPipe, 256×256 "back" model): 896 anchors on a 16×16 grid (2 per cell) and an
 * 8×8 grid (6 per cell). Each anchor predicts a score logit and 16 values: box centre offset and
 * size, then 6 keypoints (eyes, nose, mouth, ears), all in input pixels relative to the anchor.
 */
import { toImage, type Placement } from '../image';
import { boxIoU, nms } from '../nms';
import type { Detection, DetectOptions } from '../types';
import { sigmoid, type OutputTensor } from './tensor';

export const BLAZEFACE_KEYPOINTS = ['right eye', 'left eye', 'nose', 'mouth', 'right ear', 'left ear'];

/** Anchor centres (0–1) in the order the model emits them, for a square input of `size`. */
export function blazefaceAnchors(size = 256): Float32Array {
  const layers = [
    { stride: 16, perCell: 2 },
    { stride: 32, perCell: 6 },
  ];
  const out: number[] = [];
  for (const { stride, perCell } of layers) {
    const grid = size / stride;
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        for (let k = 0; k < perCell; k++) out.push((x + 0.5) / grid, (y + 0.5) / grid);
      }
    }
  }
  return Float32Array.from(out);
}

/**
 * Outputs come as two score tensors and two regressor tensors (one per grid); they are told apart
 * by their last dimension (1 for scores, 16 for boxes) and ordered by anchor count.
 */
export function decodeBlazeface(
  outputs: OutputTensor[],
  p: Placement,
  image: { width: number; height: number },
  options: DetectOptions,
  iouThreshold: number,
): Detection[] {
  const byCount = (t: OutputTensor) => -(t.dims.at(-2) ?? 0);
  const scores = outputs.filter((t) => t.dims.at(-1) === 1).sort((a, b) => byCount(a) - byCount(b));
  const boxes = outputs.filter((t) => t.dims.at(-1) === 16).sort((a, b) => byCount(a) - byCount(b));
  if (scores.length === 0 || scores.length !== boxes.length) {
    throw new Error(
      'This does not look like a BlazeFace model: expected score [1,N,1] and box [1,N,16] outputs.',
    );
  }
  const anchors = blazefaceAnchors(p.width);
  const size = p.width;
  const found: { label: number; score: number; box: [number, number, number, number]; kps: number[] }[] = [];
  let base = 0;
  for (let t = 0; t < scores.length; t++) {
    const s = scores[t]!.data;
    const r = boxes[t]!.data;
    for (let i = 0; i < s.length; i++) {
      const score = sigmoid(Math.max(-80, Math.min(80, s[i]!)));
      if (score < options.threshold) continue;
      const a = (base + i) * 2;
      const ax = anchors[a]! * size;
      const ay = anchors[a + 1]! * size;
      const o = i * 16;
      const cx = ax + r[o]!;
      const cy = ay + r[o + 1]!;
      const w = r[o + 2]!;
      const h = r[o + 3]!;
      const kps: number[] = [];
      for (let k = 0; k < 6; k++) kps.push(ax + r[o + 4 + k * 2]!, ay + r[o + 5 + k * 2]!);
      found.push({ label: 0, score, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], kps });
    }
    base += s.length;
  }
  const keep = nms(found, (a, b) => boxIoU(a.box, b.box), { iouThreshold, maxKeep: 100 });
  const cx = (x: number) => Math.min(image.width, Math.max(0, x));
  const cy = (y: number) => Math.min(image.height, Math.max(0, y));
  // Label 0 is the face box, label 1 the same face as a 6-keypoint skeleton; mapping picks either.
  return keep.flatMap((k): Detection[] => {
    const f = found[k]!;
    const [x1, y1] = toImage(p, f.box[0], f.box[1]);
    const [x2, y2] = toImage(p, f.box[2], f.box[3]);
    const box: [number, number, number, number] = [cx(x1), cy(y1), cx(x2), cy(y2)];
    const keypoints = [];
    for (let j = 0; j < f.kps.length; j += 2) {
      const [x, y] = toImage(p, f.kps[j]!, f.kps[j + 1]!);
      keypoints.push({ x: cx(x), y: cy(y), score: f.score });
    }
    return [
      { type: 'rectangle', label: 0, score: f.score, points: box, rotation: 0 },
      { type: 'skeleton', label: 1, score: f.score, box, keypoints },
    ];
  });
}
