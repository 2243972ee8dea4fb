/**
 * Market-1501 1.0: person re-identification. Everything is in the file names:
 * `0001_c1s1_001051_00.jpg` is person 0001, camera 1. Images sit in `bounding_box_<subset>/`
 * or `query/`; without images, `images_<subset>.txt` lists those paths. Each image gets the
 * tag `market-1501` with `person_id`, `camera_id` and `query`, as CVAT imports it.
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
import { attributeValue, DatasetBuilder, isTrue } from '../shared-more/builder';
import { basename, extname, isImagePath } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { textLines } from '../shared-more/text';

const NAME = /^(-?\d+)_c(\d+)(?:s\d+)?_\d+_\d+/;
export const MARKET_LABEL = 'market-1501';

async function importMarket(source: FileSource, context: ImportContext): Promise<Dataset> {
  const builder = new DatasetBuilder();
  const sizes = new SizeResolver(source, context);
  const entries: { path: string; file: string; line?: number; image?: string }[] = [];
  for (const p of source.paths()) {
    const m = /(?:^|\/)images_([^/]+)\.txt$/.exec(p);
    if (!m) continue;
    for (const line of textLines(await source.text(p)))
      entries.push({ path: line.text, file: p, line: line.n });
  }
  if (entries.length === 0) {
    for (const p of source.paths())
      if (isImagePath(p) && /(^|\/)(bounding_box_[^/]+|query)\//.test(p))
        entries.push({ path: p, file: p, image: p });
  }
  if (entries.length === 0) {
    throw new FormatError(
      'archive',
      'has no bounding_box_<subset>/ or query/ images and no images_<subset>.txt',
      {
        expected: 'images named like 0001_c1s1_000015_00.jpg',
      },
    );
  }
  const folders = new Set(
    entries.map((e) => /bounding_box_([^/]+)\//.exec(e.path)?.[1]).filter((s): s is string => !!s),
  );
  const querySubset = folders.size === 1 ? [...folders][0]! : folders.has('test') ? 'test' : '';
  const label = builder.label(MARKET_LABEL, 'tag');
  for (const e of entries) {
    context.signal?.throwIfAborted();
    const name = basename(e.path);
    const m = NAME.exec(name);
    if (!m) {
      throw new FormatError(e.file, `"${name}" does not name a person and a camera`, {
        location: e.line ? `line ${e.line}` : undefined,
        expected: 'a name like 0001_c1s1_000015_00.jpg',
      });
    }
    const query = /(^|\/)query\//.test(e.path);
    const subset = query ? querySubset : (/bounding_box_([^/]+)\//.exec(e.path)?.[1] ?? '');
    const size = await sizes.size(name, e.image);
    const item = builder.item(name, subset, size?.width ?? 0, size?.height ?? 0);
    builder.tag(item.frame, label.id, [
      builder.value(label, 'query', String(query), { input_type: 'checkbox' }),
      builder.value(label, 'person_id', String(Number(m[1])), {
        input_type: 'number',
        values: ['-1', '9999', '1'],
        default_value: '0',
      }),
      builder.value(label, 'camera_id', String(Number(m[2])), {
        input_type: 'number',
        values: ['0', '99', '1'],
        default_value: '0',
      }),
    ]);
  }
  return builder.dataset;
}

/** The file name of an item: its own when it follows the pattern, else built from the tag. */
function marketName(dataset: Dataset, item: DatasetItem, index: number): { name: string; query: boolean } {
  const label = dataset.labels.find((l) => l.name === MARKET_LABEL);
  const tag = dataset.tags.find((t) => t.frame === item.frame && t.label_id === label?.id);
  const query = isTrue(attributeValue(label, tag?.attributes ?? [], 'query'));
  if (NAME.test(basename(item.name))) return { name: basename(item.name), query };
  const pid = Number(attributeValue(label, tag?.attributes ?? [], 'person_id') ?? -1);
  const cam = Number(attributeValue(label, tag?.attributes ?? [], 'camera_id') ?? 0);
  const id = pid < 0 ? '-1' : String(pid).padStart(4, '0');
  return {
    name: `${id}_c${cam}s1_${String(index).padStart(6, '0')}_00${extname(item.name) || '.jpg'}`,
    query,
  };
}

async function exportMarket(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const lists = new Map<string, string[]>();
  for (const [i, item] of dataset.items.entries()) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    const { name, query } = marketName(dataset, item, i);
    const path = `${query ? 'query' : `bounding_box_${subset}`}/${name}`;
    lists.set(subset, [...(lists.get(subset) ?? []), path]);
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(path, bytes);
    }
  }
  for (const [subset, paths] of lists) await sink.write(`images_${subset}.txt`, `${paths.join('\n')}\n`);
}

export const market1501Codec: FormatCodec = {
  name: 'Market-1501',
  version: '1.0',
  id: 'market-1501',
  dimension: '2d',
  kinds: ['tag'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    if (paths.some((p) => /(^|\/)images_[^/]+\.txt$/.test(p))) return 0.8;
    const images = paths.filter((p) => /(^|\/)(bounding_box_[^/]+|query)\/[^/]+$/.test(p) && isImagePath(p));
    return images.length > 0 && images.every((p) => NAME.test(basename(p))) ? 0.9 : 0;
  },
  import: importMarket,
  export: exportMarket,
};
