/**
 * Reads what the Models page needs from an .onnx file without a protobuf library: graph inputs
 * and outputs (names, element types, shapes) and the metadata properties, where Ultralytics
 * exports keep `names`, `task`, `imgsz` and `kpt_shape`. Weights are skipped, not decoded.
 */

export interface TensorInfo {
  name: string;
  /** ONNX TensorProto.DataType (1 float, 6 int32, 7 int64, 10 float16…). */
  elemType: number;
  /** A number for a fixed size, a string for a named dynamic one, null when unknown. */
  shape: (number | string | null)[];
}

export interface OnnxInfo {
  irVersion: number;
  producer: string;
  opset: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  metadata: Record<string, string>;
}

export class OnnxFormatError extends Error {
  constructor(message: string) {
    super(
      `Not a readable ONNX model: ${message}. Export the model to ONNX (opset 11 or later) and try again.`,
    );
    this.name = 'OnnxFormatError';
  }
}

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  get done() {
    return this.pos >= this.end;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new OnnxFormatError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new OnnxFormatError('malformed varint');
  }
  tag(): [field: number, wire: number] {
    const t = this.varint();
    return [Math.floor(t / 8), t & 7];
  }
  bytes(): Reader {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new OnnxFormatError('a field runs past the end of the file');
    this.pos += len;
    return new Reader(this.buf, start, start + len);
  }
  string(): string {
    const r = this.bytes();
    return new TextDecoder().decode(r.buf.subarray(r.pos, r.end));
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new OnnxFormatError(`unsupported wire type ${wire}`);
  }
}

function readValueInfo(r: Reader): TensorInfo {
  const info: TensorInfo = { name: '', elemType: 0, shape: [] };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === 2) info.name = r.string();
    else if (f === 2 && w === 2) {
      const type = r.bytes();
      while (!type.done) {
        const [tf, tw] = type.tag();
        if (tf !== 1 || tw !== 2) {
          type.skip(tw);
          continue;
        }
        const tensor = type.bytes();
        while (!tensor.done) {
          const [ef, ew] = tensor.tag();
          if (ef === 1 && ew === 0) info.elemType = tensor.varint();
          else if (ef === 2 && ew === 2) {
            const shape = tensor.bytes();
            while (!shape.done) {
              const [sf, sw] = shape.tag();
              if (sf !== 1 || sw !== 2) {
                shape.skip(sw);
                continue;
              }
              const dim = shape.bytes();
              let value: number | string | null = null;
              while (!dim.done) {
                const [df, dw] = dim.tag();
                if (df === 1 && dw === 0) value = dim.varint();
                else if (df === 2 && dw === 2) value = dim.string();
                else dim.skip(dw);
              }
              info.shape.push(value);
            }
          } else tensor.skip(ew);
        }
      }
    } else r.skip(w);
  }
  return info;
}

function readName(r: Reader, field: number): string {
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === field && w === 2) return r.string();
    r.skip(w);
  }
  return '';
}

export function readOnnxInfo(bytes: Uint8Array): OnnxInfo {
  const info: OnnxInfo = { irVersion: 0, producer: '', opset: 0, inputs: [], outputs: [], metadata: {} };
  const r = new Reader(bytes);
  let sawGraph = false;
  const initializers = new Set<string>();
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === 0) info.irVersion = r.varint();
    else if (f === 2 && w === 2) info.producer = r.string();
    else if (f === 8 && w === 2) {
      const opset = r.bytes();
      let domain = '';
      let version = 0;
      while (!opset.done) {
        const [of, ow] = opset.tag();
        if (of === 1 && ow === 2) domain = opset.string();
        else if (of === 2 && ow === 0) version = opset.varint();
        else opset.skip(ow);
      }
      if (domain === '' || domain === 'ai.onnx') info.opset = version;
    } else if (f === 7 && w === 2) {
      sawGraph = true;
      const g = r.bytes();
      while (!g.done) {
        const [gf, gw] = g.tag();
        if (gf === 11 && gw === 2) info.inputs.push(readValueInfo(g.bytes()));
        else if (gf === 12 && gw === 2) info.outputs.push(readValueInfo(g.bytes()));
        else if (gf === 5 && gw === 2) initializers.add(readName(g.bytes(), 8));
        else g.skip(gw);
      }
    } else if (f === 14 && w === 2) {
      const entry = r.bytes();
      let key = '';
      let value = '';
      while (!entry.done) {
        const [ef, ew] = entry.tag();
        if (ef === 1 && ew === 2) key = entry.string();
        else if (ef === 2 && ew === 2) value = entry.string();
        else entry.skip(ew);
      }
      info.metadata[key] = value;
    } else r.skip(w);
  }
  if (!sawGraph || info.outputs.length === 0) throw new OnnxFormatError('the file has no graph with outputs');
  // Old exports list weights among the inputs too.
  info.inputs = info.inputs.filter((i) => !initializers.has(i.name));
  return info;
}

/**
 * Ultralytics writes `names` as a Python dict literal: `{0: 'person', 1: "bike's"}`.
 * Returns the names in index order.
 */
export function parseClassNames(text: string): string[] {
  const names: string[] = [];
  const re = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const m of text.matchAll(re)) {
    names[Number(m[1])] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  for (let i = 0; i < names.length; i++) names[i] ??= `class_${i}`;
  return names;
}

/** `[640, 640]` or `640` → [height, width]; `[17, 3]` for kpt_shape. */
export function parseIntList(text: string | undefined): number[] {
  if (!text) return [];
  return [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));
}
