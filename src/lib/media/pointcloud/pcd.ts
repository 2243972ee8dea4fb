/**
 * PCD (Point Cloud Data, PCL) v0.5–0.7 in its three encodings: `ascii`, `binary` (one record per
 * point) and `binary_compressed` (LZF over one block per field).
 */
import { lzfDecompress } from './lzf';
import { PointCloudError, type PointCloud, type PointCloudInfo } from './types';

export type PcdEncoding = 'ascii' | 'binary' | 'binary_compressed';

export interface PcdField {
  name: string;
  size: number;
  type: 'F' | 'I' | 'U';
  count: number;
}

export interface PcdHeader {
  version: string;
  fields: PcdField[];
  width: number;
  height: number;
  points: number;
  encoding: PcdEncoding;
  /** Byte offset of the first byte after the DATA line. */
  dataOffset: number;
}

const MAX_HEADER_BYTES = 64 * 1024;

function fail(message: string): never {
  throw new PointCloudError(`not a valid PCD file: ${message}`);
}

function integer(key: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    fail(`${key} should be a non-negative integer, found "${text ?? ''}"`);
  return value;
}

export function parsePcdHeader(bytes: Uint8Array): PcdHeader {
  const entries = new Map<string, string[]>();
  let offset = 0;
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  while (offset < limit) {
    let end = bytes.indexOf(0x0a, offset);
    if (end < 0 || end > limit) end = limit;
    const line = new TextDecoder().decode(bytes.subarray(offset, end)).trim();
    offset = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const [key = '', ...values] = line.split(/\s+/);
    entries.set(key.toUpperCase(), values);
    if (key.toUpperCase() === 'DATA') break;
  }
  const data = entries.get('DATA')?.[0]?.toLowerCase();
  if (!data) fail('no DATA line within the first 64 KB');
  if (data !== 'ascii' && data !== 'binary' && data !== 'binary_compressed') {
    fail(`DATA should be ascii, binary or binary_compressed, found "${data}"`);
  }
  const names = entries.get('FIELDS');
  if (!names?.length) fail('the FIELDS line is missing');
  const sizes = entries.get('SIZE') ?? [];
  const types = entries.get('TYPE') ?? [];
  const counts = entries.get('COUNT') ?? [];
  const fields = names.map((name, i): PcdField => {
    const type = types[i]?.toUpperCase();
    if (type !== 'F' && type !== 'I' && type !== 'U') fail(`TYPE of field "${name}" should be F, I or U`);
    const size = integer('SIZE', sizes[i]);
    if (![1, 2, 4, 8].includes(size) || (type === 'F' && size < 4))
      fail(`field "${name}" has an unsupported SIZE ${size}`);
    const count = counts[i] === undefined ? 1 : integer('COUNT', counts[i]);
    return { name, size, type, count };
  });
  const width = integer('WIDTH', entries.get('WIDTH')?.[0]);
  const height = integer('HEIGHT', entries.get('HEIGHT')?.[0] ?? '1');
  const pointsText = entries.get('POINTS')?.[0];
  const points = pointsText === undefined ? width * height : integer('POINTS', pointsText);
  return {
    version: entries.get('VERSION')?.[0] ?? '',
    fields,
    width,
    height,
    points,
    encoding: data,
    dataOffset: offset,
  };
}

export function readPcdInfo(bytes: Uint8Array): PointCloudInfo {
  const header = parsePcdHeader(bytes);
  return {
    kind: 'pcd',
    count: header.points,
    fields: header.fields.map((f) => f.name),
    width: header.width,
    height: header.height,
  };
}

type Reader = (view: DataView, at: number) => number;

function reader(field: PcdField): Reader {
  const key = `${field.type}${field.size}`;
  switch (key) {
    case 'F4':
      return (v, at) => v.getFloat32(at, true);
    case 'F8':
      return (v, at) => v.getFloat64(at, true);
    case 'I1':
      return (v, at) => v.getInt8(at);
    case 'U1':
      return (v, at) => v.getUint8(at);
    case 'I2':
      return (v, at) => v.getInt16(at, true);
    case 'U2':
      return (v, at) => v.getUint16(at, true);
    case 'I4':
      return (v, at) => v.getInt32(at, true);
    case 'U4':
      return (v, at) => v.getUint32(at, true);
    case 'I8':
      return (v, at) => Number(v.getBigInt64(at, true));
    default:
      return (v, at) => Number(v.getBigUint64(at, true));
  }
}

/** Value `element` of `field` for point `index`. */
type FieldAccess = (index: number) => number;

function accessors(bytes: Uint8Array, header: PcdHeader): Map<string, { field: PcdField; get: FieldAccess }> {
  const { fields, points, encoding, dataOffset } = header;
  const result = new Map<string, { field: PcdField; get: FieldAccess }>();
  const body = bytes.subarray(dataOffset);
  if (encoding === 'ascii') {
    const columns = fields.reduce((n, f) => n + f.count, 0);
    const values = new Float64Array(points * columns);
    const lines = new TextDecoder().decode(body).split('\n');
    let row = 0;
    for (const line of lines) {
      if (row >= points) break;
      const text = line.trim();
      if (text === '') continue;
      const tokens = text.split(/\s+/);
      if (tokens.length < columns) {
        fail(`point ${row + 1} has ${tokens.length} values, the header declares ${columns}`);
      }
      for (let c = 0; c < columns; c++) values[row * columns + c] = Number(tokens[c]);
      row++;
    }
    if (row < points) fail(`the header declares ${points} points, the file holds ${row}`);
    let column = 0;
    for (const field of fields) {
      const at = column;
      result.set(field.name, { field, get: (i) => values[i * columns + at] as number });
      column += field.count;
    }
    return result;
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const recordSize = fields.reduce((n, f) => n + f.size * f.count, 0);
  if (encoding === 'binary') {
    if (body.byteLength < recordSize * points) {
      fail(
        `the header declares ${points} points (${recordSize * points} bytes), the data holds ${body.byteLength} bytes`,
      );
    }
    let offset = 0;
    for (const field of fields) {
      const read = reader(field);
      const at = offset;
      result.set(field.name, { field, get: (i) => read(view, i * recordSize + at) });
      offset += field.size * field.count;
    }
    return result;
  }
  if (body.byteLength < 8) fail('binary_compressed data is missing its size header');
  const compressedSize = view.getUint32(0, true);
  const rawSize = view.getUint32(4, true);
  if (rawSize !== recordSize * points) {
    fail(`binary_compressed data expands to ${rawSize} bytes, ${points} points need ${recordSize * points}`);
  }
  if (8 + compressedSize > body.byteLength) fail('binary_compressed data is truncated');
  let raw: Uint8Array;
  try {
    raw = lzfDecompress(body.subarray(8, 8 + compressedSize), rawSize);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const rawView = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let block = 0;
  for (const field of fields) {
    const read = reader(field);
    const at = block;
    const stride = field.size * field.count;
    result.set(field.name, { field, get: (i) => read(rawView, at + i * stride) });
    block += stride * points;
  }
  return result;
}

/** A packed PCL colour: the float's bits (or the integer) hold 0x00RRGGBB. */
function unpackColor(value: number, field: PcdField): number {
  if (field.type !== 'F') return value >>> 0;
  const scratch = new DataView(new ArrayBuffer(4));
  scratch.setFloat32(0, value, true);
  return scratch.getUint32(0, true);
}

export function parsePcd(bytes: Uint8Array): PointCloud {
  const header = parsePcdHeader(bytes);
  const access = accessors(bytes, header);
  const count = header.points;
  const x = access.get('x');
  const y = access.get('y');
  const z = access.get('z');
  if (!x || !y || !z) fail('the fields x, y and z are required');
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    positions[i * 3] = x.get(i);
    positions[i * 3 + 1] = y.get(i);
    positions[i * 3 + 2] = z.get(i);
  }
  const cloud: PointCloud = { positions, count, fields: header.fields.map((f) => f.name) };
  const intensity = access.get('intensity') ?? access.get('i');
  if (intensity) {
    cloud.intensity = new Float32Array(count);
    for (let i = 0; i < count; i++) cloud.intensity[i] = intensity.get(i);
  }
  const rgb = access.get('rgb') ?? access.get('rgba');
  if (rgb) {
    cloud.colors = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) {
      const packed = unpackColor(rgb.get(i), rgb.field);
      cloud.colors[i * 3] = ((packed >> 16) & 0xff) / 255;
      cloud.colors[i * 3 + 1] = ((packed >> 8) & 0xff) / 255;
      cloud.colors[i * 3 + 2] = (packed & 0xff) / 255;
    }
  }
  return cloud;
}
