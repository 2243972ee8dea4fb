/**
 * Cityscapes 1.0: `gtFine/<subset>/<city>/<name>_gtFine_instanceIds.png` (16-bit,
 * `class * 1000 + instance`, plain class ids for stuff), optional `label_colors.txt`
 * (`r g b name`, line index = class id; the Cityscapes table otherwise), images in
 * `imgsFine/leftImg8bit/<subset>/<city>/<name>_leftImg8bit.png`. Export also writes
 * `_labelIds.png` and `_color.png`.
 */
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { warningCollector } from '../common/dataset';
import { DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { extname, stripExt } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { importIdMask, parseColorTable, renderIdMasks, type ClassTable } from './idmasks';
import { CITYSCAPES_LABELS } from './labels';

const INSTANCE = /(^|\/)gtFine\/(?:([^/]+)\/)?([^/]+)\/([^/]+)_gtFine_instanceIds\.png$/;

export async function classTable(
  source: FileSource,
  fallback: readonly [string, string][],
): Promise<ClassTable> {
  const file = source.paths().find((p) => /(^|\/)label_colou?rs?\.txt$/.test(p));
  if (!file) return { names: fallback, file: 'the Cityscapes label table' };
  return { names: parseColorTable(await source.text(file)), file };
}

async function importCityscapes(source: FileSource, context: ImportContext): Promise<Dataset> {
  const masks = source.paths().filter((p) => INSTANCE.test(p));
  if (masks.length === 0) {
    throw new FormatError('gtFine', 'has no <name>_gtFine_instanceIds.png', {
      expected: 'gtFine/<subset>/<city>/<name>_gtFine_instanceIds.png',
    });
  }
  const builder = new DatasetBuilder();
  const table = await classTable(source, CITYSCAPES_LABELS);
  const sizes = new SizeResolver(source, context);
  const { warnings, warn } = warningCollector(context);
  for (const path of masks) {
    context.signal?.throwIfAborted();
    const [, , subsetRaw, city, base] = INSTANCE.exec(path)!;
    const subset = !subsetRaw || subsetRaw === 'default' ? '' : subsetRaw;
    const root = path.slice(0, path.indexOf('gtFine/'));
    const imageDir = source
      .paths()
      .find(
        (p) =>
          p.startsWith(root) &&
          p.includes(`leftImg8bit/${subsetRaw ? `${subsetRaw}/` : ''}${city}/${base}_leftImg8bit.`),
      );
    const name = imageDir
      ? `${city}/${base}_leftImg8bit${extname(imageDir)}`
      : sizes.nameForKey(`${city}/${base}_leftImg8bit`, `${city}/${base}`);
    const size = await sizes.size(name, imageDir);
    const item = builder.item(name, subset, size?.width ?? 0, size?.height ?? 0);
    await importIdMask(await source.read(path), path.slice(root.length), item, 1000, table, builder, warn);
  }
  if (warnings.length) builder.dataset.meta.warnings = warnings;
  return builder.dataset;
}

async function exportCityscapes(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const standard = new Map(CITYSCAPES_LABELS.map(([n], i) => [n, i]));
  const useStandard = dataset.labels.every((l) => standard.has(l.name));
  const table: [string, string][] = useStandard
    ? [...CITYSCAPES_LABELS]
    : [['background', '#000000'], ...dataset.labels.map((l) => [l.name, l.color] as [string, string])];
  const classOf = new Map(dataset.labels.map((l) => [l.id, table.findIndex(([n]) => n === l.name)]));
  const colorOf = new Map(table.map(([n, c]) => [n, c]));
  const labels = new Map(dataset.labels.map((l) => [l.id, { ...l, color: colorOf.get(l.name) ?? l.color }]));
  await sink.write(
    'label_colors.txt',
    table
      .map(
        ([n, c]) =>
          `${parseInt(c.slice(1, 3), 16)} ${parseInt(c.slice(3, 5), 16)} ${parseInt(c.slice(5, 7), 16)} ${n}`,
      )
      .join('\n') + '\n',
  );
  const objects = objectsByFrame(dataset);
  for (const item of dataset.items) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    const key = stripExt(item.name).replace(/_leftImg8bit$/, '');
    const [city, base] = key.includes('/')
      ? [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)]
      : ['defaultcity', key];
    const prefix = `gtFine/${subset}/${city}/${base}_gtFine`;
    const shapes = (objects.get(item.frame)?.shapes ?? []).filter((s) =>
      ['mask', 'polygon', 'rectangle', 'ellipse'].includes(s.type),
    );
    if (!item.width || !item.height) {
      if (shapes.length)
        throw new FormatError(`${prefix}_instanceIds.png`, `item "${item.name}" has no width and height`, {
          expected: 'items with known sizes to draw masks',
        });
      continue;
    }
    const images = renderIdMasks(item, shapes, labels, classOf, 1000);
    await sink.write(`${prefix}_instanceIds.png`, images.instance);
    await sink.write(`${prefix}_labelIds.png`, images.classIds);
    await sink.write(`${prefix}_color.png`, images.color);
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes)
        await sink.write(
          `imgsFine/leftImg8bit/${subset}/${city}/${base}_leftImg8bit${extname(item.name) || '.png'}`,
          bytes,
        );
    }
  }
}

export const cityscapesCodec: FormatCodec = {
  name: 'Cityscapes',
  version: '1.0',
  id: 'cityscapes',
  dimension: '2d',
  kinds: ['mask', 'polygon', 'rectangle', 'ellipse', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    return source.paths().some((p) => INSTANCE.test(p)) ? 0.95 : 0;
  },
  import: importCityscapes,
  export: exportCityscapes,
};
