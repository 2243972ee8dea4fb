import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Zip, ZipPassThrough, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { resolveTrack } from '../../../src/lib/core/interpolation';
import type { Shape, Track, TrackedShape } from '../../../src/lib/core/types';
import { canonicalDataset } from '../../../src/lib/formats/common/compare';
import {
  LabelBook,
  emptyDataset,
  expandTracks,
  fileMeta,
  summarizeDataset,
  trackToShapes,
} from '../../../src/lib/formats/common/dataset';
import { JsonFile, JsonReader } from '../../../src/lib/formats/common/json';
import { MemorySink, MemorySource, singleFileSource } from '../../../src/lib/formats/common/memory';
import { XmlReader, XmlWriter, escapeXml, parseXml } from '../../../src/lib/formats/common/xml';
import { ZipSink, ZipSource, isZip, normalizePath } from '../../../src/lib/formats/common/zip';
import { FormatError } from '../../../src/lib/formats/types';

const ASSETS = join(process.cwd(), '../shared/assets');
const enc = (s: string) => new TextEncoder().encode(s);

describe('zip', () => {
  it('lists, reads and strips a common root folder; skips macOS junk', async () => {
    const bytes = zipSync({
      'export/annotations.xml': enc('<a/>'),
      'export/images/1.jpg': new Uint8Array([1, 2, 3]),
      '__MACOSX/export/._1.jpg': new Uint8Array([9]),
      'export/.DS_Store': new Uint8Array([9]),
    });
    const zip = new ZipSource(bytes);
    expect(zip.paths()).toEqual(['annotations.xml', 'images/1.jpg']);
    expect(await zip.text('annotations.xml')).toBe('<a/>');
    expect([...(await zip.read('images\\1.jpg'))]).toEqual([1, 2, 3]);
    expect(zip.has('./images/1.jpg')).toBe(true);
    expect([...zip.readMany(['annotations.xml', 'missing']).keys()]).toEqual(['annotations.xml']);
    await expect(zip.read('nope.txt')).rejects.toThrow('archive.zip: no file "nope.txt" in the archive');
  });

  it('reads the STORED entries of a real CVAT export and mixed deflate/stored archives', async () => {
    const cvat = new ZipSource(
      readFileSync(
        join(ASSETS, 'cvat_images_1.1/cvat-server-exports/job17_boxes/dataset_cvat-for-images-11.ZIP'),
      ),
    );
    expect(cvat.paths()).toContain('annotations.xml');
    expect(await cvat.text('annotations.xml')).toBe(
      readFileSync(
        join(ASSETS, 'cvat_images_1.1/cvat-server-exports/job17_boxes/extracted/annotations.xml'),
        'utf8',
      ),
    );
    const mixed = new ZipSource(readFileSync(join(ASSETS, 'media/image_archives/cvat/archive.zip')), {
      stripCommonRoot: false,
    });
    expect(mixed.paths().filter((p) => p.startsWith('archive/'))).toHaveLength(12);
    for (const p of mixed.paths()) expect((await mixed.read(p)).length).toBeGreaterThan(0);
  });

  it('refuses bytes that are not a zip with a clear error', () => {
    expect(() => new ZipSource(enc('not a zip'), { name: 'x.zip' })).toThrow(
      /^x\.zip: not a readable zip archive: .* \(expected a \.zip file\)$/,
    );
    expect(isZip(enc('PK\x03\x04'))).toBe(true);
    expect(isZip(enc('<xml'))).toBe(false);
  });

  it('ZipSink streams chunks that form a valid archive; media is stored, text deflated', async () => {
    const chunks: Uint8Array[] = [];
    const sink = new ZipSink({ onChunk: (c) => chunks.push(c) });
    await sink.write('annotations.xml', '<annotations>' + 'x'.repeat(10000) + '</annotations>');
    await sink.write('images/a.jpg', new Uint8Array(5000).fill(7));
    const empty = await sink.finish();
    expect(empty.length).toBe(0);
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    expect(sink.byteLength).toBe(all.length);
    expect(all.length).toBeLessThan(5000 + 2000);
    const back = new ZipSource(all);
    expect((await back.text('annotations.xml')).length).toBe(10000 + 27);
    expect((await back.read('images/a.jpg')).every((v) => v === 7)).toBe(true);
    const dup = new ZipSink();
    await dup.write('a.txt', 'a');
    await expect(dup.write('./a.txt', 'b')).rejects.toThrow('"a.txt" written twice');
  });

  it('reads archives made by another streaming writer (data descriptors)', async () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((_, chunk) => parts.push(chunk));
    const file = new ZipPassThrough('dir/file.txt');
    zip.add(file);
    file.push(enc('hello'), true);
    zip.end();
    const bytes = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of parts) {
      bytes.set(c, o);
      o += c.length;
    }
    expect(await new ZipSource(bytes).text('file.txt')).toBe('hello');
  });

  it('normalizePath', () => {
    expect(normalizePath('\\a\\.\\b//c/')).toBe('a/b/c');
  });
});

describe('memory sources and sinks', () => {
  it('singleFileSource drops the folder and a BOM', async () => {
    const s = singleFileSource('/tmp/x/annotations.xml', '\ufeff<a/>');
    expect(s.paths()).toEqual(['annotations.xml']);
    expect(await s.text('annotations.xml')).toBe('<a/>');
    const b = singleFileSource('a.json', new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]));
    expect(await b.text('a.json')).toBe('{}');
  });

  it('MemorySink keeps files in order and reads back as a source', async () => {
    const sink = new MemorySink();
    await sink.write('b.txt', 'B');
    await sink.write('a.txt', new Uint8Array([65]));
    expect([...sink.files.keys()]).toEqual(['b.txt', 'a.txt']);
    const source = sink.toSource();
    expect(source.paths()).toEqual(['a.txt', 'b.txt']);
    expect(await source.text('a.txt')).toBe('A');
    await expect(new MemorySource({}).read('x')).rejects.toBeInstanceOf(FormatError);
  });
});

describe('dataset helpers', () => {
  it('LabelBook finds or creates labels, attributes and skeleton points', () => {
    const book = new LabelBook();
    const a = book.label('cat');
    expect(book.label('cat')).toBe(a);
    expect(book.label('dog').color).not.toBe(a.color);
    const attr = book.attribute(a, 'age', { input_type: 'number', values: ['0', '10', '1'] });
    expect(book.attribute(a, 'age')).toBe(attr);
    expect(book.attribute(a, 'flag', { input_type: 'checkbox' })).toMatchObject({
      values: ['false'],
      default_value: 'false',
    });
    const skeleton = book.label('body');
    const head = book.sublabel(skeleton, 'head');
    expect(skeleton.type).toBe('skeleton');
    expect(book.findSublabel(head.id)?.label).toBe(skeleton);
    expect(book.labels.map((l) => l.name)).toEqual(['cat', 'dog', 'body']);
  });

  const kf = (frame: number, points: number[], outside = false): TrackedShape => ({
    type: 'rectangle',
    frame,
    occluded: false,
    outside,
    z_order: 0,
    rotation: 0,
    points,
    attributes: [],
  });

  it('expandTracks uses core interpolation, drops outside frames and merges attributes', () => {
    const d = emptyDataset();
    const book = new LabelBook(d.labels);
    const label = book.label('car');
    const color = book.attribute(label, 'color');
    const moving = book.attribute(label, 'moving', { mutable: true });
    d.items = [0, 1, 2, 3, 4, 5].map((frame) => ({
      frame,
      name: `${frame}.jpg`,
      width: 10,
      height: 10,
      subset: '',
    }));
    const track: Track = {
      ...fileMeta(),
      job_id: '',
      frame: 1,
      label_id: label.id,
      group: 4,
      source: 'manual',
      attributes: [{ spec_id: color.id, value: 'red' }],
      shapes: [
        { ...kf(1, [0, 0, 10, 10]), attributes: [{ spec_id: moving.id, value: 'yes' }] },
        kf(3, [10, 10, 20, 20], true),
        kf(4, [4, 4, 8, 8]),
      ],
      elements: [],
    };
    d.tracks = [track];
    const flat = expandTracks(d);
    expect(flat.tracks).toEqual([]);
    expect(flat.shapes.map((s) => s.frame)).toEqual([1, 2, 4, 5]);
    for (const s of flat.shapes) expect(s.points).toEqual(resolveTrack(track, s.frame)!.points);
    expect(flat.shapes[1]!.points).toEqual([5, 5, 15, 15]);
    expect(flat.shapes[0]!.attributes).toEqual([
      { spec_id: color.id, value: 'red' },
      { spec_id: moving.id, value: 'yes' },
    ]);
    expect(flat.shapes.every((s) => s.group === 4 && s.source === 'manual' && !s.outside)).toBe(true);
    expect(expandTracks({ ...d, tracks: [] })).toEqual({ ...d, tracks: [] });
  });

  it('trackToShapes builds skeletons from element tracks and skips frames where every point is outside', () => {
    const book = new LabelBook();
    const body = book.label('body', 'skeleton');
    const p1 = book.sublabel(body, 'p1');
    const p2 = book.sublabel(body, 'p2');
    const point = (frame: number, x: number, outside = false): TrackedShape => ({
      ...kf(frame, [x, x], outside),
      type: 'points',
    });
    const track: Track = {
      ...fileMeta(),
      job_id: '',
      frame: 0,
      label_id: body.id,
      group: 0,
      source: 'manual',
      attributes: [],
      shapes: [{ ...kf(0, []), type: 'skeleton' }],
      elements: [
        { label_id: p1.id, attributes: [], shapes: [point(0, 0), point(2, 2, true)] },
        { label_id: p2.id, attributes: [], shapes: [point(0, 10), point(1, 10, true)] },
      ],
    };
    const shapes = trackToShapes(track, [0, 1, 2, 3]) as Extract<Shape, { type: 'skeleton' }>[];
    expect(shapes.map((s) => s.frame)).toEqual([0, 1]);
    expect(shapes[1]!.elements.map((e) => [e.points, e.outside])).toEqual([
      [[1, 1], false],
      [[10, 10], true],
    ]);
  });

  it('summarizeDataset counts by type, subset and keyframes; canonicalDataset ignores ids', () => {
    const d = emptyDataset();
    const label = new LabelBook(d.labels).label('a');
    d.items = [
      { frame: 0, name: 'a', width: 1, height: 1, subset: 'train' },
      { frame: 1, name: 'b', width: 1, height: 1, subset: '' },
    ];
    const shape = {
      ...fileMeta(),
      frame: 0,
      label_id: label.id,
      occluded: false,
      outside: false,
      z_order: 0,
      rotation: 0,
      group: 0,
      source: 'file' as const,
      attributes: [],
    };
    d.shapes = [
      { ...shape, type: 'rectangle', points: [0, 0, 1, 1] },
      { ...shape, type: 'rectangle', points: [0, 0, 2, 2] },
      { ...shape, type: 'polygon', points: [0, 0, 1, 0, 1, 1] },
    ];
    expect(summarizeDataset(d)).toMatchObject({
      items: 2,
      subsets: { train: 1, '': 1 },
      shapes: { rectangle: 2, polygon: 1 },
      shapeTotal: 3,
    });
    const copy = structuredClone(d);
    copy.shapes = copy.shapes.reverse().map((s) => ({ ...s, id: 'other' }));
    expect(canonicalDataset(copy)).toEqual(canonicalDataset(d));
    copy.shapes[0]!.points[0] = 0.02;
    expect(canonicalDataset(copy)).not.toEqual(canonicalDataset(d));
  });
});

describe('xml', () => {
  it('parses elements with attributes, text and line numbers', () => {
    const root = parseXml(
      '<?xml version="1.0"?>\n<a x="1 &amp; 2">\n  <b>t &lt; u</b>\n\n  <c/>\n</a>',
      'f.xml',
    );
    expect(root.attrs.x).toBe('1 & 2');
    expect(root.children.map((c) => [c.name, c.line, c.text])).toEqual([
      ['b', 3, 't < u'],
      ['c', 5, ''],
    ]);
  });

  it('reports malformed XML with line and column, and typed attribute errors with the element', () => {
    expect(() => parseXml('<a>\n<b></a>', 'f.xml')).toThrow(
      /^f\.xml line 2, column \d+: malformed XML: .*\(expected well-formed XML\)$/,
    );
    // The parser alone accepts these; the structural check catches them.
    expect(() => parseXml('<a>\n<b></c>\n</a>', 'f.xml')).toThrow(
      /^f\.xml line 2, column \d+: malformed XML: /,
    );
    expect(() => parseXml('<a>\n<b>\n<c></b>\n</a>', 'f.xml')).toThrow(
      /^f\.xml line \d+, column \d+: malformed XML: /,
    );
    expect(() => parseXml('<a><b x="1"/>', 'f.xml')).toThrow(
      'the file ends before <a> is closed (truncated?)',
    );
    const el = parseXml('<a>\n <b n="x" f="2"/></a>', 'f.xml').children[0]!;
    const r = new XmlReader('f.xml');
    expect(() => r.number(el, 'n')).toThrow('f.xml line 2 <b>: attribute "n" is "x" (expected a number)');
    expect(() => r.flag(el, 'f')).toThrow('f.xml line 2 <b>: attribute "f" is "2" (expected 0 or 1)');
    expect(() => r.required(el, 'q')).toThrow(
      'f.xml line 2 <b>: missing attribute "q" (expected a "q" attribute)',
    );
    expect(r.number(el, 'missing', 5)).toBe(5);
  });

  it('XmlWriter escapes and nests; its output parses back', () => {
    const w = new XmlWriter();
    w.open('root', { name: 'a "quoted" <name> & more' })
      .leaf('t', {}, "it's <fine>")
      .leaf('e', { skip: undefined })
      .close();
    const text = w.toString();
    expect(text).toContain('name="a &quot;quoted&quot; &lt;name&gt; &amp; more"');
    const root = parseXml(text, 'w.xml');
    expect(root.attrs.name).toBe('a "quoted" <name> & more');
    expect(root.children[0]!.text).toBe("it's <fine>");
    expect(escapeXml('plain')).toBe('plain');
    expect(() => new XmlWriter().open('x').toString()).toThrow('<x> not closed');
  });
});

describe('json', () => {
  it('gives the line of a path and of a syntax error', () => {
    const json = JsonFile.parse('{\n  "a": [\n    1,\n    "two"\n  ]\n}', 'f.json');
    const r = new JsonReader(json);
    expect(() => r.number((json.value as { a: unknown[] }).a[1], ['a', 1])).toThrow(
      'f.json line 4, a[1]: is "two" (expected a number)',
    );
    expect(() => JsonFile.parse('{\n "a": [1,', 'g.json')).toThrow(
      /^g\.json line 2, column \d+: the file ends too early \(truncated\?\)/,
    );
    expect(() => JsonFile.parse('{"a": 1,}', 'h.json')).toThrow(
      /^h\.json line 1, column \d+: invalid JSON: trailing comma/,
    );
  });
});
