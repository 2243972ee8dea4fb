#!/usr/bin/env node
/**
 * TF.js graph model (model.json + weight shards) → ONNX, for the build. Only `onnx-proto` is
 * needed; no Python. Covers the ops of the models we ship (BlazeFace, MoveNet) and common
 * MobileNet-style graphs: fused and depthwise convolutions, pooling, padding, resize, element-wise
 * maths, reshapes, pack/unpack, concat, argmax, gather.
 *
 * Layout: TF's NHWC is kept everywhere; convolutions, pooling and resize are wrapped in
 * NHWC↔NCHW transposes, which onnxruntime's optimiser folds away at session creation.
 *
 * Usage: node scripts/tfjs2onnx.mjs <model.json> <out.onnx>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
const OPSET = 13;

const TF_DTYPES = {
  DT_FLOAT: T.FLOAT,
  DT_INT32: T.INT32,
  DT_INT64: T.INT64,
  DT_BOOL: T.BOOL,
  DT_UINT8: T.UINT8,
  DT_HALF: T.FLOAT16,
};
const JSON_DTYPES = { float32: T.FLOAT, int32: T.INT32, bool: T.BOOL };

export class ConversionError extends Error {}

function half(bits) {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** float32 → IEEE half bits, round to nearest even (exact for values that came from halves). */
function toHalf(v) {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** Decodes every weight of the manifest into typed arrays (float32 or int32). */
function readWeights(modelJson, dir) {
  const out = new Map();
  for (const group of modelJson.weightsManifest) {
    const bufs = group.paths.map((p) => readFileSync(join(dir, p)));
    const all = Buffer.concat(bufs);
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      let values;
      if (q?.dtype === 'float16') {
        values = new Float32Array(n);
        for (let i = 0; i < n; i++) values[i] = half(all.readUInt16LE(offset + i * 2));
        offset += n * 2;
      } else if (q?.dtype === 'uint8' || q?.dtype === 'uint16') {
        const size = q.dtype === 'uint8' ? 1 : 2;
        values = w.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const raw = size === 1 ? all[offset + i] : all.readUInt16LE(offset + i * 2);
          values[i] = raw * q.scale + q.min;
        }
        offset += n * size;
      } else if (w.dtype === 'float32') {
        values = new Float32Array(n);
        for (let i = 0; i < n; i++) values[i] = all.readFloatLE(offset + i * 4);
        offset += n * 4;
      } else if (w.dtype === 'int32') {
        values = new Int32Array(n);
        for (let i = 0; i < n; i++) values[i] = all.readInt32LE(offset + i * 4);
        offset += n * 4;
      } else if (w.dtype === 'bool') {
        values = new Int32Array(n);
        for (let i = 0; i < n; i++) values[i] = all[offset + i];
        offset += n;
      } else {
        throw new ConversionError(`weight ${w.name}: unsupported dtype ${w.dtype}`);
      }
      // Weights stored as halves in the shards stay halves in the ONNX file: lossless, half the size.
      out.set(w.name, {
        dtype: JSON_DTYPES[w.dtype] ?? T.FLOAT,
        shape: w.shape,
        values,
        half: q?.dtype === 'float16',
      });
    }
  }
  return out;
}

const attrString = (a) => (a?.s ? Buffer.from(a.s, 'base64').toString() : undefined);
const attrInts = (a) => (a?.list?.i ?? []).map(Number);

export function convert(modelJson, dir) {
  const weights = readWeights(modelJson, dir);
  const tfNodes = modelJson.modelTopology.node;
  const nodes = [];
  const initializers = [];
  const inputs = [];
  /** ONNX element type of each tensor name, to pick integer or float variants. */
  const dtypes = new Map();
  /** Constant values by tensor name, for ops whose TF operand is an ONNX attribute or int64 input. */
  const constants = new Map();
  let uid = 0;
  const fresh = (base) => `${base}__${uid++}`;

  const ref = (r) => {
    const [name, idx] = r.split(':');
    return idx && idx !== '0' ? `${name}:${idx}` : name;
  };
  const add = (opType, input, output, attrs = {}) => {
    const attribute = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'string')
        return onnx.AttributeProto.create({ name, s: Buffer.from(v), type: A.STRING });
      if (Array.isArray(v)) return onnx.AttributeProto.create({ name, ints: v, type: A.INTS });
      if (Number.isInteger(v)) return onnx.AttributeProto.create({ name, i: v, type: A.INT });
      return onnx.AttributeProto.create({ name, f: v, type: A.FLOAT });
    });
    nodes.push(onnx.NodeProto.create({ name: fresh(opType), opType, input, output, attribute }));
    return output[0];
  };
  const initializer = (name, dtype, dims, values) => {
    const t = onnx.TensorProto.create({ name, dims, dataType: dtype });
    if (dtype === T.FLOAT) t.rawData = Buffer.from(Float32Array.from(values).buffer);
    else if (dtype === T.INT64) t.int64Data = Array.from(values);
    else t.int32Data = Array.from(values);
    initializers.push(t);
    dtypes.set(name, dtype);
    return name;
  };
  const int64 = (values) => initializer(fresh('i64'), T.INT64, [values.length], values);
  /** A float weight; halves are stored as FLOAT16 and cast back, which onnxruntime folds at load. */
  const floatWeight = (base, dims, values, half) => {
    if (!half) return initializer(fresh(base), T.FLOAT, dims, values);
    const name = fresh(`${base}16`);
    const t = onnx.TensorProto.create({ name, dims, dataType: T.FLOAT16 });
    t.rawData = Buffer.from(Uint16Array.from(values, toHalf).buffer);
    initializers.push(t);
    return add('Cast', [name], [fresh(base)], { to: T.FLOAT });
  };
  const constOf = (r, what) => {
    const c = constants.get(ref(r));
    if (!c) throw new ConversionError(`${what}: operand ${r} must be a constant`);
    return c;
  };
  const toNchw = (x) => add('Transpose', [x], [fresh('nchw')], { perm: [0, 3, 1, 2] });
  const toNhwc = (x, out) => add('Transpose', [x], [out], { perm: [0, 2, 3, 1] });
  const autoPad = (p) => (p === 'SAME' ? 'SAME_UPPER' : 'VALID');
  const dtypeOf = (r) => dtypes.get(ref(r)) ?? T.FLOAT;

  const consumed = new Set(tfNodes.flatMap((n) => (n.input ?? []).map((i) => ref(i.replace(/^\^/, '')))));

  for (const n of tfNodes) {
    const inp = (n.input ?? []).filter((i) => !i.startsWith('^'));
    const x = inp[0] ? ref(inp[0]) : undefined;
    const out = n.name;
    const attr = n.attr ?? {};
    const same = (dtype) => dtypes.set(out, dtype ?? dtypeOf(x));
    switch (n.op) {
      case 'Const': {
        const w = weights.get(n.name);
        if (!w) throw new ConversionError(`constant ${n.name} has no weights`);
        initializer(out, w.dtype, w.shape, w.values);
        constants.set(out, w);
        break;
      }
      case 'Placeholder': {
        const dtype = TF_DTYPES[attr.dtype?.type] ?? T.FLOAT;
        const dims = (attr.shape?.shape?.dim ?? []).map((d) => Number(d.size));
        inputs.push(
          onnx.ValueInfoProto.create({
            name: out,
            type: onnx.TypeProto.create({
              tensorType: onnx.TypeProto.Tensor.create({
                elemType: dtype,
                shape: onnx.TensorShapeProto.create({
                  dim: dims.map((d) =>
                    d > 0
                      ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
                      : onnx.TensorShapeProto.Dimension.create({ dimParam: 'N' }),
                  ),
                }),
              }),
            }),
          }),
        );
        dtypes.set(out, dtype);
        break;
      }
      case 'Identity':
        add('Identity', [x], [out]);
        same();
        break;
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        const depthwise = n.op.includes('Depthwise');
        const f = constOf(inp[1], n.name);
        const [kh, kw, cin, cout] = f.shape;
        // HWIO (or HW·C·multiplier) → OIHW (or (C·multiplier)·1·HW).
        const oc = depthwise ? cin * cout : cout;
        const w = new Float32Array(f.values.length);
        for (let h = 0; h < kh; h++)
          for (let ww = 0; ww < kw; ww++)
            for (let i = 0; i < cin; i++)
              for (let o = 0; o < cout; o++) {
                const src = ((h * kw + ww) * cin + i) * cout + o;
                const dst = depthwise
                  ? ((i * cout + o) * kh + h) * kw + ww
                  : ((o * cin + i) * kh + h) * kw + ww;
                w[dst] = f.values[src];
              }
        const wName = floatWeight('w', depthwise ? [oc, 1, kh, kw] : [oc, cin, kh, kw], w, f.half);
        const fused = (attr.fused_ops?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString());
        const convInputs = [toNchw(x), wName];
        if (fused.includes('BiasAdd')) {
          const b = constOf(inp[2], n.name);
          convInputs.push(floatWeight('b', [oc], b.values, b.half));
        }
        const strides = attrInts(attr.strides);
        const dil = attrInts(attr.dilations);
        const pad = attrString(attr.padding);
        if (pad === 'EXPLICIT') throw new ConversionError(`${n.name}: explicit padding is not supported`);
        let y = add('Conv', convInputs, [fresh('conv')], {
          auto_pad: autoPad(pad),
          strides: [strides[1] ?? 1, strides[2] ?? 1],
          dilations: [dil[1] ?? 1, dil[2] ?? 1],
          kernel_shape: [kh, kw],
          group: depthwise ? cin : 1,
        });
        for (const op of fused) {
          if (op === 'BiasAdd') continue;
          if (op === 'Relu') y = add('Relu', [y], [fresh('relu')]);
          else if (op === 'Relu6')
            y = add(
              'Clip',
              [y, initializer(fresh('zero'), T.FLOAT, [], [0]), initializer(fresh('six'), T.FLOAT, [], [6])],
              [fresh('relu6')],
            );
          else throw new ConversionError(`${n.name}: fused op ${op} is not supported`);
        }
        toNhwc(y, out);
        dtypes.set(out, T.FLOAT);
        break;
      }
      case 'MaxPool':
      case 'AvgPool': {
        const k = attrInts(attr.ksize);
        const s = attrInts(attr.strides);
        const y = add(n.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [toNchw(x)], [fresh('pool')], {
          auto_pad: autoPad(attrString(attr.padding)),
          kernel_shape: [k[1], k[2]],
          strides: [s[1], s[2]],
        });
        toNhwc(y, out);
        same(T.FLOAT);
        break;
      }
      case 'Pad': {
        const p = constOf(inp[1], n.name).values;
        const rank = p.length / 2;
        const pads = [];
        for (let i = 0; i < rank; i++) pads.push(p[i * 2]);
        for (let i = 0; i < rank; i++) pads.push(p[i * 2 + 1]);
        add('Pad', [x, int64(pads)], [out], { mode: 'constant' });
        same();
        break;
      }
      case 'Add':
      case 'AddV2':
      case 'Sub':
      case 'Mul':
      case 'RealDiv': {
        const op = { Add: 'Add', AddV2: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div' }[n.op];
        add(op, [x, ref(inp[1])], [out]);
        same();
        break;
      }
      case 'FloorDiv': {
        if (dtypeOf(x) === T.FLOAT) add('Floor', [add('Div', [x, ref(inp[1])], [fresh('div')])], [out]);
        // Integer Div truncates; the indices divided here are never negative, where it equals floor.
        else add('Div', [x, ref(inp[1])], [out]);
        same();
        break;
      }
      case 'SquaredDifference': {
        const d = add('Sub', [x, ref(inp[1])], [fresh('diff')]);
        add('Mul', [d, d], [out]);
        same(T.FLOAT);
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Sqrt':
      case 'Tanh':
      case 'Exp':
        add(n.op, [x], [out]);
        same();
        break;
      case 'Relu6':
        add(
          'Clip',
          [x, initializer(fresh('zero'), T.FLOAT, [], [0]), initializer(fresh('six'), T.FLOAT, [], [6])],
          [out],
        );
        same();
        break;
      case 'Reshape': {
        const shape = constants.get(ref(inp[1]));
        const s = shape
          ? int64(Array.from(shape.values))
          : add('Cast', [ref(inp[1])], [fresh('shape')], { to: T.INT64 });
        add('Reshape', [x, s], [out]);
        same();
        break;
      }
      case 'Cast': {
        const to = TF_DTYPES[attr.DstT?.type];
        if (to === undefined) throw new ConversionError(`${n.name}: cast to ${attr.DstT?.type}`);
        add('Cast', [x], [out], { to });
        dtypes.set(out, to);
        break;
      }
      case 'ExpandDims': {
        const dim = Number(constOf(inp[1], n.name).values[0]);
        add('Unsqueeze', [x, int64([dim])], [out]);
        same();
        break;
      }
      case 'Squeeze': {
        const dims = attrInts(attr.squeeze_dims);
        add('Squeeze', dims.length ? [x, int64(dims)] : [x], [out]);
        same();
        break;
      }
      case 'Unpack': {
        const axis = Number(attr.axis?.i ?? 0);
        const num = Number(attr.num?.i);
        const parts = Array.from({ length: num }, (_, i) => fresh(`part${i}`));
        add('Split', [x, int64(new Array(num).fill(1))], parts, { axis });
        parts.forEach((p, i) => {
          const name = i === 0 ? out : `${out}:${i}`;
          add('Squeeze', [p, int64([axis])], [name]);
          dtypes.set(name, dtypeOf(x));
        });
        break;
      }
      case 'Pack': {
        const axis = Number(attr.axis?.i ?? 0);
        const parts = inp.map((i) => add('Unsqueeze', [ref(i), int64([axis])], [fresh('unsq')]));
        add('Concat', parts, [out], { axis });
        same();
        break;
      }
      case 'ConcatV2': {
        const axis = Number(constOf(inp.at(-1), n.name).values[0]);
        add('Concat', inp.slice(0, -1).map(ref), [out], { axis });
        same();
        break;
      }
      case 'ResizeBilinear':
      case 'ResizeNearestNeighbor': {
        const size = Array.from(constOf(inp[1], n.name).values);
        const nchw = toNchw(x);
        const shape = add('Shape', [nchw], [fresh('shape')]);
        const nc = add('Slice', [shape, int64([0]), int64([2])], [fresh('nc')]);
        const sizes = add('Concat', [nc, int64(size)], [fresh('sizes')], { axis: 0 });
        const mode = attr.half_pixel_centers?.b
          ? n.op === 'ResizeBilinear'
            ? 'half_pixel'
            : 'tf_half_pixel_for_nn'
          : attr.align_corners?.b
            ? 'align_corners'
            : 'asymmetric';
        const y = add('Resize', [nchw, '', '', sizes], [fresh('resize')], {
          mode: n.op === 'ResizeBilinear' ? 'linear' : 'nearest',
          coordinate_transformation_mode: mode,
          ...(n.op === 'ResizeNearestNeighbor'
            ? { nearest_mode: attr.align_corners?.b ? 'round_prefer_ceil' : 'floor' }
            : {}),
        });
        toNhwc(y, out);
        same(T.FLOAT);
        break;
      }
      case 'ArgMax': {
        const axis = Number(constOf(inp[1], n.name).values[0]);
        const y = add('ArgMax', [x], [fresh('argmax')], { axis, keepdims: 0 });
        const to = attr.output_type?.type === 'DT_INT64' ? T.INT64 : T.INT32;
        add('Cast', [y], [out], { to });
        dtypes.set(out, to);
        break;
      }
      case 'GatherNd': {
        const idx = add('Cast', [ref(inp[1])], [fresh('idx')], { to: T.INT64 });
        add('GatherND', [x, idx], [out]);
        same();
        break;
      }
      case 'NoOp':
        break;
      default:
        throw new ConversionError(`unsupported TF op ${n.op} (node ${n.name})`);
    }
  }

  const signatureOutputs = Object.keys(modelJson.signature?.outputs ?? {}).map((k) => ref(k));
  const outputNames = signatureOutputs.length
    ? signatureOutputs
    : tfNodes
        .filter((n) => n.op !== 'Const' && n.op !== 'NoOp' && !consumed.has(n.name))
        .map((n) => n.name)
        .sort();
  const outputs = outputNames.map((name) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({ elemType: dtypes.get(name) ?? T.FLOAT }),
      }),
    }),
  );
  // Drop constants that became attributes or int64 copies and are used by nothing else.
  const used = new Set(nodes.flatMap((nd) => nd.input));
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'loupe-tfjs2onnx',
    producerVersion: '1',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
    graph: onnx.GraphProto.create({
      name: modelJson.modelTopology.versions?.producer ? 'tfjs' : 'graph',
      node: nodes,
      input: inputs,
      output: outputs,
      initializer: initializers.filter((t) => used.has(t.name)),
    }),
  });
  const err = onnx.ModelProto.verify(model);
  if (err) throw new ConversionError(err);
  return onnx.ModelProto.encode(model).finish();
}

export function convertFile(modelPath, outPath) {
  const json = JSON.parse(readFileSync(modelPath, 'utf8'));
  if (json.format !== 'graph-model' && !json.modelTopology?.node) {
    throw new ConversionError(`${modelPath} is not a TF.js graph model (format "${json.format}")`);
  }
  const bytes = convert(json, dirname(modelPath));
  writeFileSync(outPath, bytes);
  return bytes.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [src, dst] = process.argv.slice(2);
  if (!src || !dst) {
    console.error('usage: node scripts/tfjs2onnx.mjs <model.json> <out.onnx>');
    process.exit(2);
  }
  try {
    console.log(`tfjs2onnx: ${dst} (${convertFile(src, dst)} bytes)`);
  } catch (err) {
    console.error(`tfjs2onnx: ${src}: ${err.message}`);
    process.exit(1);
  }
}
