/**
 * Ultralytics YOLO (v8/v11 layout) outputs: `[1, 4 + C (+ extra), N]` with boxes as centre and
 * size in input pixels and per-class scores already through a sigmoid. The extra rows are mask
 * coefficients (segment, with prototypes in a second output), keypoints (pose) or an angle (obb).
 */
import { encodeMask, maskToPolygons } from '../../core/mask';
import { toImage, type Placement } from '../image';
import { boxIoU, nms, polygonIoU, rotatedCorners } from '../nms';
import type { DecoderSpec, Detection, DetectOptions } from '../types';
import { decodeGeneric } from './generic';
import type { OutputTensor } from './tensor';

type YoloSpec = Extract<DecoderSpec, { kind: 'yolo' }>;

interface Candidate {
  index: number;
  label: number;
  score: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
  box: [number, number, number, number];
  corners?: number[];
}

/**
 * Candidate rows of `[1, K, N]` (column-major, as Ultralytics lays them out) or `[1, N, K]`.
 * `k` says how many values a candidate has, when known; `columns` forces the layout.
 */
export function rowReader(
  t: OutputTensor,
  layout: { k?: number; columns?: boolean } = {},
): { n: number; k: number; at(i: number, j: number): number } {
  const dims = t.dims.length === 3 ? t.dims.slice(1) : t.dims;
  const [a, b] = [dims[0] ?? 0, dims[1] ?? 0];
  const columns = layout.columns ?? (layout.k !== undefined ? a === layout.k : a < b);
  const data = t.data;
  return columns
    ? { n: b, k: a, at: (i, j) => data[j * b + i]! }
    : { n: a, k: b, at: (i, j) => data[i * b + j]! };
}

export function decodeYolo(
  spec: YoloSpec,
  outputs: OutputTensor[],
  classCount: number,
  p: Placement,
  image: { width: number; height: number },
  options: DetectOptions,
  iouThreshold: number,
): Detection[] {
  const [main, protos] = outputs;
  if (!main) throw new Error('The YOLO model returned no output.');
  const kptValues = spec.kpt ? spec.kpt[0] * spec.kpt[1] : 0;
  const extra =
    spec.task === 'segment'
      ? (protos?.dims[1] ?? 32)
      : spec.task === 'pose'
        ? kptValues
        : spec.task === 'obb'
          ? 1
          : 0;
  // NMS-free exports (YOLOv10, end2end YOLO11/26) give final rows: x1, y1, x2, y2, score, class.
  if (spec.task === 'detect' && main.dims.length === 3 && main.dims[2] === 6 && 4 + classCount !== 6) {
    return decodeGeneric(
      { format: 'xyxy', normalized: false, box: 0, score: 4, class: 5 },
      main,
      classCount,
      p,
      image,
      options,
      iouThreshold,
    );
  }
  const rows = rowReader(main, { k: 4 + classCount + extra });
  if (rows.k !== 4 + classCount + extra) {
    throw new Error(
      `The YOLO ${spec.task} output has ${rows.k} values per candidate but ${4 + classCount + extra} were expected ` +
        `(4 box + ${classCount} classes${extra ? ` + ${extra}` : ''}). Check the class names in the model metadata.`,
    );
  }
  const candidates: Candidate[] = [];
  for (let i = 0; i < rows.n; i++) {
    let best = -1;
    let score = -Infinity;
    for (let c = 0; c < classCount; c++) {
      const s = rows.at(i, 4 + c);
      if (s > score) {
        score = s;
        best = c;
      }
    }
    if (score < options.threshold) continue;
    const cx = rows.at(i, 0);
    const cy = rows.at(i, 1);
    const w = rows.at(i, 2);
    const h = rows.at(i, 3);
    const angle = spec.task === 'obb' ? rows.at(i, 4 + classCount) : 0;
    const cand: Candidate = {
      index: i,
      label: best,
      score,
      cx,
      cy,
      w,
      h,
      angle,
      box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2],
    };
    if (spec.task === 'obb') cand.corners = rotatedCorners(cx, cy, w, h, angle);
    candidates.push(cand);
  }
  const overlap =
    spec.task === 'obb'
      ? (a: Candidate, b: Candidate) => polygonIoU(a.corners!, b.corners!)
      : (a: Candidate, b: Candidate) => boxIoU(a.box, b.box);
  const keep = nms(candidates, overlap, { iouThreshold, maxKeep: 300 });
  const clampX = (x: number) => Math.min(image.width, Math.max(0, x));
  const clampY = (y: number) => Math.min(image.height, Math.max(0, y));
  const out: Detection[] = [];
  for (const k of keep) {
    const c = candidates[k]!;
    const [x1, y1] = toImage(p, c.box[0], c.box[1]);
    const [x2, y2] = toImage(p, c.box[2], c.box[3]);
    const rect: [number, number, number, number] = [clampX(x1), clampY(y1), clampX(x2), clampY(y2)];
    if (spec.task === 'obb') {
      const [cx, cy] = toImage(p, c.cx, c.cy);
      const w = c.w / p.scaleX;
      const h = c.h / p.scaleY;
      out.push({
        type: 'rectangle',
        label: c.label,
        score: c.score,
        points: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2],
        rotation: ((((c.angle * 180) / Math.PI) % 360) + 360) % 360,
      });
    } else if (spec.task === 'pose') {
      const [n, d] = spec.kpt!;
      const keypoints = [];
      for (let j = 0; j < n; j++) {
        const base = 4 + classCount + j * d;
        const [x, y] = toImage(p, rows.at(c.index, base), rows.at(c.index, base + 1));
        keypoints.push({ x: clampX(x), y: clampY(y), score: d >= 3 ? rows.at(c.index, base + 2) : 1 });
      }
      out.push({ type: 'skeleton', label: c.label, score: c.score, box: rect, keypoints });
    } else if (spec.task === 'segment') {
      if (!protos) throw new Error('The YOLO segmentation model has no prototype output (output1).');
      const coefs: number[] = [];
      for (let j = 0; j < extra; j++) coefs.push(rows.at(c.index, 4 + classCount + j));
      const mask = instanceMask(protos, coefs, c.box, p, image);
      const points = encodeMask(mask, image.width, image.height);
      if (!points) continue;
      if (options.masksAsPolygons) {
        for (const ring of maskToPolygons(points, image.width, image.height, 1)) {
          if (ring.length >= 6) out.push({ type: 'polygon', label: c.label, score: c.score, points: ring });
        }
      } else {
        out.push({ type: 'mask', label: c.label, score: c.score, points, box: rect });
      }
    } else {
      out.push({ type: 'rectangle', label: c.label, score: c.score, points: rect, rotation: 0 });
    }
  }
  return out;
}

/**
 * sigmoid(coefs · protos), cropped to the box, sampled at every image pixel of the box from the
 * prototype grid (bilinear), thresholded at 0.5. Returns a full-image bitmap.
 */
export function instanceMask(
  protos: OutputTensor,
  coefs: number[],
  box: [number, number, number, number],
  p: Placement,
  image: { width: number; height: number },
): Uint8Array {
  const [, c, mh, mw] = protos.dims as [number, number, number, number];
  const data = protos.data;
  // Linear combination on the prototype grid, only over the box.
  const sx = mw / p.width;
  const sy = mh / p.height;
  const gx0 = Math.max(0, Math.floor(box[0] * sx));
  const gy0 = Math.max(0, Math.floor(box[1] * sy));
  const gx1 = Math.min(mw - 1, Math.ceil(box[2] * sx));
  const gy1 = Math.min(mh - 1, Math.ceil(box[3] * sy));
  const gw = gx1 - gx0 + 1;
  const logits = new Float32Array(gw * (gy1 - gy0 + 1));
  for (let y = gy0; y <= gy1; y++) {
    for (let x = gx0; x <= gx1; x++) {
      let v = 0;
      for (let k = 0; k < c; k++) v += coefs[k]! * data[k * mh * mw + y * mw + x]!;
      logits[(y - gy0) * gw + (x - gx0)] = v;
    }
  }
  const bitmap = new Uint8Array(image.width * image.height);
  const [ix0, iy0] = toImage(p, box[0], box[1]);
  const [ix1, iy1] = toImage(p, box[2], box[3]);
  const left = Math.max(0, Math.floor(ix0));
  const top = Math.max(0, Math.floor(iy0));
  const right = Math.min(image.width - 1, Math.ceil(ix1) - 1);
  const bottom = Math.min(image.height - 1, Math.ceil(iy1) - 1);
  for (let y = top; y <= bottom; y++) {
    const iy = ((y + 0.5) * p.scaleY + p.padY) * sy - 0.5 - gy0;
    const ya = Math.max(0, Math.min(gy1 - gy0, Math.floor(iy)));
    const yb = Math.min(gy1 - gy0, ya + 1);
    const fy = Math.min(1, Math.max(0, iy - ya));
    for (let x = left; x <= right; x++) {
      const ix = ((x + 0.5) * p.scaleX + p.padX) * sx - 0.5 - gx0;
      const xa = Math.max(0, Math.min(gw - 1, Math.floor(ix)));
      const xb = Math.min(gw - 1, xa + 1);
      const fx = Math.min(1, Math.max(0, ix - xa));
      const v =
        (logits[ya * gw + xa]! * (1 - fx) + logits[ya * gw + xb]! * fx) * (1 - fy) +
        (logits[yb * gw + xa]! * (1 - fx) + logits[yb * gw + xb]! * fx) * fy;
      // sigmoid(v) > 0.5  ⇔  v > 0
      if (v > 0) bitmap[y * image.width + x] = 1;
    }
  }
  return bitmap;
}
