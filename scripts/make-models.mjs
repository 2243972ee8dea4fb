#!/usr/bin/env node
/**
 * Writes the small ONNX models used by the diagnostics page and the end-to-end tests into
 * static/models/ (git-ignored, never precached by the service worker).
 *
 * tiny.onnx computes  y = Relu(x · W + b)  for x: float32[1,4], y: float32[1,3], with
 *
 *   W = [[1, 0, -1],      b = [0.5, -1, 2]
 *        [0, 1, -1],
 *        [1, 1, -1],
 *        [0, 0, -1]]
 *
 * All weights are small integers or halves, so results are exact in float32:
 *   x = [1, 2, 3, 4]  →  x·W = [4, 5, -10]  →  +b = [4.5, 4, -8]  →  Relu = [4.5, 4, 0]
 *
 * Keep these numbers in sync with workers/inference.worker.ts and tests/e2e/diagnostics.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'static', 'models');

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** @param {string} name @param {number[]} dims */
function floatInfo(name, dims) {
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

/** @param {string} name @param {number[]} dims @param {number[]} values */
function floatTensor(name, dims, values) {
  if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`bad size for ${name}`);
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, floatData: values });
}

function tinyModel() {
  const W = [1, 0, -1, 0, 1, -1, 1, 1, -1, 0, 0, -1];
  const b = [0.5, -1, 2];
  const graph = onnx.GraphProto.create({
    name: 'tiny',
    input: [floatInfo('x', [1, 4])],
    output: [floatInfo('y', [1, 3])],
    initializer: [floatTensor('W', [4, 3], W), floatTensor('b', [3], b)],
    node: [
      onnx.NodeProto.create({ name: 'matmul', opType: 'MatMul', input: ['x', 'W'], output: ['xw'] }),
      onnx.NodeProto.create({ name: 'add', opType: 'Add', input: ['xw', 'b'], output: ['z'] }),
      onnx.NodeProto.create({ name: 'relu', opType: 'Relu', input: ['z'], output: ['y'] }),
    ],
  });
  return onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'loupe-make-models',
    producerVersion: '1',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    graph,
  });
}

function write(name, model) {
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(`${name}: ${err}`);
  const bytes = onnx.ModelProto.encode(model).finish();
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, name);
  writeFileSync(file, bytes);
  console.log(`make-models: wrote ${file} (${bytes.length} bytes)`);
}

write('tiny.onnx', tinyModel());
