/**
 * The build-time TF.js → ONNX converter: hand-written TF.js graph models with known weights are
 * converted and run in onnxruntime-node against a direct computation in the test; the shipped
 * Human models convert with the inputs and outputs the decoders expect.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readOnnxInfo } from '../../../src/lib/ai/onnxInfo';

const ROOT = resolve(import.meta.dirname, '../../..');

// The converter is a plain build script; loaded by URL so it stays outside the type check.
const { convert, convertFile } = (await import(
  pathToFileURL(join(ROOT, 'scripts', 'tfjs2onnx.mjs')).href
)) as {
  convert(json: object, dir: string): Uint8Array;
  convertFile(src: string, dst: string): number;
};
const dir = mkdtempSync(join(tmpdir(), 'loupe-tfjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Weight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: number[];
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A graph model whose weights live in one shard written next to it. */
function graph(name: string, nodes: object[], weights: Weight[]): { json: object; dir: string } {
  const buf = Buffer.alloc(weights.reduce((a, w) => a + w.values.length * 4, 0));
  let at = 0;
  for (const w of weights) {
    for (const v of w.values) {
      if (w.dtype === 'int32') buf.writeInt32LE(v, at);
      else buf.writeFloatLE(v, at);
      at += 4;
    }
  }
  writeFileSync(join(dir, `${name}.bin`), buf);
  const consts = weights.map((w) => ({ name: w.name, op: 'Const', attr: {} }));
  return {
    json: {
      format: 'graph-model',
      modelTopology: { node: [...consts, ...nodes] },
      weightsManifest: [
        {
          paths: [`${name}.bin`],
          weights: weights.map(({ name: n, shape, dtype }) => ({ name: n, shape, dtype })),
        },
      ],
    },
    dir,
  };
}

const placeholder = (name: string, dims: number[], type = 'DT_FLOAT') => ({
  name,
  op: 'Placeholder',
  attr: { dtype: { type }, shape: { shape: { dim: dims.map((d) => ({ size: String(d) })) } } },
});

async function runOnnx(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes);
  return session.run(feeds);
}

describe('TF.js → ONNX converter', () => {
  it('converts a fused conv (SAME, stride 2, bias, Relu6), a depthwise conv and max pooling in NHWC', async () => {
    // x: [1, 4, 4, 1] = 0..15; conv 2×2 → 2 channels; depthwise 1×1 ×(2, -1); maxpool 2×2.
    const x = Array.from({ length: 16 }, (_, i) => i);
    const k0 = [1, 0, 0, 1]; // HW order for out channel 0: x[y][x] + x[y+1][x+1]
    const k1 = [0.1, 0.1, 0.1, 0.1];
    const filter: number[] = [];
    for (let i = 0; i < 4; i++) filter.push(k0[i]!, k1[i]!); // HWIO with I=1, O=2
    const { json, dir: d } = graph(
      'conv',
      [
        placeholder('x', [1, 4, 4, 1]),
        {
          name: 'conv',
          op: '_FusedConv2D',
          input: ['x', 'w', 'b'],
          attr: {
            strides: { list: { i: ['1', '2', '2', '1'] } },
            padding: { s: b64('SAME') },
            dilations: { list: { i: ['1', '1', '1', '1'] } },
            fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu6')] } },
          },
        },
        {
          name: 'dw',
          op: 'DepthwiseConv2dNative',
          input: ['conv', 'dwk'],
          attr: { strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('VALID') } },
        },
        {
          name: 'pool',
          op: 'MaxPool',
          input: ['dw'],
          attr: {
            ksize: { list: { i: ['1', '2', '2', '1'] } },
            strides: { list: { i: ['1', '2', '2', '1'] } },
            padding: { s: b64('VALID') },
          },
        },
      ],
      [
        { name: 'w', shape: [2, 2, 1, 2], dtype: 'float32', values: filter },
        { name: 'b', shape: [2], dtype: 'float32', values: [-10, 0] },
        { name: 'dwk', shape: [1, 1, 2, 1], dtype: 'float32', values: [2, -1] },
      ],
    );
    const out = await runOnnx(convert(json, d), {
      x: new ort.Tensor('float32', Float32Array.from(x), [1, 4, 4, 1]),
    });
    // SAME with stride 2 on 4×4: outputs at (0,0), (0,2), (2,0), (2,2), no padding needed.
    const at = (r: number, c: number) => x[r * 4 + c]!;
    const relu6 = (v: number) => Math.min(6, Math.max(0, v));
    const conv = [
      [0, 0],
      [0, 2],
      [2, 0],
      [2, 2],
    ].map(([r, c]) => [
      relu6(at(r!, c!) + at(r! + 1, c! + 1) - 10),
      relu6(0.1 * (at(r!, c!) + at(r!, c! + 1) + at(r! + 1, c!) + at(r! + 1, c! + 1))),
    ]);
    const dw = conv.map(([a, b]) => [2 * a!, -b!]);
    const expected = [Math.max(...dw.map((v) => v[0]!)), Math.max(...dw.map((v) => v[1]!))];
    expect(out.pool!.dims).toEqual([1, 1, 1, 2]);
    expect(Array.from(out.pool!.data as Float32Array).map((v) => +v.toFixed(4))).toEqual(
      expected.map((v) => +v.toFixed(4)),
    );
  });

  it('converts padding, reshapes, pack/unpack, concat, argmax with floor division and GatherNd', async () => {
    // x: [1, 2, 3] → pad to [1, 2, 4] with a zero column → argmax over the flattened 8 values.
    const x = [1, 2, 3, 4, 9, 6];
    const { json, dir: d } = graph(
      'misc',
      [
        placeholder('x', [1, 2, 3]),
        { name: 'pad', op: 'Pad', input: ['x', 'paddings'] },
        { name: 'flat', op: 'Reshape', input: ['pad', 'flat_shape'] },
        { name: 'arg', op: 'ArgMax', input: ['flat', 'axis1'], attr: { output_type: { type: 'DT_INT32' } } },
        { name: 'row', op: 'FloorDiv', input: ['arg', 'four'] },
        { name: 'rows', op: 'Unpack', input: ['pad'], attr: { axis: { i: '1' }, num: { i: '2' } } },
        { name: 'stacked', op: 'Pack', input: ['rows:1', 'rows'], attr: { axis: { i: '1' }, N: { i: '2' } } },
        { name: 'both', op: 'ConcatV2', input: ['stacked', 'pad', 'axis1'] },
        { name: 'picked', op: 'GatherNd', input: ['pad', 'index'] },
        { name: 'Identity', op: 'Identity', input: ['both'] },
      ],
      [
        { name: 'paddings', shape: [3, 2], dtype: 'int32', values: [0, 0, 0, 0, 0, 1] },
        { name: 'flat_shape', shape: [2], dtype: 'int32', values: [1, 8] },
        { name: 'axis1', shape: [], dtype: 'int32', values: [1] },
        { name: 'four', shape: [], dtype: 'int32', values: [4] },
        { name: 'index', shape: [1, 3], dtype: 'int32', values: [0, 1, 2] },
      ],
    );
    const bytes = convert(json, d);
    const info = readOnnxInfo(bytes);
    expect(info.inputs.map((i) => [i.name, i.shape])).toEqual([['x', [1, 2, 3]]]);
    const out = await runOnnx(bytes, { x: new ort.Tensor('float32', Float32Array.from(x), [1, 2, 3]) });
    // The maximum 9 is at flat index 5 of the padded rows of 4: row 1.
    expect(Array.from(out.row!.data as Int32Array)).toEqual([1]);
    expect(Array.from(out.picked!.data as Float32Array)).toEqual([6]);
    // Rows swapped, then the padded input again.
    expect(out.Identity!.dims).toEqual([1, 4, 4]);
    expect(Array.from(out.Identity!.data as Float32Array)).toEqual([
      4, 9, 6, 0, 1, 2, 3, 0, 1, 2, 3, 0, 4, 9, 6, 0,
    ]);
  });

  it('names unsupported ops instead of writing a broken model', () => {
    const { json, dir: d } = graph(
      'bad',
      [placeholder('x', [1]), { name: 'loop', op: 'While', input: ['x'] }],
      [],
    );
    expect(() => convert(json, d)).toThrow(/unsupported TF op While \(node loop\)/);
  });

  it('converts the shipped BlazeFace and MoveNet with the I/O the decoders read', async () => {
    const human = join(ROOT, 'node_modules', '@vladmandic', 'human', 'models');
    const bf = join(dir, 'blazeface.onnx');
    convertFile(join(human, 'blazeface.json'), bf);
    const mn = join(dir, 'movenet.onnx');
    // MoveNet's weights are halves in the shards and stay halves: about 4.7 MB, not 9.4 MB.
    expect(convertFile(join(human, 'movenet-lightning.json'), mn)).toBeLessThan(5_000_000);
    const face = await ort.InferenceSession.create(bf);
    expect(face.inputNames).toEqual(['input']);
    const fo = await face.run({
      input: new ort.Tensor('float32', new Float32Array(256 * 256 * 3), [1, 256, 256, 3]),
    });
    expect(Object.fromEntries(Object.entries(fo).map(([k, v]) => [k, v.dims]))).toEqual({
      Identity: [1, 512, 1],
      Identity_1: [1, 384, 1],
      Identity_2: [1, 512, 16],
      Identity_3: [1, 384, 16],
    });
    const pose = await ort.InferenceSession.create(mn);
    const po = await pose.run({
      input: new ort.Tensor('int32', new Int32Array(192 * 192 * 3).fill(90), [1, 192, 192, 3]),
    });
    expect(po.Identity!.dims).toEqual([1, 1, 17, 3]);
    // (y, x) are normalised, scores are probabilities.
    for (const v of po.Identity!.data as Float32Array) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  }, 60_000);
});
