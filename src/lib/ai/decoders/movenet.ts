/**
 * MoveNet (single pose): `[1, 1, 17, 3]` rows of (y, x, score), normalised to the model input.
 * One skeleton per run, with the COCO keypoint order; its box is the extent of the confident points.
 */
import { toImage, type Placement } from '../image';
import type { Detection, DetectOptions } from '../types';
import type { OutputTensor } from './tensor';

export const COCO_KEYPOINTS = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
];

/** COCO skeleton edges (1-based keypoint numbers, as CVAT's skeleton SVG uses). */
export const COCO_EDGES: [number, number][] = [
  [16, 14],
  [14, 12],
  [17, 15],
  [15, 13],
  [12, 13],
  [6, 12],
  [7, 13],
  [6, 7],
  [6, 8],
  [7, 9],
  [8, 10],
  [9, 11],
  [2, 3],
  [1, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
  [5, 7],
];

export function decodeMovenet(
  output: OutputTensor,
  p: Placement,
  offset: { left: number; top: number },
  image: { width: number; height: number },
  options: DetectOptions,
): Detection[] {
  const d = output.data;
  if (d.length < 17 * 3) throw new Error(`MoveNet output has ${d.length} values; 51 (17 × 3) were expected.`);
  const kpThreshold = options.keypointThreshold ?? 0.2;
  const keypoints = [];
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  let sum = 0;
  for (let k = 0; k < 17; k++) {
    const [x, y] = toImage(p, d[k * 3 + 1]! * p.width, d[k * 3]! * p.height);
    const ix = Math.min(image.width, Math.max(0, x + offset.left));
    const iy = Math.min(image.height, Math.max(0, y + offset.top));
    const score = d[k * 3 + 2]!;
    keypoints.push({ x: ix, y: iy, score });
    sum += score;
    if (score >= kpThreshold) {
      x1 = Math.min(x1, ix);
      y1 = Math.min(y1, iy);
      x2 = Math.max(x2, ix);
      y2 = Math.max(y2, iy);
    }
  }
  const score = sum / 17;
  if (score < options.threshold || !Number.isFinite(x1)) return [];
  return [{ type: 'skeleton', label: 0, score, box: [x1, y1, x2, y2], keypoints }];
}
