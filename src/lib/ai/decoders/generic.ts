/** Detectors described by a small JSON spec: rows of box, score and class (see GenericOutput). */
import { toImage, type Placement } from '../image';
import { boxIoU, nms } from '../nms';
import type { Detection, DetectOptions, GenericOutput } from '../types';
import { rowReader } from './yolo';
import type { OutputTensor } from './tensor';

export function decodeGeneric(
  spec: GenericOutput,
  output: OutputTensor,
  classCount: number,
  p: Placement,
  image: { width: number; height: number },
  options: DetectOptions,
  iouThreshold: number,
): Detection[] {
  const columns = rowReader(output, { columns: spec.transposed ?? false });
  const need = Math.max(
    spec.box + 4,
    (spec.score ?? 0) + 1,
    (spec.class ?? 0) + 1,
    (spec.classScores ?? 0) + classCount,
  );
  if (columns.k < need) {
    throw new Error(
      `The model's output rows have ${columns.k} values, but the JSON spec needs at least ${need}.`,
    );
  }
  const found: { label: number; score: number; box: [number, number, number, number] }[] = [];
  for (let i = 0; i < columns.n; i++) {
    let label = spec.class !== undefined ? Math.round(columns.at(i, spec.class)) : 0;
    let score = spec.score !== undefined ? columns.at(i, spec.score) : 1;
    if (spec.classScores !== undefined) {
      let best = -Infinity;
      for (let c = 0; c < classCount; c++) {
        const s = columns.at(i, spec.classScores + c);
        if (s > best) {
          best = s;
          label = c;
        }
      }
      score = spec.score !== undefined ? score * best : best;
    }
    if (score < options.threshold || label < 0 || label >= classCount) continue;
    let a = columns.at(i, spec.box);
    let b = columns.at(i, spec.box + 1);
    let c = columns.at(i, spec.box + 2);
    let d = columns.at(i, spec.box + 3);
    if (spec.normalized) {
      a *= p.width;
      c *= p.width;
      b *= p.height;
      d *= p.height;
    }
    const box: [number, number, number, number] =
      spec.format === 'xyxy'
        ? [a, b, c, d]
        : spec.format === 'xywh'
          ? [a, b, a + c, b + d]
          : [a - c / 2, b - d / 2, a + c / 2, b + d / 2];
    found.push({ label, score, box });
  }
  const keep = nms(found, (x, y) => boxIoU(x.box, y.box), { iouThreshold, maxKeep: 300 });
  return keep.map((k) => {
    const f = found[k]!;
    const [x1, y1] = toImage(p, f.box[0], f.box[1]);
    const [x2, y2] = toImage(p, f.box[2], f.box[3]);
    const cx = (x: number) => Math.min(image.width, Math.max(0, x));
    const cy = (y: number) => Math.min(image.height, Math.max(0, y));
    return {
      type: 'rectangle',
      label: f.label,
      score: f.score,
      points: [cx(x1), cy(y1), cx(x2), cy(y2)],
      rotation: 0,
    };
  });
}
