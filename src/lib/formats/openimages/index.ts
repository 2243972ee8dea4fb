/**
 * Open Images V6: CSV tables in `annotations/` — class descriptions (`LabelName,DisplayName`),
 * `*image_ids_and_rotation.csv` (subsets), `*-annotations-human-imagelabels.csv` (tags with a
 * `score`), `*-annotations-bbox.csv` (boxes normalized as `XMin,XMax,YMin,YMax` with the
 * `Is…` flags), `*-annotations-object-segmentation.csv` with mask PNGs in `masks/<subset>/`,
 * and `images.meta` (`id height width`). Columns are found by header name; short rows are
 * read with the missing cells empty.
 */
import { decode as decodePng, encode as encodePng } from 'fast-png';
import { decodeMaskToImage, encodeMask, maskBox } from '../../core/mask';
import type { AttributeValue, LabelSpec } from '../../core/types';
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
import { basename, isImagePath, stem } from '../shared-more/paths';
import { pngSamples } from '../shared-more/png';
import { SizeResolver } from '../shared-more/sizes';
import { csvField, parseNumber, short, splitCsv, textLines } from '../shared-more/text';

interface Table {
  file: string;
  rows: { n: number; get: (column: string) => string | undefined }[];
}

async function readTable(source: FileSource, path: string, required: readonly string[]): Promise<Table> {
  const file = path.slice(path.indexOf('annotations/') >= 0 ? path.indexOf('annotations/') : 0);
  const lines = textLines(await source.text(path));
  const header = splitCsv(lines[0]?.text ?? '').map((h) => h.trim());
  for (const column of required) {
    if (!header.includes(column))
      throw new FormatError(file, `the header has no ${column} column`, {
        location: 'line 1',
        expected: `columns ${required.join(', ')}`,
      });
  }
  const index = new Map(header.map((h, i) => [h, i]));
  return {
    file,
    rows: lines.slice(1).map((line) => {
      const cells = splitCsv(line.text);
      return { n: line.n, get: (c: string) => cells[index.get(c) ?? -1]?.trim() };
    }),
  };
}

const FLAGS: [string, string][] = [
  ['IsTruncated', 'truncated'],
  ['IsGroupOf', 'is_group_of'],
  ['IsDepiction', 'is_depiction'],
  ['IsInside', 'is_inside'],
];

function subsetFromFile(path: string): string {
  const name = basename(path).replace(/^oidv\d+-/, '');
  return name.split('-')[0] ?? '';
}

async function importOpenImages(source: FileSource, context: ImportContext): Promise<Dataset> {
  const paths = source.paths();
  const find = (re: RegExp) => paths.filter((p) => re.test(p));
  const descriptions = find(/(^|\/)annotations\/[^/]*class-descriptions[^/]*\.csv$/)[0];
  if (!descriptions)
    throw new FormatError('annotations', 'has no class-descriptions CSV', {
      expected: 'annotations/oidv6-class-descriptions.csv (LabelName,DisplayName)',
    });
  const root = descriptions.slice(0, descriptions.indexOf('annotations/'));
  const builder = new DatasetBuilder();
  const byLabelName = new Map<string, LabelSpec>();
  // V6 has a header; V5's class-descriptions.csv is two bare columns.
  const headed = /^\s*LabelName\b/.test((await source.text(descriptions)).slice(0, 64));
  const classes: Table = headed
    ? await readTable(source, descriptions, ['LabelName'])
    : {
        file: descriptions.slice(root.length),
        rows: textLines(await source.text(descriptions)).map((line) => {
          const [id, name] = splitCsv(line.text);
          return {
            n: line.n,
            get: (c: string) => (c === 'LabelName' ? id : c === 'DisplayName' ? name : undefined)?.trim(),
          };
        }),
      };
  for (const row of classes.rows) {
    const id = row.get('LabelName') ?? '';
    byLabelName.set(id, builder.label(row.get('DisplayName') || id, 'any'));
  }
  const labelOf = (table: Table, row: Table['rows'][number]) => {
    const id = row.get('LabelName') ?? '';
    const label = byLabelName.get(id);
    if (!label)
      throw new FormatError(table.file, `label "${id}" is not in the class descriptions`, {
        location: `line ${row.n}`,
        expected: `a LabelName of ${classes.file}`,
      });
    return label;
  };
  const sizes = new SizeResolver(source, context);
  const meta = new Map<string, { width: number; height: number }>();
  const metaPath = `${root}annotations/images.meta`;
  if (source.has(metaPath)) {
    for (const line of textLines(await source.text(metaPath), '#')) {
      const [id, h, w] = line.text.split(/\s+/);
      meta.set(id!, {
        height: parseNumber(h, 'annotations/images.meta', line.n, 'height'),
        width: parseNumber(w, 'annotations/images.meta', line.n, 'width'),
      });
    }
  }
  const images = new Map<string, string>();
  for (const p of paths) if (p.startsWith(`${root}images/`) && isImagePath(p)) images.set(stem(p), p);
  const items = new Map<string, DatasetItem>();
  const itemFor = async (id: string, subset: string) => {
    const found = items.get(id);
    if (found) return found;
    const image = images.get(id);
    const name = image ? basename(image) : sizes.nameFor(id, id);
    const size = meta.get(id) ?? (await sizes.size(name, image));
    const fromFolder = image ? image.slice(`${root}images/`.length).split('/')[0] : undefined;
    const item = builder.item(
      name,
      fromFolder && fromFolder !== basename(image!) ? fromFolder : subset,
      size?.width ?? 0,
      size?.height ?? 0,
    );
    items.set(id, item);
    return item;
  };
  for (const path of find(
    /(^|\/)annotations\/[^/]*(image_ids_and_rotation|images-with[^/]*rotation)\.csv$/,
  )) {
    const table = await readTable(source, path, ['ImageID']);
    for (const row of table.rows)
      await itemFor(row.get('ImageID')!, row.get('Subset') || subsetFromFile(path));
  }
  for (const id of images.keys()) await itemFor(id, '');
  const flag = (v: string | undefined) => (v === '1' ? 'true' : v === '0' ? 'false' : undefined);
  for (const path of find(/(^|\/)annotations\/[^/]*-annotations-human-imagelabels\.csv$/)) {
    const table = await readTable(source, path, ['ImageID', 'LabelName']);
    for (const row of table.rows) {
      const item = await itemFor(row.get('ImageID')!, subsetFromFile(path));
      const label = labelOf(table, row);
      const score = row.get('Confidence');
      builder.tag(
        item.frame,
        label.id,
        score
          ? [
              builder.value(label, 'score', score, {
                input_type: 'number',
                values: ['0', '1', '0.01'],
                default_value: '1',
              }),
            ]
          : [],
      );
    }
  }
  for (const path of find(/(^|\/)annotations\/[^/]*-annotations-bbox\.csv$/)) {
    const table = await readTable(source, path, ['ImageID', 'LabelName', 'XMin', 'XMax', 'YMin', 'YMax']);
    for (const row of table.rows) {
      context.signal?.throwIfAborted();
      const item = await itemFor(row.get('ImageID')!, subsetFromFile(path));
      if (!item.width || !item.height) {
        throw new FormatError(
          table.file,
          `the size of image "${row.get('ImageID')}" is unknown, so its normalized box cannot be converted`,
          {
            location: `line ${row.n}`,
            expected:
              'the image in images/, a line in annotations/images.meta, or a task frame with that name',
          },
        );
      }
      const label = labelOf(table, row);
      const n = (c: string) => parseNumber(row.get(c), table.file, row.n, c);
      const attributes: AttributeValue[] = [];
      const score = row.get('Confidence');
      if (score)
        attributes.push(
          builder.value(label, 'score', score, {
            input_type: 'number',
            values: ['0', '1', '0.01'],
            default_value: '1',
          }),
        );
      for (const [column, name] of FLAGS) {
        const v = flag(row.get(column));
        if (v !== undefined) attributes.push(builder.value(label, name, v, { input_type: 'checkbox' }));
      }
      builder.shape({
        type: 'rectangle',
        frame: item.frame,
        label_id: label.id,
        points: [
          n('XMin') * item.width,
          n('YMin') * item.height,
          n('XMax') * item.width,
          n('YMax') * item.height,
        ],
        occluded: row.get('IsOccluded') === '1',
        attributes,
      });
    }
  }
  for (const path of find(/(^|\/)annotations\/[^/]*-annotations-object-segmentation\.csv$/)) {
    const table = await readTable(source, path, ['MaskPath', 'ImageID', 'LabelName']);
    const subset = subsetFromFile(path);
    for (const row of table.rows) {
      context.signal?.throwIfAborted();
      const item = await itemFor(row.get('ImageID')!, subset);
      const label = labelOf(table, row);
      const maskName = row.get('MaskPath')!;
      const maskPath = paths.find((p) => p.startsWith(`${root}masks/`) && basename(p) === maskName);
      if (!maskPath)
        throw new FormatError(table.file, `mask "${maskName}" is not in the archive`, {
          location: `line ${row.n}`,
          expected: `masks/${item.subset || subset}/${maskName}`,
        });
      let png;
      try {
        png = decodePng(await source.read(maskPath));
      } catch (error) {
        throw new FormatError(
          maskPath.slice(root.length),
          `is not a readable PNG image: ${(error as Error).message}`,
          { expected: 'a 1-bit mask PNG' },
        );
      }
      if (!item.width || !item.height) [item.width, item.height] = [png.width, png.height];
      const samples = pngSamples(png);
      // Masks may have their own resolution; they are scaled to the image, nearest neighbour.
      const bitmap = new Uint8Array(item.width * item.height);
      for (let y = 0; y < item.height; y++) {
        const sy = Math.min(png.height - 1, Math.floor((y * png.height) / item.height));
        for (let x = 0; x < item.width; x++) {
          const sx = Math.min(png.width - 1, Math.floor((x * png.width) / item.width));
          bitmap[y * item.width + x] = samples[(sy * png.width + sx) * png.channels] ? 1 : 0;
        }
      }
      const points = encodeMask(bitmap, item.width, item.height);
      if (!points) continue;
      const attributes = [
        builder.value(label, 'box_id', row.get('BoxID') ?? '', { input_type: 'text', values: [] }),
      ];
      if (row.get('PredictedIoU'))
        attributes.push(
          builder.value(label, 'predicted_iou', row.get('PredictedIoU')!, { input_type: 'text', values: [] }),
        );
      builder.shape({ type: 'mask', frame: item.frame, label_id: label.id, points, attributes });
    }
  }
  return builder.dataset;
}

async function exportOpenImages(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const objects = objectsByFrame(dataset);
  const csv = (cells: (string | number)[]) => cells.map((c) => csvField(String(c))).join(',');
  await sink.write(
    'annotations/oidv6-class-descriptions.csv',
    ['LabelName,DisplayName', ...dataset.labels.map((l) => csv([l.name, l.name]))].join('\n') + '\n',
  );
  await sink.write(
    'annotations/bbox_labels_600_hierarchy.json',
    JSON.stringify(
      { LabelName: '/m/root', Subcategory: dataset.labels.map((l) => ({ LabelName: l.name })) },
      null,
      2,
    ),
  );
  const bySubset = new Map<string, { ids: string[]; tags: string[]; boxes: string[]; masks: string[] }>();
  const metaLines: string[] = [];
  for (const item of dataset.items) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    const t =
      bySubset.get(subset) ?? bySubset.set(subset, { ids: [], tags: [], boxes: [], masks: [] }).get(subset)!;
    const id = stem(item.name);
    t.ids.push(csv([id, subset, '', '', '', '', '', '', '', '', '', 0]));
    if (item.width && item.height) metaLines.push(`${id} ${item.height} ${item.width}`);
    const frame = objects.get(item.frame) ?? { shapes: [], tags: [] };
    for (const tag of frame.tags) {
      const label = labels.get(tag.label_id);
      t.tags.push(
        csv([id, 'manual', label?.name ?? '', attributeValue(label, tag.attributes, 'score') || 1]),
      );
    }
    for (const [k, s] of frame.shapes.entries()) {
      const label = labels.get(s.label_id);
      const v = (name: string) => attributeValue(label, s.attributes, name);
      if (s.type === 'rectangle') {
        if (!item.width || !item.height)
          throw new FormatError(
            `annotations/${subset}-annotations-bbox.csv`,
            `item "${item.name}" has no width and height`,
            { expected: 'items with known sizes for normalized boxes' },
          );
        const [x1, y1, x2, y2] = s.points;
        const f = (name: string) => (v(name) === undefined ? -1 : isTrue(v(name)) ? 1 : 0);
        t.boxes.push(
          csv([
            id,
            'manual',
            label?.name ?? '',
            v('score') || 1,
            short(x1 / item.width),
            short(x2 / item.width),
            short(y1 / item.height),
            short(y2 / item.height),
            s.occluded ? 1 : 0,
            f('truncated'),
            f('is_group_of'),
            f('is_depiction'),
            f('is_inside'),
          ]),
        );
      } else if (s.type === 'mask' && item.width && item.height) {
        const boxId = v('box_id') || String(k).padStart(8, '0');
        const maskName = `${id}_m${dataset.labels.indexOf(label!)}_${boxId}.png`;
        const bitmap = decodeMaskToImage(s.points, item.width, item.height);
        for (let p = 0; p < bitmap.length; p++) bitmap[p] = bitmap[p] ? 255 : 0;
        await sink.write(
          `masks/${subset}/${maskName}`,
          encodePng({ width: item.width, height: item.height, data: bitmap, channels: 1, depth: 8 }),
        );
        const b = maskBox(s.points);
        t.masks.push(
          csv([
            maskName,
            id,
            label?.name ?? '',
            boxId,
            short(b.left / item.width),
            short((b.right + 1) / item.width),
            short(b.top / item.height),
            short((b.bottom + 1) / item.height),
            v('predicted_iou') ?? '',
            '',
          ]),
        );
      }
    }
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`images/${subset}/${item.name}`, bytes);
    }
  }
  await sink.write('annotations/images.meta', metaLines.join('\n') + (metaLines.length ? '\n' : ''));
  for (const [subset, t] of bySubset) {
    await sink.write(
      `annotations/${subset}-image_ids_and_rotation.csv`,
      [
        'ImageID,Subset,OriginalURL,OriginalLandingURL,License,AuthorProfileURL,Author,Title,OriginalSize,OriginalMD5,Thumbnail300KURL,Rotation',
        ...t.ids,
      ].join('\n') + '\n',
    );
    await sink.write(
      `annotations/${subset}-annotations-human-imagelabels.csv`,
      ['ImageID,Source,LabelName,Confidence', ...t.tags].join('\n') + '\n',
    );
    await sink.write(
      `annotations/${subset}-annotations-bbox.csv`,
      [
        'ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside',
        ...t.boxes,
      ].join('\n') + '\n',
    );
    await sink.write(
      `annotations/${subset}-annotations-object-segmentation.csv`,
      [
        'MaskPath,ImageID,LabelName,BoxID,BoxXMin,BoxXMax,BoxYMin,BoxYMax,PredictedIoU,Clicks',
        ...t.masks,
      ].join('\n') + '\n',
    );
  }
}

export const openImagesCodec: FormatCodec = {
  name: 'Open Images V6',
  version: '1.0',
  id: 'open-images',
  dimension: '2d',
  kinds: ['tag', 'rectangle', 'mask', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    return source.paths().some((p) => /(^|\/)annotations\/[^/]*class-descriptions[^/]*\.csv$/.test(p))
      ? 0.95
      : 0;
  },
  import: importOpenImages,
  export: exportOpenImages,
};
