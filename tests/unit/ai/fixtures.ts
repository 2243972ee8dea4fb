/**
 * Hand-built ONNX models with outputs we can predict exactly, for the inference plumbing tests
 * (Node and Chromium) and the automatic annotation e2e test.
 *
 * The "cell detector" looks at a 64×64 input in 8×8 cells: the mean red of a cell is the score of
 * class 0 and the mean blue the score of class 1, and every cell proposes its own 8×8 box. A red
 * square therefore comes back as class-0 boxes on exactly the cells it covers.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export const CELL_INPUT = 64;
export const CELL = 8;
export const CELLS = (CELL_INPUT / CELL) ** 2;

function valueInfo(name: string, dims: number[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d })),
        }),
      }),
    }),
  });
}

const floats = (name: string, dims: number[], values: number[]) =>
  onnx.TensorProto.create({ name, dims, dataType: FLOAT, floatData: values });
const ints = (name: string, values: number[]) =>
  onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, int64Data: values });

type Attr = { name: string; ints?: number[]; i?: number; f?: number };
function node(opType: string, input: string[], output: string[], attrs: Attr[] = []) {
  return onnx.NodeProto.create({
    name: `${opType}_${output[0]}`,
    opType,
    input,
    output,
    attribute: attrs.map((a) =>
      a.ints
        ? onnx.AttributeProto.create({
            name: a.name,
            ints: a.ints,
            type: onnx.AttributeProto.AttributeType.INTS,
          })
        : a.f !== undefined
          ? onnx.AttributeProto.create({
              name: a.name,
              f: a.f,
              type: onnx.AttributeProto.AttributeType.FLOAT,
            })
          : onnx.AttributeProto.create({ name: a.name, i: a.i, type: onnx.AttributeProto.AttributeType.INT }),
    ),
  });
}

function model(
  graph: {
    inputs: ReturnType<typeof valueInfo>[];
    outputs: ReturnType<typeof valueInfo>[];
    nodes: ReturnType<typeof node>[];
    initializers: ReturnType<typeof floats>[];
  },
  metadata: Record<string, string> = {},
): Uint8Array {
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'loupe-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    metadataProps: Object.entries(metadata).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
    graph: onnx.GraphProto.create({
      name: 'fixture',
      input: graph.inputs,
      output: graph.outputs,
      node: graph.nodes,
      initializer: graph.initializers,
    }),
  });
  const err = onnx.ModelProto.verify(m);
  if (err) throw new Error(err);
  return onnx.ModelProto.encode(m).finish();
}

/** Cell centres and sizes as four rows of N values: cx, cy, w, h (input pixels). */
function cellBoxes(): number[] {
  const grid = CELL_INPUT / CELL;
  const rows: number[][] = [[], [], [], []];
  for (let i = 0; i < CELLS; i++) {
    rows[0]!.push((i % grid) * CELL + CELL / 2);
    rows[1]!.push(Math.floor(i / grid) * CELL + CELL / 2);
    rows[2]!.push(CELL);
    rows[3]!.push(CELL);
  }
  return rows.flat();
}

/** Nodes computing per-cell mean of channel `c` as `[1, 1, N]` under the name `out`. */
function channelMean(c: number, out: string) {
  return [
    node('Slice', ['pooled', `c${c}_start`, `c${c}_end`, 'axis1'], [`${out}_4d`]),
    node('Reshape', [`${out}_4d`, 'row_shape'], [out]),
  ];
}

function cellInitializers(blue = false): ReturnType<typeof floats>[] {
  return [
    floats('boxes', [1, 4, CELLS], cellBoxes()),
    ints('c0_start', [0]),
    ints('c0_end', [1]),
    ...(blue ? [ints('c2_start', [2]), ints('c2_end', [3])] : []),
    ints('axis1', [1]),
    ints('row_shape', [1, 1, CELLS]),
  ];
}

const poolNode = () =>
  node(
    'AveragePool',
    ['images'],
    ['pooled'],
    [
      { name: 'kernel_shape', ints: [CELL, CELL] },
      { name: 'strides', ints: [CELL, CELL] },
    ],
  );

export const CELL_NAMES = ['red thing', 'blue_thing'];
const namesMeta = (names: string[]) => `{${names.map((n, i) => `${i}: '${n}'`).join(', ')}}`;

/** Ultralytics-style detect model: `output0` [1, 6, 64] = cx, cy, w, h, red, blue. */
export function cellDetector(): Uint8Array {
  return model(
    {
      inputs: [valueInfo('images', [1, 3, CELL_INPUT, CELL_INPUT])],
      outputs: [valueInfo('output0', [1, 6, CELLS])],
      nodes: [
        poolNode(),
        ...channelMean(0, 'red'),
        ...channelMean(2, 'blue'),
        node('Concat', ['boxes', 'red', 'blue'], ['output0'], [{ name: 'axis', i: 1 }]),
      ],
      initializers: cellInitializers(true),
    },
    {
      names: namesMeta(CELL_NAMES),
      task: 'detect',
      imgsz: `[${CELL_INPUT}, ${CELL_INPUT}]`,
      description: 'Cell detector',
    },
  );
}

/**
 * Segment model: one class (red), one mask coefficient fixed at 1, and a 16×16 prototype equal to
 * (mean red per 4×4 block − 0.5): the instance mask is the red area inside the box.
 */
export function cellSegmenter(): Uint8Array {
  return model(
    {
      inputs: [valueInfo('images', [1, 3, CELL_INPUT, CELL_INPUT])],
      outputs: [valueInfo('output0', [1, 6, CELLS]), valueInfo('output1', [1, 1, 16, 16])],
      nodes: [
        poolNode(),
        ...channelMean(0, 'red'),
        node('Concat', ['boxes', 'red', 'ones'], ['output0'], [{ name: 'axis', i: 1 }]),
        node(
          'AveragePool',
          ['images'],
          ['fine'],
          [
            { name: 'kernel_shape', ints: [4, 4] },
            { name: 'strides', ints: [4, 4] },
          ],
        ),
        node('Slice', ['fine', 'c0_start', 'c0_end', 'axis1'], ['fine_red']),
        node('Sub', ['fine_red', 'half'], ['output1']),
      ],
      initializers: [
        ...cellInitializers(),
        floats('ones', [1, 1, CELLS], new Array<number>(CELLS).fill(1)),
        floats('half', [1], [0.5]),
      ],
    },
    { names: namesMeta(['red thing']), task: 'segment', imgsz: '[64, 64]' },
  );
}

/** Pose model: class red; keypoint 0 at the cell's top-left quarter (score 0.9), keypoint 1 at its bottom-right (0.1). */
export function cellPose(): Uint8Array {
  const b = cellBoxes();
  const cx = b.slice(0, CELLS);
  const cy = b.slice(CELLS, 2 * CELLS);
  const kps = [
    ...cx.map((x) => x - 2),
    ...cy.map((y) => y - 2),
    ...new Array<number>(CELLS).fill(0.9),
    ...cx.map((x) => x + 2),
    ...cy.map((y) => y + 2),
    ...new Array<number>(CELLS).fill(0.1),
  ];
  return model(
    {
      inputs: [valueInfo('images', [1, 3, CELL_INPUT, CELL_INPUT])],
      outputs: [valueInfo('output0', [1, 11, CELLS])],
      nodes: [
        poolNode(),
        ...channelMean(0, 'red'),
        node('Concat', ['boxes', 'red', 'kps'], ['output0'], [{ name: 'axis', i: 1 }]),
      ],
      initializers: [...cellInitializers(), floats('kps', [1, 6, CELLS], kps)],
    },
    { names: namesMeta(['person']), task: 'pose', imgsz: '[64, 64]', kpt_shape: '[2, 3]' },
  );
}

/** Oriented boxes: class red, every angle π/6. */
export function cellObb(): Uint8Array {
  return model(
    {
      inputs: [valueInfo('images', [1, 3, CELL_INPUT, CELL_INPUT])],
      outputs: [valueInfo('output0', [1, 6, CELLS])],
      nodes: [
        poolNode(),
        ...channelMean(0, 'red'),
        node('Concat', ['boxes', 'red', 'angle'], ['output0'], [{ name: 'axis', i: 1 }]),
      ],
      initializers: [
        ...cellInitializers(),
        floats('angle', [1, 1, CELLS], new Array<number>(CELLS).fill(Math.PI / 6)),
      ],
    },
    { names: namesMeta(['plane']), task: 'obb', imgsz: '[64, 64]' },
  );
}

/**
 * A non-Ultralytics detector for the JSON spec: `dets` [1, 3, 6] rows of x1, y1, x2, y2 (0–1),
 * score, class. The scores are the image's mean red, green and blue, so the input still matters.
 */
export const GENERIC_BOXES = [
  [0.1, 0.1, 0.4, 0.5],
  [0.5, 0.5, 0.9, 0.9],
  [0.12, 0.1, 0.42, 0.5],
];
export function genericDetector(): Uint8Array {
  const rows = GENERIC_BOXES.flat();
  return model({
    inputs: [valueInfo('pixels', [1, 3, 32, 32])],
    outputs: [valueInfo('dets', [1, 3, 6])],
    nodes: [
      node(
        'ReduceMean',
        ['pixels'],
        ['mean'],
        [
          { name: 'axes', ints: [2, 3] },
          { name: 'keepdims', i: 0 },
        ],
      ),
      node('Reshape', ['mean', 'col_shape'], ['scores']),
      node('Concat', ['boxes', 'scores', 'classes'], ['dets'], [{ name: 'axis', i: 2 }]),
    ],
    initializers: [
      floats('boxes', [1, 3, 4], rows),
      ints('col_shape', [1, 3, 1]),
      floats('classes', [1, 3, 1], [0, 1, 0]),
    ],
  });
}

export const GENERIC_SPEC = {
  name: 'Colour boxes',
  labels: ['reddish', 'greenish'],
  input: { width: 32, height: 32, layout: 'nchw', resize: 'stretch', scale: 1 / 255 },
  output: { name: 'dets', format: 'xyxy', normalized: true, box: 0, score: 4, class: 5 },
  iouThreshold: 0.5,
};

/** An RGBA image of `w`×`h` on black with filled rectangles [x, y, w, h, r, g, b]. */
export function paint(
  w: number,
  h: number,
  rects: [number, number, number, number, number, number, number][],
) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (const [x0, y0, rw, rh, r, g, b] of rects) {
    for (let y = y0; y < y0 + rh; y++) {
      for (let x = x0; x < x0 + rw; x++) {
        const o = (y * w + x) * 4;
        data[o] = r;
        data[o + 1] = g;
        data[o + 2] = b;
      }
    }
  }
  return { data, width: w, height: h };
}

/**
 * A stand-in SAM decoder with the standard prompt inputs; its `masks` output is the mean of the
 * embeddings (enough to be recognised and loaded, not to segment).
 */
export function samDecoderShape(): Uint8Array {
  return model({
    inputs: [
      valueInfo('image_embeddings', [1, 256, 64, 64]),
      valueInfo('point_coords', [1, 2, 2]),
      valueInfo('point_labels', [1, 2]),
    ],
    outputs: [valueInfo('masks', [1, 1])],
    nodes: [
      node(
        'ReduceMean',
        ['image_embeddings'],
        ['masks_4d'],
        [
          { name: 'axes', ints: [2, 3] },
          { name: 'keepdims', i: 0 },
        ],
      ),
      node(
        'ReduceMean',
        ['masks_4d'],
        ['masks'],
        [
          { name: 'axes', ints: [1] },
          { name: 'keepdims', i: 1 },
        ],
      ),
    ],
    initializers: [],
  });
}

/** An NMS-free Ultralytics export: `output0` [1, 3, 6] final rows (x1, y1, x2, y2 in input pixels, score, class), 3 classes. */
export function endToEndDetector(): Uint8Array {
  return model(
    {
      inputs: [valueInfo('images', [1, 3, 32, 32])],
      outputs: [valueInfo('output0', [1, 3, 6])],
      nodes: [
        node(
          'ReduceMean',
          ['images'],
          ['mean'],
          [
            { name: 'axes', ints: [0, 1, 2, 3] },
            { name: 'keepdims', i: 0 },
          ],
        ),
        node('Mul', ['rows', 'mean'], ['scaled']),
        node('Add', ['scaled', 'offsets'], ['output0']),
      ],
      initializers: [
        // Scores scale with the mean brightness; everything else is fixed by the offsets.
        floats('rows', [1, 3, 6], [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0.2, 0]),
        floats('offsets', [1, 3, 6], [4, 4, 12, 12, 0, 2, 16, 0, 32, 16, 0, 0, 0, 0, 1, 1, 0, 1]),
      ],
    },
    { names: namesMeta(['cat', 'dog', 'bird']), task: 'detect', imgsz: '[32, 32]', end2end: 'True' },
  );
}
