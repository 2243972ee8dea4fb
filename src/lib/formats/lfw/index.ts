/**
 * LFW 1.0 (Labeled Faces in the Wild): `<subset>/images/<person>/<person>_0001.jpg` and
 * `<subset>/annotations/{people.txt, pairs.txt, landmarks.txt}`. Each image gets a tag with its
 * person's label, whose `positive_pairs` / `negative_pairs` text attributes list the paired
 * images; landmarks are 5 points.
 */
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
import { attributeValue, DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { isImagePath, stripExt } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { parseIndex, parseNumber, short, textLines } from '../shared-more/text';

/** `name0/name0_0001.jpg` for person `name0`, image 1. */
function imageName(person: string, index: number): string {
  return `${person}/${person}_${String(index).padStart(4, '0')}.jpg`;
}

async function importLfw(source: FileSource, context: ImportContext): Promise<Dataset> {
  const paths = source.paths();
  const dirs = [
    ...new Set(
      paths
        .filter((p) => /(^|\/)annotations\/(people|pairs|landmarks)\.txt$/.test(p))
        .map((p) => p.slice(0, p.lastIndexOf('annotations/'))),
    ),
  ];
  if (dirs.length === 0) {
    throw new FormatError('annotations', 'no people.txt, pairs.txt or landmarks.txt found', {
      expected: '<subset>/annotations/pairs.txt',
    });
  }
  const builder = new DatasetBuilder();
  const sizes = new SizeResolver(source, context);
  for (const dir of dirs) {
    const subsetName = dir.replace(/\/$/, '').split('/').pop() ?? '';
    const subset = subsetName === 'default' ? '' : subsetName;
    const images = new Map(
      paths
        .filter((p) => p.startsWith(`${dir}images/`) && isImagePath(p))
        .map((p) => [stripExt(p.slice(dir.length + 7)), p]),
    );
    const items = new Map<string, DatasetItem>();
    const itemFor = async (name: string) => {
      const key = stripExt(name);
      const found = items.get(key);
      if (found) return found;
      const image = images.get(key);
      const size = await sizes.size(name, image);
      const item = builder.item(
        image ? image.slice(dir.length + 7) : name,
        subset,
        size?.width ?? 0,
        size?.height ?? 0,
      );
      items.set(key, item);
      const person = key.split('/')[0]!;
      const label = builder.label(person, 'any');
      builder.tag(item.frame, label.id);
      return item;
    };
    for (const key of images.keys()) await itemFor(`${key}.jpg`);
    const pairs = new Map<number, { positive: string[]; negative: string[] }>();
    const pairOf = (item: DatasetItem) =>
      pairs.get(item.frame) ?? pairs.set(item.frame, { positive: [], negative: [] }).get(item.frame)!;
    const pairsPath = `${dir}annotations/pairs.txt`;
    if (source.has(pairsPath)) {
      const file = pairsPath.slice(dir.length);
      for (const line of textLines(await source.text(pairsPath))) {
        const t = line.text.split(/\s+/);
        if (t.length === 2 && /^\d+$/.test(t[0]!) && /^\d+$/.test(t[1]!)) continue;
        if (t.length === 3) {
          const a = await itemFor(imageName(t[0]!, parseIndex(t[1], file, line.n, 'first image')));
          const b = await itemFor(imageName(t[0]!, parseIndex(t[2], file, line.n, 'second image')));
          pairOf(a).positive.push(stripExt(b.name));
        } else if (t.length === 4) {
          const a = await itemFor(imageName(t[0]!, parseIndex(t[1], file, line.n, 'first image')));
          const b = await itemFor(imageName(t[2]!, parseIndex(t[3], file, line.n, 'second image')));
          pairOf(a).negative.push(stripExt(b.name));
        } else {
          throw new FormatError(file, `${t.length} fields`, {
            location: `line ${line.n}`,
            expected: 'name i j (same person) or name1 i name2 j (different people)',
          });
        }
      }
    }
    for (const [frame, p] of pairs) {
      const tag = builder.dataset.tags.find((t) => t.frame === frame)!;
      const label = builder.dataset.labels.find((l) => l.id === tag.label_id)!;
      if (p.positive.length)
        tag.attributes.push(
          builder.value(label, 'positive_pairs', p.positive.join(' '), { input_type: 'text', values: [] }),
        );
      if (p.negative.length)
        tag.attributes.push(
          builder.value(label, 'negative_pairs', p.negative.join(' '), { input_type: 'text', values: [] }),
        );
    }
    const landmarksPath = `${dir}annotations/landmarks.txt`;
    if (source.has(landmarksPath)) {
      const file = landmarksPath.slice(dir.length);
      for (const line of textLines(await source.text(landmarksPath))) {
        const t = line.text.split(/\s+/);
        if (t.length !== 11)
          throw new FormatError(file, `${t.length} fields`, {
            location: `line ${line.n}`,
            expected: 'an image path and 10 numbers (5 points)',
          });
        const item = await itemFor(t[0]!);
        const label = builder.label(stripExt(t[0]!).split('/')[0]!, 'any');
        builder.shape({
          type: 'points',
          frame: item.frame,
          label_id: label.id,
          points: t.slice(1).map((v, i) => parseNumber(v, file, line.n, `value ${i + 2}`)),
        });
      }
    }
  }
  return builder.dataset;
}

async function exportLfw(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const objects = objectsByFrame(dataset);
  const subsets = new Map<string, DatasetItem[]>();
  for (const item of dataset.items)
    subsets.set(item.subset || 'default', [...(subsets.get(item.subset || 'default') ?? []), item]);
  for (const [subset, items] of subsets) {
    const people = new Map<string, number>();
    const positive: string[] = [];
    const negative: string[] = [];
    const landmarks: string[] = [];
    const split = (name: string) => {
      const m = /^(.+)\/\1_(\d+)$/.exec(name);
      return m ? `${m[1]}\t${Number(m[2])}` : null;
    };
    for (const item of items) {
      options.signal?.throwIfAborted();
      const key = stripExt(item.name);
      const person = key.split('/')[0]!;
      people.set(person, (people.get(person) ?? 0) + 1);
      const tag = objects.get(item.frame)?.tags[0];
      const label = tag ? labels.get(tag.label_id) : undefined;
      const me = split(key);
      for (const other of (attributeValue(label, tag?.attributes ?? [], 'positive_pairs') ?? '')
        .split(/\s+/)
        .filter(Boolean)) {
        const o = split(other);
        if (me && o) positive.push(`${me}\t${o.split('\t')[1]}`);
      }
      for (const other of (attributeValue(label, tag?.attributes ?? [], 'negative_pairs') ?? '')
        .split(/\s+/)
        .filter(Boolean)) {
        const o = split(other);
        if (me && o) negative.push(`${me}\t${o}`);
      }
      for (const s of objects.get(item.frame)?.shapes ?? []) {
        // Five landmarks: a points shape, or a skeleton of five points in its label's order.
        let points: number[] | undefined =
          s.type === 'points' && s.points.length === 10 ? s.points : undefined;
        if (s.type === 'skeleton') {
          const subs = labels.get(s.label_id)?.sublabels ?? [];
          const ordered = subs.map((sub) => s.elements.find((e) => e.label_id === sub.id)?.points ?? [0, 0]);
          if (ordered.length === 5) points = ordered.flat();
        }
        if (points) landmarks.push([item.name, ...points.map((v) => short(v))].join('\t'));
      }
      if (options.saveImages) {
        const bytes = await options.media?.(item);
        if (bytes) await sink.write(`${subset}/images/${item.name}`, bytes);
      }
    }
    await sink.write(
      `${subset}/annotations/people.txt`,
      [String(people.size), ...[...people].map(([p, n]) => `${p}\t${n}`)].join('\n') + '\n',
    );
    await sink.write(
      `${subset}/annotations/pairs.txt`,
      [`1\t${Math.max(positive.length, negative.length)}`, ...positive, ...negative].join('\n') + '\n',
    );
    await sink.write(`${subset}/annotations/landmarks.txt`, landmarks.map((l) => `${l}\n`).join(''));
  }
}

export const lfwCodec: FormatCodec = {
  name: 'LFW',
  version: '1.0',
  id: 'lfw',
  dimension: '2d',
  kinds: ['tag', 'points', 'skeleton', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    return source.paths().some((p) => /(^|\/)annotations\/pairs\.txt$/.test(p)) ? 0.9 : 0;
  },
  import: importLfw,
  export: exportLfw,
};
