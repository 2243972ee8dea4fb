/**
 * WIDER Face 1.0: `wider_face_split/wider_face_<subset>_bbx_gt.txt` (an image path, a count,
 * then `x y w h blur expression illumination occluded pose invalid` per face, in CVAT's and
 * Datumaro's column order) and `WIDER_<subset>/images/<i>--<event>/<image>`. Faces are boxes
 * labelled `face` (or the label named at the line's end); the event folder is an image tag.
 */
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { attributeValue, DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { SizeResolver } from '../shared-more/sizes';
import { parseIndex, parseNumber, short, textLines } from '../shared-more/text';

const FLAGS = ['blur', 'expression', 'illumination', 'occluded', 'pose', 'invalid'] as const;

async function importWider(source: FileSource, context: ImportContext): Promise<Dataset> {
  const files = source.paths().filter((p) => /(^|\/)wider_face_split\/wider_face_[^/]+_bbx_gt\.txt$/.test(p));
  if (files.length === 0) {
    throw new FormatError('wider_face_split', 'has no wider_face_<subset>_bbx_gt.txt', {
      expected: 'wider_face_split/wider_face_<subset>_bbx_gt.txt',
    });
  }
  const builder = new DatasetBuilder();
  const sizes = new SizeResolver(source, context);
  for (const path of files) {
    const root = path.slice(0, path.indexOf('wider_face_split/'));
    const subset = /wider_face_([^/]+)_bbx_gt\.txt$/.exec(path)![1]!;
    const file = path.slice(root.length);
    const lines = textLines(await source.text(path));
    for (let i = 0; i < lines.length;) {
      context.signal?.throwIfAborted();
      const name = lines[i]!.text;
      if (!/\.\w+$/.test(name))
        throw new FormatError(file, `"${name}" is not an image path`, {
          location: `line ${lines[i]!.n}`,
          expected: 'an image path such as 0--Parade/0_Parade_image_01.jpg',
        });
      const countLine = lines[i + 1];
      const count = parseIndex(countLine?.text, file, countLine?.n ?? lines[i]!.n + 1, 'face count');
      const image = `${root}WIDER_${subset}/images/${name}`;
      const size = await sizes.size(name, image);
      const item = builder.item(
        name,
        subset === 'default' ? '' : subset,
        size?.width ?? 0,
        size?.height ?? 0,
      );
      const event = /^\d+--([^/]+)\//.exec(name)?.[1];
      if (event) builder.tag(item.frame, builder.label(event, 'tag').id);
      // An image without faces is written with count 0 and one line of zeros.
      const rows =
        count === 0 &&
        lines[i + 2] &&
        /^[\d\s.-]+$/.test(lines[i + 2]!.text) &&
        lines[i + 2]!.text.split(/\s+/).length >= 4
          ? 1
          : count;
      for (let k = 0; k < rows && count > 0; k++) {
        const line = lines[i + 2 + k];
        if (!line)
          throw new FormatError(file, `the file ends after ${k} of ${count} faces of "${name}"`, {
            expected: `${count} face lines`,
          });
        const t = line.text.split(/\s+/);
        if (t.length < 4)
          throw new FormatError(file, `${t.length} values`, {
            location: `line ${line.n}`,
            expected: 'x y w h followed by 6 flags',
          });
        const [x, y, w, h] = t
          .slice(0, 4)
          .map((v, j) => parseNumber(v, file, line.n, ['x', 'y', 'w', 'h'][j]!));
        const labelName = t.length === 5 || t.length === 11 ? t[t.length - 1]! : 'face';
        const label = builder.label(labelName, 'rectangle');
        const attributes = [];
        let occluded = false;
        for (const [j, flag] of FLAGS.entries()) {
          const v = t[4 + j];
          if (v === undefined || v === '-' || t.length === 5) continue;
          if (flag === 'occluded') occluded = v !== '0';
          else
            attributes.push(
              builder.value(label, flag, v, { input_type: 'text', values: [], default_value: '0' }),
            );
        }
        builder.shape({
          type: 'rectangle',
          frame: item.frame,
          label_id: label.id,
          points: [x!, y!, x! + w!, y! + h!],
          occluded,
          attributes,
        });
      }
      i += 2 + rows;
    }
  }
  return builder.dataset;
}

async function exportWider(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const objects = objectsByFrame(dataset);
  const out = new Map<string, string[]>();
  for (const item of dataset.items) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    const lines = out.get(subset) ?? out.set(subset, []).get(subset)!;
    const tag = objects.get(item.frame)?.tags[0];
    const event = tag ? labels.get(tag.label_id)?.name : undefined;
    const index = event
      ? dataset.labels
          .filter((l) => l.type === 'tag' || dataset.tags.some((t) => t.label_id === l.id))
          .findIndex((l) => l.name === event)
      : -1;
    const name = item.name.includes('/') || !event ? item.name : `${index}--${event}/${item.name}`;
    const boxes = (objects.get(item.frame)?.shapes ?? []).filter((s) => s.type === 'rectangle');
    lines.push(name, String(boxes.length));
    for (const s of boxes) {
      const label = labels.get(s.label_id);
      const [x1, y1, x2, y2] = s.points;
      const flags = FLAGS.map((f) =>
        f === 'occluded' ? (s.occluded ? '1' : '0') : (attributeValue(label, s.attributes, f) ?? '0'),
      );
      const tail = label && label.name !== 'face' ? ` ${label.name}` : '';
      lines.push(`${[x1, y1, x2 - x1, y2 - y1].map((v) => short(v, 2)).join(' ')} ${flags.join(' ')}${tail}`);
    }
    if (boxes.length === 0) lines.push('0 0 0 0 0 0 0 0 0 0');
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`WIDER_${subset}/images/${name}`, bytes);
    }
  }
  await sink.write('labels.txt', dataset.labels.map((l) => `${l.name}\n`).join(''));
  for (const [subset, lines] of out)
    await sink.write(`wider_face_split/wider_face_${subset}_bbx_gt.txt`, `${lines.join('\n')}\n`);
}

export const widerfaceCodec: FormatCodec = {
  name: 'WiderFace',
  version: '1.0',
  id: 'widerface',
  dimension: '2d',
  kinds: ['rectangle', 'tag', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    return source.paths().some((p) => /(^|\/)wider_face_split\/wider_face_[^/]+_bbx_gt\.txt$/.test(p))
      ? 0.95
      : 0;
  },
  import: importWider,
  export: exportWider,
};
