/**
 * MOTS PNG 1.0: `<subset>/instances/<image>.png`, 16-bit, each pixel `class_id * 1000 +
 * instance_id` (class ids 1-based into `instances/labels.txt`, 0 background, class 10 with
 * instance 0 ignored), images in `<subset>/images/`. An instance is followed across the frames
 * of its subset, so it imports as a mask track, pixel-exact.
 */
import type { Shape, TrackedShape } from '../../core/types';
import { trackToShapes } from '../common/dataset';
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { DatasetBuilder, keyframe } from '../shared-more/builder';
import { basename, isImagePath, stem, stripExt } from '../shared-more/paths';
import { decodeKeys, encodeGrey } from '../shared-more/png';
import { paintShapes, regions } from '../shared-more/raster';
import { textLines } from '../shared-more/text';
import { SizeResolver } from '../shared-more/sizes';
import { closeRuns } from '../shared-more/tracks';

const IGNORED = 10000;
const PAINTED = new Set(['rectangle', 'polygon', 'mask', 'ellipse']);

async function importMots(source: FileSource, context: ImportContext): Promise<Dataset> {
  const pngs = source.paths().filter((p) => /(^|\/)instances\/[^/]+\.png$/.test(p));
  if (pngs.length === 0) {
    throw new FormatError('archive', 'has no instances/<image>.png masks', {
      expected: '<subset>/instances/<image>.png and instances/labels.txt',
    });
  }
  const builder = new DatasetBuilder();
  const sizes = new SizeResolver(source, context);
  const bySubset = new Map<string, string[]>();
  for (const p of pngs) {
    const dir = p.startsWith('instances/') ? '' : p.slice(0, p.lastIndexOf('/instances/'));
    bySubset.set(dir, [...(bySubset.get(dir) ?? []), p]);
  }
  const tracks = new Map<string, { label: string; shapes: TrackedShape[] }>();
  const warnings: string[] = [];
  for (const [dir, files] of bySubset) {
    const subsetName = basename(dir);
    const subset = subsetName === 'default' ? '' : subsetName;
    const prefix = dir ? `${dir}/` : '';
    const labelsPath = `${prefix}instances/labels.txt`;
    if (!source.has(labelsPath))
      throw new FormatError(labelsPath, 'not found in the archive', { expected: 'one label name per line' });
    const names = textLines(await source.text(labelsPath)).map((l) => l.text);
    const images = new Map<string, string>();
    for (const p of source.paths())
      if (p.startsWith(`${prefix}images/`) && isImagePath(p))
        images.set(stripExt(p.slice(prefix.length + 7)), p);
    files.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    for (const file of files) {
      context.signal?.throwIfAborted();
      const id = stripExt(file.slice(prefix.length + 10));
      const image = images.get(id);
      const keys = decodeKeys(await source.read(file), file);
      if (keys.mode !== 'value')
        throw new FormatError(file, 'is a colour image', {
          expected: 'a 16-bit grey PNG of class_id * 1000 + instance_id',
        });
      const size = await sizes.size(id, image);
      const item = builder.item(
        sizes.nameFor(stem(id), image ? basename(image) : id),
        subset,
        keys.width,
        keys.height,
      );
      // The mask grid is what the annotation is drawn on; a different image size is reported.
      if (size && (size.width !== keys.width || size.height !== keys.height)) {
        const message = `${file}: the mask is ${keys.width}x${keys.height} but image "${item.name}" is ${size.width}x${size.height}; the mask size is used`;
        warnings.push(message);
        context.warn?.(message);
      }
      for (const [value, points] of regions(
        keys.keys,
        keys.width,
        keys.height,
        (v) => v === 0 || v === IGNORED,
      )) {
        const cls = Math.floor(value / 1000);
        const name = names[cls - 1];
        if (!name) {
          const i = keys.keys.indexOf(value);
          throw new FormatError(
            file,
            `pixel (${i % keys.width}, ${Math.floor(i / keys.width)}) has value ${value}, class ${cls}, which has no label`,
            {
              expected: `class ids from 1 to ${names.length} (lines of ${labelsPath}) times 1000 plus the instance id`,
            },
          );
        }
        const key = `${dir}\u0000${value}`;
        const track = tracks.get(key) ?? { label: name, shapes: [] };
        track.shapes.push(keyframe('mask', item.frame, points));
        tracks.set(key, track);
      }
    }
    for (const n of names) builder.label(n, 'any');
  }
  const frames = new Set(builder.dataset.items.map((i) => i.frame));
  for (const { label, shapes } of tracks.values())
    builder.track(builder.label(label).id, closeRuns(shapes, frames));
  if (warnings.length) builder.dataset.meta.warnings = warnings;
  return builder.dataset;
}

async function exportMots(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const classOf = new Map(dataset.labels.map((l, i) => [l.id, i + 1]));
  const frames = dataset.items.map((i) => i.frame).sort((a, b) => a - b);
  const perFrame = new Map<number, { shape: Shape; instance: number }[]>();
  const add = (shape: Shape, instance: number) => {
    if (!PAINTED.has(shape.type) || shape.outside) return;
    perFrame.set(shape.frame, [...(perFrame.get(shape.frame) ?? []), { shape, instance }]);
  };
  // Instance ids count per label, as MOTS numbers them within a class.
  const nextInstance = new Map<string, number>();
  const instanceFor = (labelId: string) => {
    const n = (nextInstance.get(labelId) ?? 0) + 1;
    if (n > 999)
      throw new FormatError('instances', `label has more than 999 objects`, {
        expected: 'at most 999 instances per class (MOTS stores class * 1000 + instance)',
      });
    nextInstance.set(labelId, n);
    return n;
  };
  for (const track of dataset.tracks) {
    const instance = instanceFor(track.label_id);
    for (const s of trackToShapes(track, frames)) add(s, instance);
  }
  for (const s of dataset.shapes) add(s, instanceFor(s.label_id));
  const subsets = new Set(dataset.items.map((i) => i.subset || 'default'));
  for (const subset of subsets)
    await sink.write(`${subset}/instances/labels.txt`, dataset.labels.map((l) => `${l.name}\n`).join(''));
  for (const [index, item] of dataset.items.entries()) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    const entries = perFrame.get(item.frame) ?? [];
    const file = `${subset}/instances/${stripExt(item.name)}.png`;
    if (!item.width || !item.height) {
      if (entries.length)
        throw new FormatError(file, `item "${item.name}" has no width and height`, {
          expected: 'items with known sizes to draw masks',
        });
      continue;
    }
    const values = new Uint32Array(item.width * item.height);
    const shapes = entries.map((e) => e.shape);
    paintShapes(
      shapes,
      item.width,
      item.height,
      values,
      (_s, i) => classOf.get(entries[i]!.shape.label_id)! * 1000 + entries[i]!.instance,
    );
    await sink.write(file, encodeGrey(item.width, item.height, values, 16));
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`${subset}/images/${item.name}`, bytes);
    }
    options.progress?.((index + 1) / dataset.items.length, item.name);
  }
}

export const motsCodec: FormatCodec = {
  name: 'MOTS PNG',
  version: '1.0',
  id: 'mots',
  dimension: '2d',
  kinds: ['mask', 'polygon', 'rectangle', 'ellipse', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    return paths.some((p) => /(^|\/)instances\/[^/]+\.png$/.test(p)) &&
      paths.some((p) => /(^|\/)instances\/labels\.txt$/.test(p))
      ? 0.9
      : 0;
  },
  import: importMots,
  export: exportMots,
};
