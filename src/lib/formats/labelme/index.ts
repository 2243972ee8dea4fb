/**
 * LabelMe 3.0: the MIT CSAIL XML (`<annotation>` with `<object>`s holding `<polygon>` points or
 * a `<segm>` mask PNG), one file per image, flat or as `Annotations/<subset>/`. Boxes are
 * 4-point polygons with `<type>bounding_box</type>`; parts (`<hasparts>`/`<ispartof>`) become
 * groups; `<attributes>` is `k=v, k2=v2` with `\` escapes. wkentaro's labelme JSON is another
 * format and is refused with a message that says so.
 */
import { decode as decodePng, encode as encodePng } from 'fast-png';
import { decodeMaskToImage, encodeMask, maskBox } from '../../core/mask';
import type { AttributeValue, LabelSpec } from '../../core/types';
import { parseXml, XmlReader, XmlWriter, type XmlElement } from '../common/xml';
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { basename, dirname, stem, stripExt } from '../shared-more/paths';
import { pngSamples } from '../shared-more/png';
import { SizeResolver } from '../shared-more/sizes';
import { fixed } from '../shared-more/text';

/** Splits `k=v, k2=v2` honouring `\,`, `\=`, `\"` and `\\`. */
export function parseAttributes(text: string): [string, string | true][] {
  const out: [string, string | true][] = [];
  let key = '';
  let value: string | null = null;
  const flush = () => {
    const k = key.trim();
    if (k !== '') out.push([k, value === null ? true : value.trim()]);
    key = '';
    value = null;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i]!;
      if (value === null) key += next;
      else value += next;
    } else if (c === ',') flush();
    else if (c === '=' && value === null) value = '';
    else if (value === null) key += c;
    else value += c;
  }
  flush();
  return out;
}

function escapeAttr(value: string): string {
  return value.replace(/[\\,="]/g, (c) => `\\${c}`);
}

export function writeAttributes(pairs: readonly [string, string][]): string {
  return pairs.map(([k, v]) => `${escapeAttr(k)}=${escapeAttr(v)}`).join(', ');
}

function intText(reader: XmlReader, el: XmlElement, name: string): number {
  const child = reader.child(el, name);
  const v = Number(child?.text);
  if (!child || child.text.trim() === '' || !Number.isFinite(v)) {
    throw reader.error(
      child ?? el,
      child ? `<${name}> is "${child.text}"` : `<${name}> is missing`,
      'a number',
    );
  }
  return v;
}

function yesNo(reader: XmlReader, el: XmlElement | undefined): boolean {
  const t = el?.text.trim().toLowerCase() ?? '';
  if (t === '' || t === 'no' || t === '0' || t === 'false') return false;
  if (t === 'yes' || t === '1' || t === 'true') return true;
  throw reader.error(el!, `<${el!.name}> is "${el!.text}"`, 'yes or no');
}

function rejectWkentaro(paths: readonly string[]): FormatError {
  const json = paths.find((p) => p.endsWith('.json'));
  return new FormatError(
    json ?? 'archive',
    json
      ? 'is labelme JSON (wkentaro/labelme), a different format from LabelMe 3.0'
      : 'has no LabelMe XML files',
    {
      expected: 'LabelMe 3.0 XML files (<annotation> with <object>s), one per image',
    },
  );
}

interface ObjectRecord {
  id: string;
  hasParts: string[];
  partOf: string;
  shapeIndex: number;
}

async function importLabelme(source: FileSource, context: ImportContext): Promise<Dataset> {
  const paths = source.paths();
  const xmlFiles = paths.filter((p) => p.endsWith('.xml'));
  if (xmlFiles.length === 0) throw rejectWkentaro(paths);
  const builder = new DatasetBuilder();
  const sizes = new SizeResolver(source, context);
  const pathSet = new Set(paths);
  let group = 0;
  for (const [index, file] of xmlFiles.entries()) {
    context.signal?.throwIfAborted();
    const root = parseXml(await source.text(file), file);
    const reader = new XmlReader(file);
    if (root.name !== 'annotation')
      throw reader.error(root, `the root element is <${root.name}>`, '<annotation>');
    // `Annotations/<subset>/x.xml` (Datumaro) or flat `x.xml`.
    const parts = file.split('/');
    const ai = parts.indexOf('Annotations');
    const subset = ai >= 0 ? parts.slice(ai + 1, -1).join('/') : '';
    const base = ai >= 0 ? parts.slice(0, ai).join('/') : dirname(file);
    const at = (folder: string, name: string) => [base, folder, subset, name].filter(Boolean).join('/');
    const fileName = reader.childText(root, 'filename')?.trim() || `${stem(file)}.jpg`;
    const imagePath = [at('Images', fileName), [dirname(file), fileName].filter(Boolean).join('/')].find(
      (p) => pathSet.has(p),
    );
    const item = builder.item(fileName, subset === 'default' ? '' : subset);
    const imagesize = reader.child(root, 'imagesize');
    if (imagesize && reader.child(imagesize, 'nrows')?.text.trim()) {
      item.height = intText(reader, imagesize, 'nrows');
      item.width = intText(reader, imagesize, 'ncols');
    } else {
      const size = await sizes.size(fileName, imagePath);
      if (size) [item.width, item.height] = [size.width, size.height];
    }
    const records: ObjectRecord[] = [];
    for (const obj of root.children.filter((c) => c.name === 'object')) {
      if (yesNo(reader, reader.child(obj, 'deleted'))) continue;
      const name = reader.childText(obj, 'name')?.trim();
      if (!name) throw reader.error(obj, '<object> has no <name>', 'the label name in <name>');
      const label = builder.label(name);
      const attributes = readAttributes(builder, label, reader.childText(obj, 'attributes') ?? '');
      const occluded = yesNo(reader, reader.child(obj, 'occluded'));
      const type = reader.childText(obj, 'type')?.trim();
      const polygon = reader.child(obj, 'polygon');
      const segm = reader.child(obj, 'segm');
      const common = { frame: item.frame, label_id: label.id, occluded, attributes };
      let shapeIndex = -1;
      if (polygon) {
        const points: number[] = [];
        for (const pt of polygon.children.filter((c) => c.name === 'pt'))
          points.push(intText(reader, pt, 'x'), intText(reader, pt, 'y'));
        if (type === 'bounding_box') {
          if (points.length !== 8)
            throw reader.error(polygon, `a bounding box has ${points.length / 2} points`, '4 points');
          const xs = points.filter((_, i) => i % 2 === 0);
          const ys = points.filter((_, i) => i % 2 === 1);
          builder.shape({
            ...common,
            type: 'rectangle',
            points: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
          });
        } else {
          if (points.length < 6)
            throw reader.error(
              polygon,
              `a polygon has ${points.length / 2} points`,
              'at least 3 <pt> elements',
            );
          builder.shape({ ...common, type: 'polygon', points });
        }
        shapeIndex = builder.dataset.shapes.length - 1;
      } else if (segm) {
        const maskName = reader.childText(segm, 'mask')?.trim();
        if (!maskName) throw reader.error(segm, '<segm> has no <mask>', 'a mask file name');
        const maskPath = at('Masks', maskName);
        if (!pathSet.has(maskPath)) {
          throw reader.error(segm, `mask "${maskName}" is not in the archive`, `the file ${maskPath}`);
        }
        const png = decodeMaskPng(await source.read(maskPath), maskPath);
        if (!item.width) [item.width, item.height] = [png.width, png.height];
        const points = encodeMask(png.bitmap, png.width, png.height);
        if (points) {
          builder.shape({ ...common, type: 'mask', points });
          shapeIndex = builder.dataset.shapes.length - 1;
        }
      } else {
        throw reader.error(
          obj,
          `<object> "${name}" has neither <polygon> nor <segm>`,
          'a <polygon> with <pt>s or a <segm> with a <mask>',
        );
      }
      const partsEl = reader.child(obj, 'parts');
      records.push({
        id: reader.childText(obj, 'id')?.trim() ?? '',
        hasParts: (reader.childText(partsEl ?? obj, 'hasparts') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        partOf: (reader.childText(partsEl ?? obj, 'ispartof') ?? '').trim(),
        shapeIndex,
      });
    }
    // An object and its parts share a group.
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const r of records) {
      if (r.hasParts.length === 0 || r.shapeIndex < 0) continue;
      const g = ++group;
      builder.dataset.shapes[r.shapeIndex]!.group = g;
      for (const id of r.hasParts) {
        const part = byId.get(id);
        if (part && part.shapeIndex >= 0) builder.dataset.shapes[part.shapeIndex]!.group = g;
      }
    }
    context.progress?.((index + 1) / xmlFiles.length, file);
  }
  return builder.dataset;
}

function readAttributes(builder: DatasetBuilder, label: LabelSpec, text: string): AttributeValue[] {
  return parseAttributes(text).map(([key, value]) => {
    if (value === true) return builder.value(label, key, 'true', { input_type: 'checkbox' });
    const isBool = /^(true|false)$/i.test(value);
    return builder.value(
      label,
      key,
      isBool ? value.toLowerCase() : value,
      isBool ? { input_type: 'checkbox' } : { input_type: 'text', values: [] },
    );
  });
}

/** A LabelMe mask PNG: a pixel is set when any channel is non-zero. */
function decodeMaskPng(
  bytes: Uint8Array,
  file: string,
): { width: number; height: number; bitmap: Uint8Array } {
  let png;
  try {
    png = decodePng(bytes);
  } catch (error) {
    throw new FormatError(file, `is not a readable PNG image: ${(error as Error).message}`, {
      expected: 'a PNG mask',
    });
  }
  const n = png.width * png.height;
  const bitmap = new Uint8Array(n);
  const c = png.channels;
  const data = pngSamples(png);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      if (data[i * c + k] !== 0) {
        bitmap[i] = 1;
        break;
      }
    }
  }
  return { width: png.width, height: png.height, bitmap };
}

async function exportLabelme(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const objects = objectsByFrame(dataset);
  // CVAT's flat layout; with subsets, Datumaro's `Annotations/<subset>/`, `Images/`, `Masks/`.
  const nested = dataset.items.some((i) => i.subset !== '');
  for (const [index, item] of dataset.items.entries()) {
    options.signal?.throwIfAborted();
    const prefix = nested ? `${item.subset || 'default'}/` : '';
    const w = new XmlWriter();
    w.open('annotation');
    w.leaf('filename', {}, basename(item.name));
    w.leaf('folder', {}, item.subset);
    w.open('source').leaf('sourceImage', {}, '').leaf('sourceAnnotation', {}, 'Loupe').close();
    w.open('imagesize').leaf('nrows', {}, String(item.height)).leaf('ncols', {}, String(item.width)).close();
    const shapes = (objects.get(item.frame)?.shapes ?? []).filter(
      (s) => s.type === 'rectangle' || s.type === 'polygon' || s.type === 'mask',
    );
    // Groups: the first shape of a group is the whole, the others its parts.
    const ids = new Map(shapes.map((s, i) => [s.id, i]));
    const groupHead = new Map<number, number>();
    for (const s of shapes) if (s.group && !groupHead.has(s.group)) groupHead.set(s.group, ids.get(s.id)!);
    for (const [i, shape] of shapes.entries()) {
      const label = labels.get(shape.label_id);
      const head = shape.group ? groupHead.get(shape.group)! : -1;
      const parts =
        head === i
          ? shapes.map((s, j) => (j !== i && s.group === shape.group ? j : -1)).filter((j) => j >= 0)
          : [];
      w.open('object');
      w.leaf('name', {}, label?.name ?? '');
      w.leaf('deleted', {}, '0');
      w.leaf('verified', {}, '0');
      w.leaf('occluded', {}, shape.occluded ? 'yes' : 'no');
      const pairs: [string, string][] = [];
      for (const a of shape.attributes) {
        const spec = label?.attributes.find((s) => s.id === a.spec_id);
        if (spec) pairs.push([spec.name, a.value]);
      }
      w.leaf('attributes', {}, writeAttributes(pairs));
      w.open('parts')
        .leaf('hasparts', {}, parts.join(','))
        .leaf('ispartof', {}, head >= 0 && head !== i ? String(head) : '')
        .close();
      w.leaf('date', {}, '');
      w.leaf('id', {}, String(i));
      if (shape.type === 'mask') {
        if (!item.width || !item.height) {
          throw new FormatError(
            `${prefix}${stripExt(item.name)}.xml`,
            `item "${item.name}" has no width and height`,
            { expected: 'items with known sizes to write mask images' },
          );
        }
        const maskName = `${stem(item.name)}_mask_${i}.png`;
        const bitmap = decodeMaskToImage(shape.points, item.width, item.height);
        for (let p = 0; p < bitmap.length; p++) bitmap[p] = bitmap[p] ? 255 : 0;
        await sink.write(
          `Masks/${prefix}${maskName}`,
          encodePng({ width: item.width, height: item.height, data: bitmap, channels: 1, depth: 8 }),
        );
        const box = maskBox(shape.points);
        w.open('segm').leaf('username', {}, '');
        w.open('box')
          .leaf('xmin', {}, String(box.left))
          .leaf('ymin', {}, String(box.top))
          .leaf('xmax', {}, String(box.right))
          .leaf('ymax', {}, String(box.bottom))
          .close();
        w.leaf('mask', {}, maskName);
        w.close();
      } else {
        if (shape.type === 'rectangle') w.leaf('type', {}, 'bounding_box');
        const [x1, y1, x2, y2] = shape.points;
        const points = shape.type === 'rectangle' ? [x1!, y1!, x2!, y1!, x2!, y2!, x1!, y2!] : shape.points;
        w.open('polygon').leaf('username', {}, '');
        for (let k = 0; k < points.length; k += 2)
          w.open('pt')
            .leaf('x', {}, fixed(points[k]!, 2))
            .leaf('y', {}, fixed(points[k + 1]!, 2))
            .close();
        w.close();
      }
      w.close();
    }
    w.close();
    await sink.write(`${nested ? 'Annotations/' : ''}${prefix}${stripExt(item.name)}.xml`, w.toString());
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`${nested ? 'Images/' : ''}${prefix}${basename(item.name)}`, bytes);
    }
    options.progress?.((index + 1) / dataset.items.length, item.name);
  }
}

export const labelmeCodec: FormatCodec = {
  name: 'LabelMe',
  version: '3.0',
  id: 'labelme',
  dimension: '2d',
  kinds: ['rectangle', 'polygon', 'mask', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    const xml = source.paths().filter((p) => p.endsWith('.xml'));
    for (const p of xml.slice(0, 5)) {
      const text = await source.text(p);
      if (/<annotation[\s>]/.test(text) && /<(imagesize|polygon|segm)>/.test(text) && !/<bndbox>/.test(text))
        return 0.9;
    }
    return 0;
  },
  import: importLabelme,
  export: exportLabelme,
};
