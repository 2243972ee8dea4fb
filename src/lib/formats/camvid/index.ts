/**
 * CamVid 1.0: `<subset>.txt` lines `/<subset>/<image> /<subset>annot/<mask>`, RGB class masks
 * (or grey masks indexing `label_colors.txt`), and `label_colors.txt` lines `r g b name` (the
 * 32 CamVid classes when absent). Each class colour of a mask imports as one CVAT mask;
 * `Void` (black) is background.
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
import { DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { basename, isImagePath, stem, stripExt } from '../shared-more/paths';
import { hexToRgb, rgbToHex } from '../shared-more/png';
import { SizeResolver } from '../shared-more/sizes';
import { parseIndex, textLines } from '../shared-more/text';
import { exportColors, type LabelmapEntry } from '../segmask/labelmap';
import { colorKeys, importItemMasks, renderItemMasks } from '../segmask/masks';

/** CamVid's 32 classes and colours. */
export const CAMVID_COLORS: readonly [string, number, number, number][] = [
  ['Void', 0, 0, 0],
  ['Animal', 64, 128, 64],
  ['Archway', 192, 0, 128],
  ['Bicyclist', 0, 128, 192],
  ['Bridge', 0, 128, 64],
  ['Building', 128, 0, 0],
  ['Car', 64, 0, 128],
  ['CartLuggagePram', 64, 0, 192],
  ['Child', 192, 128, 64],
  ['Column_Pole', 192, 192, 128],
  ['Fence', 64, 64, 128],
  ['LaneMkgsDriv', 128, 0, 192],
  ['LaneMkgsNonDriv', 192, 0, 64],
  ['Misc_Text', 128, 128, 64],
  ['MotorcycleScooter', 192, 0, 192],
  ['OtherMoving', 128, 64, 64],
  ['ParkingBlock', 64, 192, 128],
  ['Pedestrian', 64, 64, 0],
  ['Road', 128, 64, 128],
  ['RoadShoulder', 128, 128, 192],
  ['Sidewalk', 0, 0, 192],
  ['SignSymbol', 192, 128, 128],
  ['Sky', 128, 128, 128],
  ['SUVPickupTruck', 64, 128, 192],
  ['TrafficCone', 0, 0, 64],
  ['TrafficLight', 0, 64, 64],
  ['Train', 192, 64, 128],
  ['Tree', 128, 128, 0],
  ['Truck_Bus', 192, 128, 192],
  ['Tunnel', 64, 0, 64],
  ['VegetationMisc', 192, 192, 0],
  ['Wall', 64, 192, 0],
];

/** Entries with black renamed to background so that its pixels are skipped. */
function entriesOf(colors: readonly [string, number, number, number][]): LabelmapEntry[] {
  return colors.map(([name, r, g, b], index) => ({
    name: r === 0 && g === 0 && b === 0 ? 'background' : name,
    color: [r, g, b],
    parts: [],
    actions: [],
    index,
  }));
}

async function importCamvid(source: FileSource, context: ImportContext): Promise<Dataset> {
  const paths = source.paths();
  const builder = new DatasetBuilder();
  let colors = CAMVID_COLORS;
  const colorFile = paths.find((p) => /(^|\/)label_colou?rs\.txt$/.test(p));
  if (colorFile) {
    colors = textLines(await source.text(colorFile)).map((line, i) => {
      const t = line.text.split(/\s+/);
      if (t.length === 1)
        return [t[0]!, ...(i === 0 ? [0, 0, 0] : [i, i, i])] as [string, number, number, number];
      const rgb = t.slice(0, 3).map((v, k) => parseIndex(v, colorFile, line.n, ['r', 'g', 'b'][k]!));
      if (t.length < 4 || rgb.some((v) => v > 255)) {
        throw new FormatError(colorFile, `"${line.text}"`, {
          location: `line ${line.n}`,
          expected: 'r g b name, with r, g, b from 0 to 255',
        });
      }
      return [t.slice(3).join(' '), rgb[0]!, rgb[1]!, rgb[2]!];
    });
    for (const [name, r, g, b] of colors) if (r || g || b) builder.label(name, 'any', rgbToHex(r, g, b));
  }
  const entries = entriesOf(colors);
  const sizes = new SizeResolver(source, context);
  const lists = paths.filter((p) => /(^|\/)[^/]+\.txt$/.test(p) && p !== colorFile);
  const pairs: { subset: string; image: string; mask: string; file: string; line: number }[] = [];
  for (const list of lists) {
    const root = list.includes('/') ? list.slice(0, list.lastIndexOf('/') + 1) : '';
    for (const line of textLines(await source.text(list))) {
      const [image, mask] = line.text.split(/\s+/);
      if (!image || !mask)
        throw new FormatError(list, `"${line.text}"`, {
          location: `line ${line.n}`,
          expected: '/<subset>/<image> /<subset>annot/<mask>',
        });
      pairs.push({
        subset: stem(list),
        image: root + image.replace(/^\//, ''),
        mask: root + mask.replace(/^\//, ''),
        file: list,
        line: line.n,
      });
    }
  }
  if (pairs.length === 0) {
    for (const p of paths.filter((q) => /(^|\/)[^/]+annot\/[^/]+\.png$/.test(q))) {
      const subset = /([^/]+)annot\/[^/]+$/.exec(p)![1]!;
      pairs.push({ subset, image: p.replace(/annot\//, '/'), mask: p, file: p, line: 0 });
    }
  }
  if (pairs.length === 0)
    throw new FormatError('archive', 'has no <subset>.txt lists and no <subset>annot/ masks', {
      expected: 'train.txt with /train/<image> /trainannot/<mask> lines',
    });
  for (const pair of pairs) {
    context.signal?.throwIfAborted();
    if (!source.has(pair.mask)) {
      throw new FormatError(pair.file, `mask "${pair.mask}" is not in the archive`, {
        location: pair.line ? `line ${pair.line}` : undefined,
        expected: 'the mask file the line names',
      });
    }
    const name = basename(pair.image);
    const size = await sizes.size(name, isImagePath(pair.image) ? pair.image : undefined);
    const item: DatasetItem = builder.item(
      sizes.nameFor(stem(name), name),
      pair.subset === 'default' ? '' : pair.subset,
      size?.width ?? 0,
      size?.height ?? 0,
    );
    await importItemMasks(source, { classPath: pair.mask }, { class: pair.mask }, item, entries, builder);
  }
  return builder.dataset;
}

async function exportCamvid(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const known = new Map(CAMVID_COLORS.map(([n, r, g, b]) => [n, rgbToHex(r, g, b)]));
  const entries = exportColors(
    dataset.labels.map((l) => ({ name: l.name, color: known.get(l.name) ?? l.color })),
    hexToRgb,
  );
  const voidFirst = entries.map((e) => (e.name === 'background' ? { ...e, name: 'Void' } : e));
  await sink.write(
    'label_colors.txt',
    voidFirst.map((e) => `${e.color.join(' ')} ${e.name}`).join('\n') + '\n',
  );
  const colors = colorKeys(dataset, entries);
  const objects = objectsByFrame(dataset);
  const lists = new Map<string, string[]>();
  for (const item of dataset.items) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    const maskName = `${stripExt(basename(item.name))}.png`;
    const masks = renderItemMasks(item, objects.get(item.frame)?.shapes ?? [], colors);
    if (!masks && (objects.get(item.frame)?.shapes.length ?? 0) > 0 && (!item.width || !item.height)) {
      throw new FormatError(`${subset}annot/${maskName}`, `item "${item.name}" has no width and height`, {
        expected: 'items with known sizes to draw masks',
      });
    }
    if (masks) await sink.write(`${subset}annot/${maskName}`, masks.classPng);
    lists.set(subset, [
      ...(lists.get(subset) ?? []),
      `/${subset}/${basename(item.name)} /${subset}annot/${maskName}`,
    ]);
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`${subset}/${basename(item.name)}`, bytes);
    }
  }
  for (const [subset, lines] of lists) await sink.write(`${subset}.txt`, `${lines.join('\n')}\n`);
}

export const camvidCodec: FormatCodec = {
  name: 'CamVid',
  version: '1.0',
  id: 'camvid',
  dimension: '2d',
  kinds: ['mask', 'polygon', 'rectangle', 'ellipse', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    const annot = paths.some((p) => /(^|\/)[^/]+annot\/[^/]+\.png$/.test(p));
    return annot ? 0.9 : paths.some((p) => /(^|\/)label_colors\.txt$/.test(p)) ? 0.3 : 0;
  },
  import: importCamvid,
  export: exportCamvid,
};
