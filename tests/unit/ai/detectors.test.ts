/**
 * Inference plumbing on hand-built ONNX models with known outputs, in onnxruntime-node:
 * pre-processing (letterbox, scaling, layout), output decoding for every Ultralytics task and the
 * JSON-spec detector, NMS, mask post-processing, and label mapping into frame objects.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeMask } from '../../../src/lib/core/mask';
import type { LabelSpec } from '../../../src/lib/core/types';
import { runDetector, type SessionLike, type TensorFactory } from '../../../src/lib/ai/detect';
import { defaultMapping, detectionsToObjects, sublabelMapping } from '../../../src/lib/ai/labelMapping';
import { describeUserModel, parseGenericSpec } from '../../../src/lib/ai/models';
import { readOnnxInfo } from '../../../src/lib/ai/onnxInfo';
import type { Detection, ModelDescriptor } from '../../../src/lib/ai/types';
import {
  CELL_NAMES,
  cellDetector,
  cellObb,
  cellPose,
  cellSegmenter,
  endToEndDetector,
  GENERIC_SPEC,
  genericDetector,
  paint,
} from './fixtures';

const tensor: TensorFactory = (type, data, dims) => new ort.Tensor(type, data, dims);

async function load(bytes: Uint8Array, name: string, spec?: string) {
  const info = readOnnxInfo(bytes);
  const model = describeUserModel(
    info,
    name,
    'test',
    bytes.length,
    spec ? parseGenericSpec(spec) : undefined,
  );
  const session = await ort.InferenceSession.create(bytes);
  return { model, session: session as unknown as SessionLike, info };
}

const run = (
  m: { model: ModelDescriptor; session: SessionLike },
  image: ReturnType<typeof paint>,
  threshold = 0.5,
  masksAsPolygons = false,
) => runDetector(m.model, m.session, tensor, image, { threshold, masksAsPolygons });

describe('ONNX metadata', () => {
  it('reads inputs, outputs and the Ultralytics names, task and size', () => {
    const info = readOnnxInfo(cellPose());
    expect(info.inputs).toEqual([{ name: 'images', elemType: 1, shape: [1, 3, 64, 64] }]);
    expect(info.outputs.map((o) => [o.name, o.shape])).toEqual([['output0', [1, 11, 64]]]);
    expect(info.metadata).toMatchObject({ task: 'pose', kpt_shape: '[2, 3]', names: "{0: 'person'}" });
    expect(info.opset).toBe(13);
  });

  it('rejects bytes that are not a model, and models it cannot place, with a clear message', () => {
    expect(() => readOnnxInfo(new TextEncoder().encode('hello, this is not onnx'))).toThrow(
      /Not a readable ONNX model/,
    );
    expect(() => describeUserModel(readOnnxInfo(genericDetector()), 'mystery.onnx', 'x', 1)).toThrow(
      /Could not tell what kind of model mystery.onnx is.*JSON spec/,
    );
    expect(() =>
      parseGenericSpec('{"labels": [], "input": {"width": 4, "height": 4}, "output": {}}', 'spec.json'),
    ).toThrow(/spec.json: labels: /);
  });
});

describe('Ultralytics detect', () => {
  it('letterboxes the frame and maps the cell boxes back to image pixels, one box per object after NMS', async () => {
    const m = await load(cellDetector(), 'cells.onnx');
    expect(m.model.labels.map((l) => l.name)).toEqual(CELL_NAMES);
    expect(m.model.input).toMatchObject({ width: 64, height: 64, resize: 'letterbox' });
    // 128×64 frame: scale 0.5, 16 px of padding above and below in the 64×64 input.
    // A red 16×16 square at (32, 0) is the input cell (16..24, 16..24); a blue one at (96, 48) is (48..56, 40..48).
    const image = paint(128, 64, [
      [32, 0, 16, 16, 255, 0, 0],
      [96, 48, 16, 16, 0, 0, 255],
    ]);
    const found = await run(m, image);
    expect(found).toHaveLength(2);
    const red = found.find((d) => d.label === 0)!;
    const blue = found.find((d) => d.label === 1)!;
    expect(red).toMatchObject({ type: 'rectangle', rotation: 0 });
    expect(red.score).toBeCloseTo(1, 5);
    expect((red as Extract<Detection, { type: 'rectangle' }>).points).toEqual([32, 0, 48, 16]);
    expect((blue as Extract<Detection, { type: 'rectangle' }>).points).toEqual([96, 48, 112, 64]);
  });

  it('gives each candidate its best class and applies the confidence threshold', async () => {
    const m = await load(cellDetector(), 'cells.onnx');
    // A magenta strip over half of two adjacent cells: red and blue both score 0.5 on each.
    const image = paint(64, 64, [[4, 0, 8, 8, 255, 0, 255]]);
    const found = await run(m, image, 0.4);
    expect(found.map((d) => d.label)).toEqual([0, 0]);
    expect(found.every((d) => Math.abs(d.score - 0.5) < 1e-3)).toBe(true);
    expect(await run(m, image, 0.6)).toEqual([]);
  });
});

describe('NMS-free Ultralytics export', () => {
  it('reads the final rows (box, score, class) without its own NMS', async () => {
    const m = await load(endToEndDetector(), 'yolo26n.onnx');
    expect(m.model.labels.map((l) => l.name)).toEqual(['cat', 'dog', 'bird']);
    // A white 64×64 frame: mean 1, so the scores are 1, 0.5 and 0.2; letterbox scale 0.5.
    const found = await run(m, paint(64, 64, [[0, 0, 64, 64, 255, 255, 255]]), 0.3);
    expect(
      found.map((d) => [
        d.label,
        +d.score.toFixed(3),
        ...(d as Extract<Detection, { type: 'rectangle' }>).points,
      ]),
    ).toEqual([
      [2, 1, 8, 8, 24, 24],
      [0, 0.5, 32, 0, 64, 32],
    ]);
  });
});

describe('Ultralytics segment, pose and oriented boxes', () => {
  it('builds instance masks from the prototypes, or polygons when asked', async () => {
    const m = await load(cellSegmenter(), 'seg.onnx');
    expect(m.model.labels).toEqual([{ name: 'red thing', type: 'mask' }]);
    const image = paint(64, 64, [[8, 8, 8, 8, 255, 0, 0]]);
    const [mask] = await run(m, image);
    expect(mask?.type).toBe('mask');
    const crop = decodeMask((mask as Extract<Detection, { type: 'mask' }>).points);
    expect([crop.left, crop.top, crop.width, crop.height]).toEqual([8, 8, 8, 8]);
    // Bilinear upsampling of the 4-px prototype grid rounds the square's outer corner off.
    expect(crop.bitmap.reduce((a, v) => a + v, 0)).toBeGreaterThanOrEqual(60);
    const [polygon] = await run(m, image, 0.5, true);
    expect(polygon?.type).toBe('polygon');
    const pts = (polygon as Extract<Detection, { type: 'polygon' }>).points;
    const xs = pts.filter((_, i) => i % 2 === 0);
    const ys = pts.filter((_, i) => i % 2 === 1);
    expect([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]).toEqual([8, 8, 16, 16]);
  });

  it('decodes keypoints of a pose model into a skeleton', async () => {
    const m = await load(cellPose(), 'pose.onnx');
    expect(m.model.decoder).toEqual({ kind: 'yolo', task: 'pose', kpt: [2, 3] });
    const [s] = await run(m, paint(64, 64, [[16, 16, 8, 8, 255, 0, 0]]));
    expect(s).toMatchObject({
      type: 'skeleton',
      box: [16, 16, 24, 24],
      keypoints: [
        { x: 18, y: 18, score: expect.closeTo(0.9, 5) },
        { x: 22, y: 22, score: expect.closeTo(0.1, 5) },
      ],
    });
  });

  it('turns oriented boxes into rotated rectangles', async () => {
    const m = await load(cellObb(), 'obb.onnx');
    const [r] = await run(m, paint(64, 64, [[40, 0, 8, 8, 255, 0, 0]]));
    expect(r).toMatchObject({ type: 'rectangle', points: [40, 0, 48, 8] });
    expect((r as Extract<Detection, { type: 'rectangle' }>).rotation).toBeCloseTo(30, 4);
  });
});

describe('generic detector with a JSON spec', () => {
  it('reads rows of normalised boxes, scores and classes, with NMS', async () => {
    const m = await load(genericDetector(), 'colours.onnx', JSON.stringify(GENERIC_SPEC));
    expect(m.model.labels.map((l) => l.name)).toEqual(['reddish', 'greenish']);
    // 200×100 frame, mean red 0.75, mean green 0.6: rows 0 and 2 overlap (same class) → one box.
    const image = paint(200, 100, [
      [0, 0, 200, 75, 255, 0, 0],
      [0, 0, 200, 60, 0, 255, 0],
    ]);
    // Painting green over red leaves red on rows 60..75 only: mean red 0.15, mean green 0.6.
    const found = await run(m, image, 0.1);
    expect(found.map((d) => [d.label, +d.score.toFixed(2)])).toEqual([
      [1, 0.6],
      [0, 0.15],
    ]);
    expect((found[0] as Extract<Detection, { type: 'rectangle' }>).points.map(Math.round)).toEqual([
      100, 50, 180, 90,
    ]);
    expect((found[1] as Extract<Detection, { type: 'rectangle' }>).points.map(Math.round)).toEqual([
      20, 10, 80, 50,
    ]);
  });
});

describe('label mapping', () => {
  const labels: LabelSpec[] = [
    { id: 'L1', name: 'Red_Thing', color: '#f00', type: 'any', attributes: [], sublabels: [], svg: '' },
    { id: 'L2', name: 'vehicle', color: '#00f', type: 'rectangle', attributes: [], sublabels: [], svg: '' },
    {
      id: 'L3',
      name: 'person',
      color: '#0f0',
      type: 'skeleton',
      attributes: [],
      sublabels: [
        { id: 'K1', name: '1', color: '#fff', type: 'points', attributes: [] },
        { id: 'K2', name: '2', color: '#fff', type: 'points', attributes: [] },
      ],
      svg: '',
    },
  ];

  it('matches names loosely, and maps skeleton keypoints by sublabel name', async () => {
    const det = await load(cellDetector(), 'cells.onnx');
    expect(defaultMapping(det.model.labels, labels)).toEqual({
      'red thing': { label_id: 'L1', sublabels: {} },
    });
    const pose = await load(cellPose(), 'pose.onnx');
    expect(defaultMapping(pose.model.labels, labels)).toEqual({
      person: { label_id: 'L3', sublabels: { '1': 'K1', '2': 'K2' } },
    });
  });

  it('maps numbered skeleton points by order when no keypoint name matches', () => {
    const numbered: LabelSpec = {
      ...labels[2]!,
      id: 'S',
      sublabels: labels[2]!.sublabels.map((s, i) => ({ ...s, id: `N${i}`, name: `p${i}` })),
    };
    expect(
      sublabelMapping({ name: 'person', type: 'skeleton', sublabels: ['nose', 'tail'] }, numbered),
    ).toEqual({ nose: 'N0', tail: 'N1' });
    expect(sublabelMapping({ name: 'person', type: 'skeleton', sublabels: ['nose'] }, numbered)).toEqual({});
  });

  it('writes mapped detections as auto shapes and drops unmapped ones', async () => {
    const m = await load(cellDetector(), 'cells.onnx');
    const found = await run(
      m,
      paint(64, 64, [
        [0, 0, 8, 8, 255, 0, 0],
        [32, 32, 8, 8, 0, 0, 255],
      ]),
    );
    // A user mapping: the blue class goes to "vehicle"; the red one is left unmapped.
    const objects = detectionsToObjects(found, {
      frame: 7,
      modelLabels: m.model.labels,
      taskLabels: labels,
      mapping: { blue_thing: { label_id: 'L2', sublabels: {} } },
    });
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatchObject({
      kind: 'shape',
      type: 'rectangle',
      label_id: 'L2',
      frame: 7,
      source: 'auto',
      points: [32, 32, 40, 40],
    });
  });

  it('writes pose results as skeletons with low-score keypoints outside', async () => {
    const m = await load(cellPose(), 'pose.onnx');
    const found = await run(m, paint(64, 64, [[16, 16, 8, 8, 255, 0, 0]]));
    const [skeleton] = detectionsToObjects(found, {
      frame: 0,
      modelLabels: m.model.labels,
      taskLabels: labels,
      mapping: defaultMapping(m.model.labels, labels),
    });
    expect(skeleton).toMatchObject({
      type: 'skeleton',
      label_id: 'L3',
      source: 'auto',
      elements: [
        { label_id: 'K1', points: [18, 18], outside: false },
        { label_id: 'K2', points: [22, 22], outside: true },
      ],
    });
  });
});
