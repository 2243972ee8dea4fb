/**
 * ImageNet 1.0: image tags. With images, `<label>/<image>` folders (images at the root or in
 * `no_label/` have no tag; `train/`, `val/`, … above the label folders are subsets). Without
 * images, `<subset>.txt` lines `<image> <label index>…` and `synsets.txt` with the label names.
 * Export writes the text form always (lossless for several tags per image) and the label
 * folders when images are saved.
 */
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { DatasetBuilder } from '../shared-more/builder';
import { isImagePath } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { parseIndex, textLines } from '../shared-more/text';

const SUBSET_NAMES = new Set(['train', 'val', 'valid', 'validation', 'test', 'trainval', 'default']);
const SYNSETS = /(^|\/)synsets[^/]*\.txt$/;

function isListFile(path: string): boolean {
  return path.endsWith('.txt') && !SYNSETS.test(path) && !path.includes('/');
}

async function importText(source: FileSource, context: ImportContext): Promise<Dataset> {
  const builder = new DatasetBuilder();
  const paths = source.paths();
  const synsets =
    paths.find((p) => SYNSETS.test(p) && !p.includes('/')) ?? paths.find((p) => SYNSETS.test(p));
  const names = synsets ? textLines(await source.text(synsets)).map((l) => l.text) : [];
  const labels = names.map((n) => builder.label(n, 'tag'));
  const sizes = new SizeResolver(source, context);
  const images = new Map(paths.filter(isImagePath).map((p) => [p.split('/').pop()!, p]));
  for (const file of paths.filter(isListFile)) {
    const subset = file.slice(0, -4);
    for (const line of textLines(await source.text(file), '#')) {
      context.signal?.throwIfAborted();
      const tokens = line.text.split(/\s+/);
      const name = tokens[0]!;
      const image = images.get(name.split('/').pop()!);
      const size = await sizes.size(name, image);
      const item = builder.item(
        name,
        subset === 'default' ? '' : subset,
        size?.width ?? 0,
        size?.height ?? 0,
      );
      for (const token of tokens.slice(1)) {
        const index = parseIndex(token, file, line.n, 'label index');
        if (!synsets)
          while (labels.length <= index) labels.push(builder.label(`class-${labels.length}`, 'tag'));
        const label = labels[index];
        if (!label) {
          throw new FormatError(file, `label index ${index} has no line in ${synsets}`, {
            location: `line ${line.n}`,
            expected: `an index from 0 to ${labels.length - 1}`,
          });
        }
        builder.tag(item.frame, label.id);
      }
    }
  }
  return builder.dataset;
}

async function importFolders(source: FileSource, context: ImportContext): Promise<Dataset> {
  const builder = new DatasetBuilder();
  const sizes = new SizeResolver(source, context);
  const images = source.paths().filter(isImagePath);
  if (images.length === 0) {
    throw new FormatError('archive', 'has no images and no <subset>.txt list', {
      expected: '<label>/<image> folders, or <subset>.txt with synsets.txt',
    });
  }
  const tops = new Set(images.map((p) => (p.includes('/') ? p.split('/')[0]! : '')));
  const bySubset = [...tops].every((t) => SUBSET_NAMES.has(t.toLowerCase()));
  for (const path of images) {
    context.signal?.throwIfAborted();
    const parts = path.split('/');
    const subset = bySubset ? parts.shift()! : '';
    const labelName = parts.length > 1 ? parts.shift()! : '';
    const name = parts.join('/');
    const size = await sizes.size(name, path);
    const item = builder.item(name, subset === 'default' ? '' : subset, size?.width ?? 0, size?.height ?? 0);
    if (labelName && labelName !== 'no_label') builder.tag(item.frame, builder.label(labelName, 'tag').id);
  }
  return builder.dataset;
}

async function exportImagenet(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const index = new Map(dataset.labels.map((l, i) => [l.id, i]));
  const tags = new Map<number, number[]>();
  for (const t of dataset.tags) tags.set(t.frame, [...(tags.get(t.frame) ?? []), index.get(t.label_id)!]);
  await sink.write('synsets.txt', dataset.labels.map((l) => `${l.name}\n`).join(''));
  const lists = new Map<string, string[]>();
  for (const item of dataset.items) {
    const subset = item.subset || 'default';
    lists.set(subset, [...(lists.get(subset) ?? []), [item.name, ...(tags.get(item.frame) ?? [])].join(' ')]);
  }
  for (const [subset, lines] of lists) await sink.write(`${subset}.txt`, `${lines.join('\n')}\n`);
  if (!options.saveImages) return;
  for (const [i, item] of dataset.items.entries()) {
    options.signal?.throwIfAborted();
    const bytes = await options.media?.(item);
    if (!bytes) continue;
    const folders = (tags.get(item.frame) ?? []).map((k) => dataset.labels[k]!.name);
    for (const folder of folders.length ? [...new Set(folders)] : ['no_label']) {
      await sink.write(`${item.subset ? `${item.subset}/` : ''}${folder}/${item.name}`, bytes);
    }
    options.progress?.((i + 1) / dataset.items.length, item.name);
  }
}

export const imagenetCodec: FormatCodec = {
  name: 'ImageNet',
  version: '1.0',
  id: 'imagenet',
  dimension: '2d',
  kinds: ['tag'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    if (paths.some((p) => SYNSETS.test(p))) return 0.9;
    const list = paths.find(isListFile);
    if (list && paths.length <= 3) {
      const first = textLines(await source.text(list))[0]?.text ?? '';
      if (/^\S+\.[a-z]{3,4}( \d+)+$/i.test(first)) return 0.4;
    }
    if (paths.some((p) => /\.(xml|json|csv|yaml|ini|png)$/i.test(p) && !isImagePath(p))) return 0;
    const images = paths.filter(isImagePath);
    return images.length > 0 && images.some((p) => p.includes('/')) && !paths.some((p) => p.endsWith('.txt'))
      ? 0.3
      : 0;
  },
  import: (source, context) =>
    source.paths().some((p) => SYNSETS.test(p)) || source.paths().some(isListFile)
      ? importText(source, context)
      : importFolders(source, context),
  export: exportImagenet,
};
