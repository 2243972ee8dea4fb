/**
 * Segmentation mask 1.1: `labelmap.txt`, `ImageSets/Segmentation/<subset>.txt`,
 * `SegmentationClass/<id>.png` and `SegmentationObject/<id>.png`. Boxes, polygons, ellipses and
 * masks are painted on export; import gives one CVAT mask per instance, pixel-exact.
 * Also reads Datumaro's common semantic segmentation layout (`dataset_meta.json`, `masks/`).
 */
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { hexToRgb, vocColor } from '../shared-more/png';
import { basename, findRoot, isImagePath, stem, stripExt } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { textLines } from '../shared-more/text';
import { defaultLabelmap, exportColors, parseLabelmap, writeLabelmap, type LabelmapEntry } from './labelmap';
import { exportMasks, importItemMasks, labelsFromMap } from './masks';

export { parseLabelmap, writeLabelmap, defaultLabelmap, exportColors, type LabelmapEntry };

/** The folder holding the VOC-style dataset: where labelmap.txt or the mask folders are. */
export function vocRoot(paths: readonly string[], markers: readonly string[]): string | null {
  let best: string | null = null;
  for (const p of paths) {
    const parts = p.split('/');
    const i = parts.findIndex((part) => markers.includes(part));
    if (i < 0) continue;
    const root = parts.slice(0, i).join('/');
    if (best === null || root.length < best.length) best = root;
  }
  return best;
}

/** Subset lists of `ImageSets/<kind>/`: id → subset (`default` becomes no subset). */
export async function readSubsetLists(
  source: FileSource,
  at: (p: string) => string,
  paths: readonly string[],
  kind: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of paths) {
    const m = new RegExp(`^ImageSets/${kind}/([^/_]+)\\.txt$`).exec(p);
    if (!m) continue;
    const subset = m[1] === 'default' ? '' : m[1]!;
    for (const line of textLines(await source.text(at(p)), '#')) {
      const id = line.text.split(/\s+/)[0]!;
      if (!out.has(id)) out.set(id, subset);
    }
  }
  return out;
}

/** Images under `JPEGImages/` by id (path without extension). */
export function imagesById(paths: readonly string[], folder = 'JPEGImages'): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of paths)
    if (p.startsWith(`${folder}/`) && isImagePath(p)) out.set(stripExt(p.slice(folder.length + 1)), p);
  return out;
}

async function importCommonSemantic(
  source: FileSource,
  root: string,
  context: ImportContext,
): Promise<Dataset> {
  const at = (p: string) => (root ? `${root}/${p}` : p);
  const file = 'dataset_meta.json';
  let meta: {
    label_map?: Record<string, string>;
    segmentation_colors?: number[][];
    background_label?: string;
  };
  try {
    meta = JSON.parse(await source.text(at(file)));
  } catch (error) {
    throw new FormatError(file, `is not valid JSON: ${(error as Error).message}`);
  }
  if (!meta.label_map || typeof meta.label_map !== 'object') {
    throw new FormatError(file, 'label_map is missing', { expected: '{"label_map": {"0": "name", …}}' });
  }
  const entries: LabelmapEntry[] = Object.entries(meta.label_map).map(([k, name], index) => {
    const color = meta.segmentation_colors?.[Number(k)] ?? [index, index, index];
    return {
      name: k === meta.background_label ? 'background' : String(name),
      color: color as [number, number, number],
      parts: [],
      actions: [],
      index,
    };
  });
  const builder = new DatasetBuilder();
  labelsFromMap(
    builder,
    entries.filter((e) => e.name !== 'background'),
  );
  const sizes = new SizeResolver(source, context);
  const paths = source.paths().filter((p) => p.startsWith(at('masks/')) && p.endsWith('.png'));
  for (const p of paths) {
    context.signal?.throwIfAborted();
    const rel = p.slice(at('masks/').length);
    const image = source
      .paths()
      .find((q) => q.startsWith(at('images/')) && stripExt(q.slice(at('images/').length)) === stripExt(rel));
    const item = builder.item(sizes.nameFor(stem(rel), image ? basename(image) : rel), '');
    await importItemMasks(source, { classPath: p }, { class: `masks/${rel}` }, item, entries, builder);
  }
  return builder.dataset;
}

async function importSegmask(source: FileSource, context: ImportContext): Promise<Dataset> {
  const all = source.paths();
  const metaRoot = findRoot(all, 'dataset_meta.json');
  if (metaRoot !== null && all.some((p) => p.startsWith(metaRoot ? `${metaRoot}/masks/` : 'masks/'))) {
    return importCommonSemantic(source, metaRoot, context);
  }
  const root = vocRoot(all, ['labelmap.txt', 'SegmentationClass', 'SegmentationObject']);
  if (root === null) {
    throw new FormatError('archive', 'has no SegmentationClass/ or SegmentationObject/ folder', {
      expected: 'labelmap.txt, SegmentationClass/<id>.png and SegmentationObject/<id>.png',
    });
  }
  const at = (p: string) => (root ? `${root}/${p}` : p);
  const paths = all
    .filter((p) => root === '' || p.startsWith(`${root}/`))
    .map((p) => (root ? p.slice(root.length + 1) : p));
  const builder = new DatasetBuilder();
  let entries: LabelmapEntry[];
  if (paths.includes('labelmap.txt')) {
    entries = parseLabelmap(await source.text(at('labelmap.txt')));
    labelsFromMap(
      builder,
      entries.filter((e) => e.name.toLowerCase() !== 'background'),
    );
  } else if (paths.includes('class_names.txt')) {
    // labelme2voc writes the class list in palette order, background first.
    entries = textLines(await source.text(at('class_names.txt'))).map((line, index) => ({
      name: index === 0 && /^_?background_?$/i.test(line.text) ? 'background' : line.text,
      color: vocColor(index),
      parts: [],
      actions: [],
      index,
    }));
  } else entries = defaultLabelmap();
  await readVocMasks(source, at, paths, entries, builder, context);
  return builder.dataset;
}

/** Items and masks of the `SegmentationClass/` and `SegmentationObject/` folders. */
export async function readVocMasks(
  source: FileSource,
  at: (p: string) => string,
  paths: readonly string[],
  entries: readonly LabelmapEntry[],
  builder: DatasetBuilder,
  context: ImportContext,
): Promise<void> {
  const subsets = await readSubsetLists(source, at, paths, 'Segmentation');
  const images = imagesById(paths);
  const sizes = new SizeResolver(source, context);
  const ids = new Set<string>(subsets.keys());
  for (const p of paths) {
    const m = /^Segmentation(Class|Object)\/(.+)\.png$/.exec(p);
    if (m) ids.add(m[2]!);
  }
  let done = 0;
  for (const id of ids) {
    context.signal?.throwIfAborted();
    const image = images.get(id);
    const item = builder.item(
      sizes.nameFor(stem(id), image ? image.slice('JPEGImages/'.length) : id),
      subsets.get(id) ?? '',
    );
    const classPath = `SegmentationClass/${id}.png`;
    const objectPath = `SegmentationObject/${id}.png`;
    const files = {
      classPath: paths.includes(classPath) ? at(classPath) : undefined,
      objectPath: paths.includes(objectPath) ? at(objectPath) : undefined,
    };
    if (files.classPath || files.objectPath) {
      await importItemMasks(source, files, { class: classPath, object: objectPath }, item, entries, builder);
    }
    context.progress?.(++done / ids.size, id);
  }
}

async function exportSegmask(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const entries = exportColors(dataset.labels, hexToRgb);
  await sink.write('labelmap.txt', writeLabelmap(entries));
  const objects = objectsByFrame(dataset);
  const id = (item: Dataset['items'][number]) => stripExt(item.name);
  const bySubset = new Map<string, string[]>();
  for (const item of dataset.items) {
    const subset = item.subset || 'default';
    bySubset.set(subset, [...(bySubset.get(subset) ?? []), id(item)]);
  }
  for (const [subset, ids] of bySubset)
    await sink.write(`ImageSets/Segmentation/${subset}.txt`, `${ids.join('\n')}\n`);
  await exportMasks(dataset, objects, entries, sink, id, undefined, options.signal);
  if (options.saveImages) {
    for (const item of dataset.items) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`JPEGImages/${item.name}`, bytes);
    }
  }
}

export const segmaskCodec: FormatCodec = {
  name: 'Segmentation mask',
  version: '1.1',
  id: 'segmentation-mask',
  dimension: '2d',
  kinds: ['rectangle', 'polygon', 'mask', 'ellipse', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    const hasMasks = paths.some((p) => /(^|\/)Segmentation(Class|Object)\/[^/]+\.png$/.test(p));
    const hasXml = paths.some((p) => /(^|\/)Annotations\/[^/]+\.xml$/.test(p));
    if (hasMasks) return hasXml ? 0.4 : 0.9;
    const metaRoot = findRoot(paths, 'dataset_meta.json');
    if (metaRoot !== null && paths.some((p) => /(^|\/)masks\/[^/]+\.png$/.test(p))) return 0.6;
    return 0;
  },
  import: importSegmask,
  export: exportSegmask,
};
