/**
 * VGGFace2 1.0: `<subset>/<class>/<image>`, `labels.txt` (`n000001 Karl`), and per subset
 * `bb_landmark/loose_bb_<subset>.csv` (`NAME_ID,X,Y,W,H`) and `loose_landmark_<subset>.csv`
 * (5 points). A face's box and landmarks share a group; the class (`n000001`) is the label.
 */
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { extname, isImagePath, stripExt } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { csvField, parseNumber, short, splitCsv, textLines } from '../shared-more/text';

async function readCsv(
  source: FileSource,
  path: string,
  columns: number,
): Promise<{ n: number; id: string; values: number[] }[]> {
  const lines = textLines(await source.text(path));
  return lines.slice(1).map((line) => {
    const cells = splitCsv(line.text);
    if (cells.length !== columns) {
      throw new FormatError(path, `${cells.length} columns`, {
        location: `line ${line.n}`,
        expected: `${columns} columns: ${lines[0]?.text ?? ''}`,
      });
    }
    return {
      n: line.n,
      id: cells[0]!.trim(),
      values: cells.slice(1).map((c, i) => parseNumber(c, path, line.n, `column ${i + 2}`)),
    };
  });
}

async function importVgg(source: FileSource, context: ImportContext): Promise<Dataset> {
  const paths = source.paths();
  const csvs = paths.filter((p) => /(^|\/)bb_landmark\/loose_(bb|landmark)_[^/]+\.csv$/.test(p));
  if (csvs.length === 0) {
    throw new FormatError('bb_landmark', 'has no loose_bb_<subset>.csv or loose_landmark_<subset>.csv', {
      expected: 'bb_landmark/loose_bb_<subset>.csv',
    });
  }
  const root = csvs[0]!.slice(0, csvs[0]!.indexOf('bb_landmark/'));
  const builder = new DatasetBuilder();
  const labelsPath = `${root}labels.txt`;
  if (source.has(labelsPath))
    for (const line of textLines(await source.text(labelsPath)))
      builder.label(line.text.split(/\s+/)[0]!, 'any');
  const sizes = new SizeResolver(source, context);
  const images = new Map(paths.filter(isImagePath).map((p) => [stripExt(p.slice(root.length)), p]));
  let group = 0;
  const groups = new Map<string, number>();
  for (const csv of csvs) {
    const [, kind, subset] = /loose_(bb|landmark)_([^/]+)\.csv$/.exec(csv)!;
    for (const row of await readCsv(source, csv, kind === 'bb' ? 5 : 11)) {
      context.signal?.throwIfAborted();
      const image = images.get(`${subset}/${row.id}`);
      const name = image ? image.slice(root.length + subset!.length + 1) : sizes.nameForKey(row.id, row.id);
      const size = await sizes.size(name, image);
      const item = builder.item(
        name,
        subset === 'default' ? '' : subset!,
        size?.width ?? 0,
        size?.height ?? 0,
      );
      const className = row.id.includes('/') ? row.id.split('/')[0]! : '';
      const label = builder.label(className || 'face', 'any');
      const key = `${subset}\u0000${row.id}`;
      const g = groups.get(key) ?? ++group;
      groups.set(key, g);
      const v = row.values;
      if (kind === 'bb')
        builder.shape({
          type: 'rectangle',
          frame: item.frame,
          label_id: label.id,
          points: [v[0]!, v[1]!, v[0]! + v[2]!, v[1]! + v[3]!],
          group: g,
        });
      else builder.shape({ type: 'points', frame: item.frame, label_id: label.id, points: v, group: g });
    }
  }
  return builder.dataset;
}

async function exportVgg(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l.name]));
  await sink.write('labels.txt', dataset.labels.map((l) => `${l.name} ${l.name}`).join('\n') + '\n');
  const objects = objectsByFrame(dataset);
  const bb = new Map<string, string[]>();
  const lm = new Map<string, string[]>();
  for (const item of dataset.items) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'default';
    const shapes = objects.get(item.frame)?.shapes ?? [];
    const first = shapes.find((s) => s.type === 'rectangle' || s.type === 'points');
    const id = stripExt(item.name).includes('/')
      ? stripExt(item.name)
      : `${first ? labels.get(first.label_id) : 'no_label'}/${stripExt(item.name)}`;
    for (const s of shapes) {
      if (s.type === 'rectangle') {
        const [x1, y1, x2, y2] = s.points;
        (bb.get(subset) ?? bb.set(subset, []).get(subset)!).push(
          [csvField(id), short(x1), short(y1), short(x2 - x1), short(y2 - y1)].join(','),
        );
      } else if (s.type === 'points' && s.points.length === 10) {
        (lm.get(subset) ?? lm.set(subset, []).get(subset)!).push(
          [csvField(id), ...s.points.map((p) => short(p))].join(','),
        );
      }
    }
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`${subset}/${id}${extname(item.name) || '.jpg'}`, bytes);
    }
  }
  const subsets = new Set([...dataset.items.map((i) => i.subset || 'default')]);
  for (const subset of subsets) {
    await sink.write(
      `bb_landmark/loose_bb_${subset}.csv`,
      ['NAME_ID,X,Y,W,H', ...(bb.get(subset) ?? [])].join('\n') + '\n',
    );
    const header = 'NAME_ID,P1X,P1Y,P2X,P2Y,P3X,P3Y,P4X,P4Y,P5X,P5Y';
    await sink.write(
      `bb_landmark/loose_landmark_${subset}.csv`,
      [header, ...(lm.get(subset) ?? [])].join('\n') + '\n',
    );
  }
}

export const vggface2Codec: FormatCodec = {
  name: 'VGGFace2',
  version: '1.0',
  id: 'vggface2',
  dimension: '2d',
  kinds: ['rectangle', 'points', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    return source.paths().some((p) => /(^|\/)bb_landmark\/loose_(bb|landmark)_[^/]+\.csv$/.test(p))
      ? 0.95
      : 0;
  },
  import: importVgg,
  export: exportVgg,
};
