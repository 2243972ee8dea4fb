/**
 * Pascal VOC 1.1 as CVAT writes it: `labelmap.txt`, `Annotations/<id>.xml` (boxes with
 * truncated/occluded/difficult, actions, parts and CVAT's `<attributes>` extension),
 * `ImageSets/Main/<subset>.txt` and `<label>_<subset>.txt` (image tags), and the
 * segmentation masks shared with Segmentation mask 1.1.
 */
import type { AttributeValue, LabelSpec, RectangleShape } from '../../core/types';
import { parseXml, XmlReader, XmlWriter, type XmlElement } from '../common/xml';
import type {
  Dataset,
  DatasetItem,
  ExportOptions,
  FileSink,
  FileSource,
  FormatCodec,
  ImportContext,
} from '../types';
import { FormatError } from '../types';
import { attributeValue, DatasetBuilder, isTrue } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { hexToRgb, rgbToHex } from '../shared-more/png';
import { basename, dirname, stem, stripExt } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { fixed, textLines } from '../shared-more/text';
import {
  defaultLabelmap,
  exportColors,
  imagesById,
  parseLabelmap,
  readSubsetLists,
  readVocMasks,
  vocRoot,
  writeLabelmap,
  type LabelmapEntry,
} from '../segmask';
import { exportMasks } from '../segmask/masks';

const FLAGS = ['truncated', 'difficult'] as const;
const MARKERS = [
  'Annotations',
  'ImageSets',
  'JPEGImages',
  'labelmap.txt',
  'SegmentationClass',
  'SegmentationObject',
];

function flag(reader: XmlReader, el: XmlElement | undefined): boolean | undefined {
  if (!el) return undefined;
  const t = el.text.trim().toLowerCase();
  if (t === '') return undefined;
  if (t === '1' || t === 'true' || t === 'yes') return true;
  if (t === '0' || t === 'false' || t === 'no') return false;
  throw reader.error(el, `<${el.name}> is "${el.text}"`, '0 or 1');
}

function numberChild(reader: XmlReader, el: XmlElement, name: string): number {
  const child = reader.child(el, name);
  if (!child) throw reader.error(el, `<${name}> is missing`, `<${name}> with a number`);
  const value = Number(child.text);
  if (child.text.trim() === '' || !Number.isFinite(value))
    throw reader.error(child, `<${name}> is "${child.text}"`, 'a number');
  return value;
}

interface VocState {
  builder: DatasetBuilder;
  actions: Map<string, string[]>;
  group: number;
}

function readObject(
  reader: XmlReader,
  el: XmlElement,
  item: DatasetItem,
  state: VocState,
  group: number,
): void {
  const { builder } = state;
  const name = reader.childText(el, 'name')?.trim();
  if (!name) throw reader.error(el, '<object> has no <name>', 'the label name in <name>');
  const label = builder.label(name);
  const box = reader.child(el, 'bndbox');
  if (!box)
    throw reader.error(el, `<object> "${name}" has no <bndbox>`, '<bndbox> with xmin, ymin, xmax, ymax');
  const points: [number, number, number, number] = [
    numberChild(reader, box, 'xmin'),
    numberChild(reader, box, 'ymin'),
    numberChild(reader, box, 'xmax'),
    numberChild(reader, box, 'ymax'),
  ];
  const attributes: AttributeValue[] = [];
  // CVAT writes 0 for labels without these attributes, so only a 1 (or a known attribute) counts.
  for (const f of FLAGS) {
    const v = flag(reader, reader.child(el, f));
    if (v === true || (v === false && label.attributes.some((a) => a.name === f))) {
      attributes.push(builder.value(label, f, String(v), { input_type: 'checkbox' }));
    }
  }
  const pose = reader.childText(el, 'pose')?.trim();
  if (pose && pose !== 'Unspecified')
    attributes.push(builder.value(label, 'pose', pose, { input_type: 'text', values: [] }));
  const actions = reader.child(el, 'actions');
  for (const a of actions?.children ?? []) {
    const v = flag(reader, a) ?? false;
    attributes.push(builder.value(label, a.name, String(v), { input_type: 'checkbox' }));
  }
  let rotation = 0;
  for (const a of reader.child(el, 'attributes')?.children ?? []) {
    const key = reader.childText(a, 'name')?.trim();
    const value = reader.childText(a, 'value') ?? '';
    if (!key) throw reader.error(a, '<attribute> has no <name>', '<name> and <value>');
    if (key === 'rotation') {
      rotation = Number(value);
      if (!Number.isFinite(rotation)) throw reader.error(a, `rotation is "${value}"`, 'a number of degrees');
    } else if (key !== 'occluded') {
      const input_type = /^(true|false)$/i.test(value) ? 'checkbox' : 'text';
      attributes.push(
        builder.value(label, key, input_type === 'checkbox' ? value.toLowerCase() : value, {
          input_type,
          values: input_type === 'checkbox' ? ['false'] : [],
        }),
      );
    }
  }
  const parts = el.children.filter((c) => c.name === 'part');
  const myGroup = parts.length > 0 ? ++state.group : group;
  builder.shape({
    type: 'rectangle',
    frame: item.frame,
    label_id: label.id,
    points,
    rotation,
    occluded: flag(reader, reader.child(el, 'occluded')) ?? false,
    attributes,
    group: myGroup,
  });
  for (const part of parts) readObject(reader, part, item, state, myGroup);
}

async function importVoc(source: FileSource, context: ImportContext): Promise<Dataset> {
  const all = source.paths();
  let root = vocRoot(all, MARKERS);
  const flat = root === null;
  if (root === null) {
    const xml = all.filter((p) => p.endsWith('.xml'));
    if (xml.length === 0) {
      throw new FormatError('archive', 'has no Annotations/ folder and no XML files', {
        expected: 'Annotations/<image>.xml (Pascal VOC) or <image>.xml files',
      });
    }
    root = dirname(xml[0]!);
  }
  const at = (p: string) => (root ? `${root}/${p}` : p);
  const paths = all
    .filter((p) => root === '' || p.startsWith(`${root}/`))
    .map((p) => (root ? p.slice(root.length + 1) : p));
  const builder = new DatasetBuilder();
  const state: VocState = { builder, actions: new Map(), group: 0 };
  let entries: LabelmapEntry[] = defaultLabelmap();
  if (paths.includes('labelmap.txt')) {
    entries = parseLabelmap(await source.text(at('labelmap.txt')));
    for (const e of entries) {
      if (e.name.toLowerCase() === 'background') continue;
      const label = builder.label(e.name, 'any', rgbToHex(...e.color));
      for (const a of e.actions) builder.attribute(label, a, { input_type: 'checkbox' });
    }
  }
  const subsets = await readSubsetLists(source, at, paths, 'Main');
  for (const kind of ['Layout', 'Action', 'Segmentation']) {
    for (const [id, subset] of await readSubsetLists(source, at, paths, kind))
      if (!subsets.has(id)) subsets.set(id, subset);
  }
  const images = imagesById(paths);
  const sizes = new SizeResolver(source, context);
  const xmlFiles = paths.filter(
    (p) => p.endsWith('.xml') && (flat ? !p.includes('/') : p.startsWith('Annotations/')),
  );
  const byId = new Map<string, DatasetItem>();
  const itemFor = async (id: string, fileName?: string) => {
    const known = byId.get(id);
    if (known) return known;
    const image = images.get(id);
    const name = fileName ?? sizes.nameFor(stem(id), image ? image.slice('JPEGImages/'.length) : id);
    const size = await sizes.size(name, image ? at(image) : undefined);
    const item = builder.item(name, subsets.get(id) ?? '', size?.width ?? 0, size?.height ?? 0);
    byId.set(id, item);
    return item;
  };
  for (const [index, file] of xmlFiles.entries()) {
    context.signal?.throwIfAborted();
    const root = parseXml(await source.text(at(file)), file);
    const reader = new XmlReader(file);
    if (root.name !== 'annotation')
      throw reader.error(root, `the root element is <${root.name}>`, '<annotation>');
    const id = flat ? stripExt(file) : stripExt(file.slice('Annotations/'.length));
    const fileName = reader.childText(root, 'filename')?.trim() || undefined;
    const item = await itemFor(
      id,
      fileName ? (dirname(id) ? `${dirname(id)}/${basename(fileName)}` : fileName) : undefined,
    );
    const size = reader.child(root, 'size');
    if (size) {
      for (const [key, dim] of [
        ['width', 'width'],
        ['height', 'height'],
      ] as const) {
        const el = reader.child(size, key);
        if (!el || el.text.trim() === '') continue;
        const v = Number(el.text);
        if (!Number.isInteger(v) || v < 0)
          throw reader.error(el, `<${key}> is "${el.text}"`, 'a non-negative integer');
        if (v) item[dim] = v;
      }
    }
    for (const obj of root.children.filter((c) => c.name === 'object'))
      readObject(reader, obj, item, state, 0);
    context.progress?.((index + 1) / xmlFiles.length, file);
  }
  for (const id of subsets.keys()) await itemFor(id);
  // Image tags: `ImageSets/Main/<label>_<subset>.txt` lines `<id> 1`.
  for (const p of paths) {
    const m = /^ImageSets\/Main\/(.+)_([^_/]+)\.txt$/.exec(p);
    if (!m) continue;
    const labelName = m[1]!;
    for (const line of textLines(await source.text(at(p)), '#')) {
      const [id, value] = line.text.split(/\s+/);
      if (value === undefined) continue;
      const n = Number(value);
      if (n !== 1 && n !== -1 && n !== 0) {
        throw new FormatError(p, `the value of "${id}" is "${value}"`, {
          location: `line ${line.n}`,
          expected: '1, 0 or -1',
        });
      }
      if (n !== 1) continue;
      const item = await itemFor(id!);
      builder.tag(item.frame, builder.label(labelName).id);
    }
  }
  if (paths.some((p) => /^Segmentation(Class|Object)\//.test(p)))
    await readVocMasks(source, at, paths, entries, builder, context);
  return builder.dataset;
}

function labelActions(label: LabelSpec | undefined): string[] {
  return (label?.attributes ?? [])
    .filter((a) => a.input_type === 'checkbox' && !['truncated', 'difficult', 'occluded'].includes(a.name))
    .map((a) => a.name);
}

async function exportVoc(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const entries = exportColors(dataset.labels, hexToRgb).map((e) => ({
    ...e,
    actions: labelActions(dataset.labels.find((l) => l.name === e.name)),
  }));
  await sink.write('labelmap.txt', writeLabelmap(entries));
  const objects = objectsByFrame(dataset);
  const id = (item: DatasetItem) => stripExt(item.name);
  const painted: DatasetItem[] = [];
  const segTypes = ['polygon', 'mask', 'ellipse'] as const;
  for (const item of await exportMasks(dataset, objects, entries, sink, id, segTypes, options.signal))
    painted.push(item);
  const segmented = new Set(painted.map((i) => i.frame));
  const bySubset = new Map<string, DatasetItem[]>();
  for (const [index, item] of dataset.items.entries()) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    bySubset.set(subset, [...(bySubset.get(subset) ?? []), item]);
    const w = new XmlWriter();
    w.open('annotation');
    w.leaf('folder', {}, '');
    w.leaf('filename', {}, basename(item.name));
    w.open('source')
      .leaf('database', {}, 'Unknown')
      .leaf('annotation', {}, 'Unknown')
      .leaf('image', {}, 'Unknown')
      .close();
    w.open('size')
      .leaf('width', {}, String(item.width))
      .leaf('height', {}, String(item.height))
      .leaf('depth', {}, '')
      .close();
    w.leaf('segmented', {}, segmented.has(item.frame) ? '1' : '0');
    // Boxes that share a group: the first is the object, the others its <part>s.
    const boxes = (objects.get(item.frame)?.shapes ?? []).filter(
      (x): x is RectangleShape => x.type === 'rectangle',
    );
    const heads = new Map<number, RectangleShape>();
    for (const b of boxes) if (b.group && !heads.has(b.group)) heads.set(b.group, b);
    const writeObject = (shape: RectangleShape, tag: 'object' | 'part') => {
      const label = labels.get(shape.label_id);
      const value = (name: string) => attributeValue(label, shape.attributes, name);
      w.open(tag);
      w.leaf('name', {}, label?.name ?? '');
      if (tag === 'part') {
        const [px1, py1, px2, py2] = shape.points;
        w.open('bndbox')
          .leaf('xmin', {}, String(px1))
          .leaf('ymin', {}, String(py1))
          .leaf('xmax', {}, String(px2))
          .leaf('ymax', {}, String(py2))
          .close();
        w.close();
        return;
      }
      w.leaf('pose', {}, value('pose') || 'Unspecified');
      const has = (name: string) => label?.attributes.some((a) => a.name === name) ?? false;
      if (has('truncated')) w.leaf('truncated', {}, isTrue(value('truncated')) ? '1' : '0');
      w.leaf('occluded', {}, shape.occluded ? '1' : '0');
      if (has('difficult')) w.leaf('difficult', {}, isTrue(value('difficult')) ? '1' : '0');
      const [x1, y1, x2, y2] = shape.points;
      w.open('bndbox')
        .leaf('xmin', {}, String(x1))
        .leaf('ymin', {}, String(y1))
        .leaf('xmax', {}, String(x2))
        .leaf('ymax', {}, String(y2))
        .close();
      for (const part of boxes)
        if (shape.group && part !== shape && part.group === shape.group) writeObject(part, 'part');
      const actions = labelActions(label);
      if (actions.length) {
        w.open('actions');
        for (const a of actions) w.leaf(a, {}, isTrue(value(a)) ? '1' : '0');
        w.close();
      }
      w.open('attributes');
      w.open('attribute').leaf('name', {}, 'rotation').leaf('value', {}, fixed(shape.rotation, 1)).close();
      for (const spec of label?.attributes ?? []) {
        if (['truncated', 'difficult', 'occluded', 'pose', ...actions].includes(spec.name)) continue;
        const v = shape.attributes.find((a) => a.spec_id === spec.id)?.value;
        if (v === undefined) continue;
        w.open('attribute').leaf('name', {}, spec.name).leaf('value', {}, v).close();
      }
      w.close();
      w.close();
    };
    for (const b of boxes) if (!b.group || heads.get(b.group) === b) writeObject(b, 'object');
    w.close();
    await sink.write(`Annotations/${id(item)}.xml`, w.toString());
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`JPEGImages/${item.name}`, bytes);
    }
    options.progress?.((index + 1) / dataset.items.length, item.name);
  }
  const tagged = new Map<number, Set<string>>();
  for (const tag of dataset.tags) {
    const set = tagged.get(tag.frame) ?? new Set();
    set.add(tag.label_id);
    tagged.set(tag.frame, set);
  }
  for (const [subset, items] of bySubset) {
    await sink.write(`ImageSets/Main/${subset}.txt`, `${items.map(id).join('\n')}\n`);
    const seg = items.filter((i) => segmented.has(i.frame));
    if (seg.length) await sink.write(`ImageSets/Segmentation/${subset}.txt`, `${seg.map(id).join('\n')}\n`);
    if (dataset.tags.length === 0) continue;
    for (const label of dataset.labels) {
      const lines = items.map((i) => `${id(i)} ${tagged.get(i.frame)?.has(label.id) ? ' 1' : '-1'}`);
      await sink.write(`ImageSets/Main/${label.name}_${subset}.txt`, `${lines.join('\n')}\n`);
    }
  }
}

export const vocCodec: FormatCodec = {
  name: 'PASCAL VOC',
  version: '1.1',
  id: 'voc',
  dimension: '2d',
  kinds: ['rectangle', 'polygon', 'mask', 'ellipse', 'tag', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    const xml = paths.filter((p) => /(^|\/)Annotations\/[^/]+\.xml$/.test(p));
    if (xml.length === 0) return 0;
    // Peek at a few files: VOC's root element is <annotation> with <filename> or <object>.
    for (const p of xml.slice(0, 5)) {
      const text = await source.text(p);
      if (
        /<annotation[\s>]/.test(text) &&
        /<(object|filename|segmented)>/.test(text) &&
        !/<imagesize>/.test(text)
      ) {
        return paths.some((q) => /(^|\/)(ImageSets|JPEGImages)\//.test(q) || q.endsWith('labelmap.txt'))
          ? 0.95
          : 0.8;
      }
    }
    return 0.1;
  },
  import: importVoc,
  export: exportVoc,
};
