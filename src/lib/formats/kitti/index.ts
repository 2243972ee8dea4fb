/**
 * KITTI 1.0: detection `<subset>/label_2/<name>.txt` lines `type truncated occluded alpha x1 y1
 * x2 y2 h w l x y z ry [score]`, and segmentation `<subset>/instance/<name>.png` (16-bit,
 * `class * 256 + instance`, Cityscapes class ids or `label_colors.txt`), images in
 * `<subset>/image_2/`. Export writes both, plus `semantic/` and `semantic_rgb/`.
 */
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { warningCollector } from '../common/dataset';
import { attributeValue, DatasetBuilder, isTrue } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { basename, isImagePath, stripExt } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { parseNumber, short, textLines } from '../shared-more/text';
import { classTable } from '../cityscapes';
import { importIdMask, renderIdMasks } from '../cityscapes/idmasks';
import { CITYSCAPES_LABELS } from '../cityscapes/labels';

const FILE = /(^|\/)(?:([^/]+)\/)?(label_2|instance)\/([^/]+)\.(txt|png)$/;

async function importKitti(source: FileSource, context: ImportContext): Promise<Dataset> {
  const files = source.paths().filter((p) => FILE.test(p));
  if (files.length === 0) {
    throw new FormatError('archive', 'has no label_2/<name>.txt or instance/<name>.png', {
      expected: '<subset>/label_2/*.txt (detection) or <subset>/instance/*.png (segmentation)',
    });
  }
  const builder = new DatasetBuilder();
  const table = await classTable(source, CITYSCAPES_LABELS);
  const sizes = new SizeResolver(source, context);
  const { warnings, warn } = warningCollector(context);
  const images = new Map(
    source
      .paths()
      .filter((p) => /\/image_2\//.test(p) && isImagePath(p))
      .map((p) => [stripExt(p.replace('/image_2/', '/')), p]),
  );
  for (const path of files) {
    context.signal?.throwIfAborted();
    const m = FILE.exec(path)!;
    const [, , subsetRaw, kind, id, ext] = m;
    if ((kind === 'label_2') !== (ext === 'txt')) continue;
    const dir = path.slice(0, path.length - `${kind}/${id}.${ext}`.length);
    const image = images.get(`${dir}${id}`);
    const name = image ? basename(image) : sizes.nameFor(id!, id!);
    const size = await sizes.size(name, image);
    const item = builder.item(
      name,
      !subsetRaw || subsetRaw === 'default' ? '' : subsetRaw,
      size?.width ?? 0,
      size?.height ?? 0,
    );
    const rel = path.slice(dir.length - (subsetRaw ? subsetRaw.length + 1 : 0));
    if (kind === 'instance') {
      await importIdMask(await source.read(path), rel, item, 256, table, builder, warn);
      continue;
    }
    for (const line of textLines(await source.text(path))) {
      const t = line.text.split(/\s+/);
      if (t.length < 8)
        throw new FormatError(rel, `${t.length} fields`, {
          location: `line ${line.n}`,
          expected: 'type truncated occluded alpha x1 y1 x2 y2 (and the 3D fields)',
        });
      const num = (i: number, field: string) => parseNumber(t[i], rel, line.n, field);
      const label = builder.label(t[0]!, 'rectangle');
      const truncated = num(1, 'truncated');
      const occluded = num(2, 'occluded');
      const attributes = [
        builder.value(label, 'truncated', String(truncated > 0.5), { input_type: 'checkbox' }),
      ];
      if (t.length > 15)
        attributes.push(
          builder.value(label, 'score', String(num(15, 'score')), {
            input_type: 'number',
            values: ['0', '1', '0.01'],
            default_value: '1',
          }),
        );
      builder.shape({
        type: 'rectangle',
        frame: item.frame,
        label_id: label.id,
        points: [num(4, 'x1'), num(5, 'y1'), num(6, 'x2'), num(7, 'y2')],
        occluded: occluded > 0,
        attributes,
      });
    }
  }
  if (warnings.length) builder.dataset.meta.warnings = warnings;
  return builder.dataset;
}

async function exportKitti(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const standard = new Map(CITYSCAPES_LABELS.map(([n], i) => [n, i]));
  const useStandard = dataset.labels.every((l) => standard.has(l.name));
  const table: [string, string][] = useStandard
    ? [...CITYSCAPES_LABELS]
    : [['background', '#000000'], ...dataset.labels.map((l) => [l.name, l.color] as [string, string])];
  const classOf = new Map(dataset.labels.map((l) => [l.id, table.findIndex(([n]) => n === l.name)]));
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)).join(' ');
  await sink.write('label_colors.txt', table.map(([n, c]) => `${hex(c)} ${n}`).join('\n') + '\n');
  await sink.write('labels.txt', dataset.labels.map((l) => `${l.name}\n`).join(''));
  const objects = objectsByFrame(dataset);
  for (const item of dataset.items) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    const id = stripExt(basename(item.name));
    const shapes = objects.get(item.frame)?.shapes ?? [];
    const lines = shapes
      .filter((s) => s.type === 'rectangle')
      .map((s) => {
        const label = labels.get(s.label_id);
        const truncated = isTrue(attributeValue(label, s.attributes, 'truncated')) ? '1.0' : '0.0';
        const score = attributeValue(label, s.attributes, 'score');
        const box = s.points.map((v) => short(v, 2)).join(' ');
        return `${label?.name.replace(/\s/g, '_')} ${truncated} ${s.occluded ? 1 : 0} -10 ${box} -1 -1 -1 -1000 -1000 -1000 -10${score ? ` ${score}` : ''}`;
      });
    await sink.write(`${subset}/label_2/${id}.txt`, lines.join('\n') + (lines.length ? '\n' : ''));
    const painted = shapes.filter((s) => ['mask', 'polygon', 'ellipse'].includes(s.type));
    if (painted.length) {
      if (!item.width || !item.height)
        throw new FormatError(`${subset}/instance/${id}.png`, `item "${item.name}" has no width and height`, {
          expected: 'items with known sizes to draw masks',
        });
      const images = renderIdMasks(item, painted, labels, classOf, 256);
      await sink.write(`${subset}/instance/${id}.png`, images.instance);
      await sink.write(`${subset}/semantic/${id}.png`, images.classIds);
      await sink.write(`${subset}/semantic_rgb/${id}.png`, images.color);
    }
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`${subset}/image_2/${basename(item.name)}`, bytes);
    }
  }
}

export const kittiCodec: FormatCodec = {
  name: 'KITTI',
  version: '1.0',
  id: 'kitti',
  dimension: '2d',
  kinds: ['rectangle', 'mask', 'polygon', 'ellipse', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    return source.paths().some((p) => /(^|\/)(label_2\/[^/]+\.txt|instance\/[^/]+\.png)$/.test(p)) ? 0.9 : 0;
  },
  import: importKitti,
  export: exportKitti,
};
