/**
 * ICDAR 13/15, three tasks, everything labelled `icdar`:
 * - Recognition: `word_recognition/<subset>/gt.txt` lines `word_1.png, "TEXT"` → a tag with
 *   `caption`;
 * - Localization: `text_localization/<subset>/gt_<image>.txt`, `x1,y1,…,x4,y4,"TEXT"` (a
 *   polygon) or `xmin ymin xmax ymax "TEXT"` (a box), with `text`;
 * - Segmentation: `text_segmentation/<subset>/<n>_GT.txt` lines `R G B cx cy x1 y1 x2 y2 "c"`,
 *   words separated by blank lines (one group per word), and `<n>_GT.bmp` whose pixels of each
 *   colour are that character's mask (the samples store a PNG under that name; white is
 *   background).
 */
import type { AttributeValue, LabelSpec, Shape } from '../../core/types';
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { attributeValue, DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { maskBox } from '../../core/mask';
import { isImagePath, stem, stripExt } from '../shared-more/paths';
import { decodeKeys, encodeRgb, keyToRgb, rgbKey } from '../shared-more/png';
import { paintShapes, regions } from '../shared-more/raster';
import { SizeResolver } from '../shared-more/sizes';
import { parseNumber, short } from '../shared-more/text';

const LABEL = 'icdar';
const WHITE = rgbKey(255, 255, 255);

type Task = 'recognition' | 'localization' | 'segmentation';
const FOLDER: Record<Task, string> = {
  recognition: 'word_recognition',
  localization: 'text_localization',
  segmentation: 'text_segmentation',
};

/**
 * An ICDAR15 line without quotes: `x1,y1,…,x4,y4,free text, maybe with commas` (or ICDAR13's
 * `xmin ymin xmax ymax text`): 8 (or 4) leading numbers, then the text.
 */
function splitUnquoted(line: string): { fields: string[]; text: string | undefined } {
  const comma = line.includes(',');
  const tokens = comma ? line.split(',') : line.trim().split(/\s+/);
  let n = 0;
  while (n < tokens.length && n < 8 && tokens[n]!.trim() !== '' && Number.isFinite(Number(tokens[n]))) n++;
  if (n !== 8) n = Math.min(n, 4);
  const rest = tokens
    .slice(n)
    .join(comma ? ',' : ' ')
    .trim();
  return { fields: tokens.slice(0, n).map((t) => t.trim()), text: rest === '' ? undefined : rest };
}

/** `a, b,"quoted, text"` → fields; the quoted text keeps commas and spaces. */
function splitIcdar(line: string): { fields: string[]; text: string | undefined } {
  const q = line.indexOf('"');
  const head = q >= 0 ? line.slice(0, q) : line;
  const text =
    q >= 0
      ? line.slice(q + 1, line.lastIndexOf('"') > q ? line.lastIndexOf('"') : undefined).replace(/\\"/g, '"')
      : undefined;
  return { fields: head.split(/[\s,]+/).filter(Boolean), text };
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** Subset folders of a task: `<task>/<subset>/…` (or the archive root when the task folder is absent). */
function subsetDirs(paths: readonly string[], task: Task, marker: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of paths) {
    if (!marker.test(p)) continue;
    const parts = p.split('/');
    const i = parts.indexOf(FOLDER[task]);
    const dir = parts.slice(0, -1).join('/');
    const subset = i >= 0 ? (parts.length - i > 2 ? parts[i + 1]! : '') : (parts.at(-2) ?? '');
    out.set(dir, subset === 'default' ? '' : subset);
  }
  return out;
}

async function importIcdar(task: Task, source: FileSource, context: ImportContext): Promise<Dataset> {
  const paths = source.paths();
  const marker =
    task === 'recognition'
      ? /(^|\/)gt\.txt$/
      : task === 'localization'
        ? /(^|\/)gt_[^/]+\.txt$/
        : /(^|\/)[^/]+_GT\.txt$/;
  const dirs = subsetDirs(paths, task, marker);
  if (dirs.size === 0) {
    const expected = {
      recognition: 'word_recognition/<subset>/gt.txt',
      localization: 'text_localization/<subset>/gt_<image>.txt',
      segmentation: 'text_segmentation/<subset>/<image>_GT.txt',
    }[task];
    throw new FormatError(FOLDER[task], 'no annotation files found', { expected });
  }
  const builder = new DatasetBuilder();
  const label = builder.label(LABEL, task === 'recognition' ? 'tag' : 'any');
  const sizes = new SizeResolver(source, context);
  const text = (l: LabelSpec, name: string, value: string) =>
    builder.value(l, name, value, { input_type: 'text', values: [] });
  let group = 0;
  for (const [dir, subset] of dirs) {
    const at = (p: string) => (dir ? `${dir}/${p}` : p);
    const images = new Map(
      paths
        .filter((p) => p.startsWith(at('images/')) && isImagePath(p))
        .map((p) => [stripExt(p.slice(at('images/').length)), p]),
    );
    const itemFor = async (name: string) => {
      const image = images.get(stripExt(name));
      const size = await sizes.size(name, image);
      return builder.item(
        image ? image.slice(at('images/').length) : sizes.nameFor(stem(name), name),
        subset,
        size?.width ?? 0,
        size?.height ?? 0,
      );
    };
    for (const file of paths.filter(
      (p) => p.startsWith(at('')) && !p.slice(at('').length).includes('/') && marker.test(p),
    )) {
      context.signal?.throwIfAborted();
      const rel = file.slice(dir ? dir.length + 1 : 0);
      const lines = (await source.text(file)).split(/\r?\n/);
      if (task === 'recognition') {
        for (const [n, raw] of lines.entries()) {
          if (raw.trim() === '') continue;
          const comma = raw.indexOf(',');
          if (comma < 0)
            throw new FormatError(rel, 'no comma after the image name', {
              location: `line ${n + 1}`,
              expected: 'word_1.png, "TEXT"',
            });
          const item = await itemFor(raw.slice(0, comma).trim());
          const caption = splitIcdar(raw.slice(comma + 1)).text ?? raw.slice(comma + 1).trim();
          builder.tag(item.frame, label.id, [text(label, 'caption', caption)]);
        }
        continue;
      }
      const imageStem = task === 'localization' ? stem(rel).slice(3) : stem(rel).slice(0, -3);
      const item = await itemFor(
        images.has(imageStem) ? images.get(imageStem)!.slice(at('images/').length) : imageStem,
      );
      if (task === 'localization') {
        for (const [n, raw] of lines.entries()) {
          if (raw.trim() === '') continue;
          const { fields, text: t } = raw.includes('"') ? splitIcdar(raw) : splitUnquoted(raw);
          const nums = fields.map((f, i) => parseNumber(f, rel, n + 1, `value ${i + 1}`));
          const attributes = t === undefined ? [] : [text(label, 'text', t)];
          if (nums.length === 8)
            builder.shape({
              type: 'polygon',
              frame: item.frame,
              label_id: label.id,
              points: nums,
              attributes,
            });
          else if (nums.length === 4)
            builder.shape({
              type: 'rectangle',
              frame: item.frame,
              label_id: label.id,
              points: nums as [number, number, number, number],
              attributes,
            });
          else
            throw new FormatError(rel, `${nums.length} numbers`, {
              location: `line ${n + 1}`,
              expected: '8 numbers (a quadrilateral) or 4 (xmin ymin xmax ymax), then "text"',
            });
        }
        continue;
      }
      // Segmentation: colours in the GT image; each blank line starts a new word.
      const bmp = `${stripExt(file)}.bmp`;
      const maskImage = source.has(bmp)
        ? decodeKeys(await source.read(bmp), bmp.slice(dir ? dir.length + 1 : 0))
        : undefined;
      if (maskImage)
        [item.width, item.height] = [item.width || maskImage.width, item.height || maskImage.height];
      const masks = maskImage
        ? regions(maskImage.keys, maskImage.width, maskImage.height, (k) => k === WHITE || k === 0)
        : new Map<number, number[]>();
      let word = ++group;
      let index = 0;
      for (const [n, raw] of lines.entries()) {
        if (raw.trim() === '') {
          if (index > 0) word = ++group;
          continue;
        }
        const { fields, text: t } = splitIcdar(raw);
        if (fields.length !== 9)
          throw new FormatError(rel, `${fields.length} numbers`, {
            location: `line ${n + 1}`,
            expected: 'R G B cx cy x1 y1 x2 y2 "char"',
          });
        const v = fields.map((f, i) => parseNumber(f, rel, n + 1, `value ${i + 1}`));
        const attributes: AttributeValue[] = [
          text(label, 'index', String(index++)),
          text(label, 'color', `${v[0]} ${v[1]} ${v[2]}`),
          text(label, 'center', `${v[3]} ${v[4]}`),
        ];
        if (t !== undefined) attributes.push(text(label, 'text', t));
        const mask = masks.get(rgbKey(v[0]!, v[1]!, v[2]!));
        if (mask)
          builder.shape({
            type: 'mask',
            frame: item.frame,
            label_id: label.id,
            points: mask,
            attributes,
            group: word,
          });
        else
          builder.shape({
            type: 'rectangle',
            frame: item.frame,
            label_id: label.id,
            points: [v[5]!, v[6]!, v[7]!, v[8]!],
            attributes,
            group: word,
          });
      }
    }
  }
  return builder.dataset;
}

async function exportIcdar(
  task: Task,
  dataset: Dataset,
  sink: FileSink,
  options: ExportOptions,
): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const objects = objectsByFrame(dataset);
  const recognition = new Map<string, string[]>();
  for (const [i, item] of dataset.items.entries()) {
    options.signal?.throwIfAborted();
    const dir = `${FOLDER[task]}/${item.subset || 'default'}`;
    const frame = objects.get(item.frame) ?? { shapes: [], tags: [] };
    const value = (o: { label_id: string; attributes: AttributeValue[] }, name: string) =>
      attributeValue(labels.get(o.label_id), o.attributes, name);
    if (task === 'recognition') {
      const lines = recognition.get(dir) ?? recognition.set(dir, []).get(dir)!;
      for (const tag of frame.tags) lines.push(`${item.name}, ${quote(value(tag, 'caption') ?? '')}`);
    } else if (task === 'localization') {
      const lines: string[] = [];
      for (const s of frame.shapes) {
        const t = quote(value(s, 'text') ?? '');
        if (s.type === 'rectangle') lines.push(`${s.points.map((v) => short(v, 2)).join(' ')} ${t}`);
        else if (s.type === 'polygon') lines.push(`${s.points.map((v) => short(v, 2)).join(',')},${t}`);
      }
      await sink.write(`${dir}/gt_${stripExt(item.name)}.txt`, lines.join('\n') + (lines.length ? '\n' : ''));
    } else {
      const shapes = frame.shapes.filter((s): s is Shape =>
        ['mask', 'rectangle', 'polygon'].includes(s.type),
      );
      const lines: string[] = [];
      let lastGroup: number | undefined;
      const colors: number[] = [];
      for (const [k, s] of shapes.entries()) {
        const given = (value(s, 'color') ?? '').split(/\s+/).map(Number);
        const color =
          given.length === 3 && given.every((c) => Number.isInteger(c) && c >= 0 && c < 256)
            ? rgbKey(given[0]!, given[1]!, given[2]!)
            : rgbKey((k * 67) % 250, (k * 151) % 250, (k * 37 + 90) % 250);
        colors.push(color);
        const box =
          s.type === 'mask'
            ? (({ left, top, right, bottom }) => [left, top, right, bottom])(maskBox(s.points))
            : s.type === 'rectangle'
              ? s.points
              : [
                  Math.min(...s.points.filter((_, j) => j % 2 === 0)),
                  Math.min(...s.points.filter((_, j) => j % 2 === 1)),
                  Math.max(...s.points.filter((_, j) => j % 2 === 0)),
                  Math.max(...s.points.filter((_, j) => j % 2 === 1)),
                ];
        const center =
          value(s, 'center') || `${short((box[0]! + box[2]!) / 2, 1)} ${short((box[1]! + box[3]!) / 2, 1)}`;
        if (lastGroup !== undefined && (s.group === 0 || s.group !== lastGroup)) lines.push('');
        lastGroup = s.group;
        lines.push(
          `${keyToRgb(color).join(' ')} ${center} ${box.map((v) => short(v, 2)).join(' ')} ${quote(value(s, 'text') ?? '')}`,
        );
      }
      await sink.write(`${dir}/${stripExt(item.name)}_GT.txt`, lines.join('\n') + (lines.length ? '\n' : ''));
      if (item.width && item.height && shapes.length) {
        const keys = new Uint32Array(item.width * item.height).fill(WHITE);
        paintShapes(shapes, item.width, item.height, keys, (_s, k) => colors[k]!);
        await sink.write(`${dir}/${stripExt(item.name)}_GT.bmp`, encodeRgb(item.width, item.height, keys));
      }
    }
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`${dir}/images/${item.name}`, bytes);
    }
    options.progress?.((i + 1) / dataset.items.length, item.name);
  }
  for (const [dir, lines] of recognition) await sink.write(`${dir}/gt.txt`, `${lines.join('\n')}\n`);
}

function icdarCodec(task: Task, name: string, kinds: FormatCodec['kinds']): FormatCodec {
  const marker =
    task === 'recognition'
      ? /(^|\/)word_recognition\/|(^|\/)gt\.txt$/
      : task === 'localization'
        ? /(^|\/)gt_[^/]+\.txt$/
        : /(^|\/)[^/]+_GT\.txt$/;
  return {
    name,
    version: '1.0',
    id: `icdar-${task}`,
    dimension: '2d',
    kinds,
    importExtensions: ['zip'],
    async detect(source) {
      const paths = source.paths();
      if (paths.some((p) => p.includes(`${FOLDER[task]}/`))) return 0.95;
      return paths.some((p) => marker.test(p)) ? 0.4 : 0;
    },
    import: (source, context) => importIcdar(task, source, context),
    export: (dataset, sink, options) => exportIcdar(task, dataset, sink, options),
  };
}

export const icdarRecognitionCodec = icdarCodec('recognition', 'ICDAR Recognition', ['tag']);
export const icdarLocalizationCodec = icdarCodec('localization', 'ICDAR Localization', [
  'rectangle',
  'polygon',
  'track',
]);
export const icdarSegmentationCodec = icdarCodec('segmentation', 'ICDAR Segmentation', [
  'mask',
  'rectangle',
  'polygon',
  'track',
]);
export const ICDAR_CODECS: FormatCodec[] = [
  icdarRecognitionCodec,
  icdarLocalizationCodec,
  icdarSegmentationCodec,
];
