/**
 * YOLO 1.1 (darknet), as CVAT writes it: `obj.names`, `obj.data`, `train.txt` and
 * `obj_train_data/<image>.txt` with `class cx cy w h` normalized to the image size.
 * Import also takes the loose layouts Datumaro reads: `labels/<subset>/` + `images/<subset>/`
 * and `Annotations/` + `Images/`.
 */
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { basename, dirname, findRoot, isImagePath, joinPath, stem, stripExt } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { textLines } from '../shared-more/text';
import {
  boxFromCenter,
  centerFromBox,
  classLabel,
  exportSizeError,
  imagesByStem,
  parseYoloLines,
  sizeError,
} from './labelFile';

const CONFIG_FILES = new Set(['obj.names', 'obj.data', 'readme.txt']);

interface AnnotationFile {
  path: string;
  subset: string;
  /** Folder of the item names (the image root of this subset). */
  imageFolders: string[];
  /** Item name relative to the image root, without extension. */
  key: string;
}

function annotationFiles(paths: readonly string[]): AnnotationFile[] {
  const out: AnnotationFile[] = [];
  for (const path of paths) {
    if (!path.endsWith('.txt') || CONFIG_FILES.has(basename(path).toLowerCase())) continue;
    const parts = path.split('/');
    const head = parts[0]!;
    const obj = /^obj_(.+)_data$/.exec(head);
    if (obj && parts.length > 1) {
      out.push({ path, subset: obj[1]!, imageFolders: [head], key: stripExt(parts.slice(1).join('/')) });
    } else if (head === 'labels' && parts.length > 2) {
      out.push({
        path,
        subset: parts[1]!,
        imageFolders: [`images/${parts[1]}`],
        key: stripExt(parts.slice(2).join('/')),
      });
    } else if (head === 'Annotations' && parts.length > 1) {
      out.push({
        path,
        subset: '',
        imageFolders: ['Images', 'images'],
        key: stripExt(parts.slice(1).join('/')),
      });
    }
  }
  return out;
}

/** Reads `key = value` lines of obj.data. */
function parseObjData(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of textLines(text, '#')) {
    const eq = line.text.indexOf('=');
    if (eq > 0)
      out.set(
        line.text.slice(0, eq).trim(),
        line.text
          .slice(eq + 1)
          .replace(/#.*/, '')
          .trim(),
      );
  }
  return out;
}

/** `data/obj_train_data/1.jpg` → `obj_train_data/1.jpg`. */
function listEntry(entry: string): string {
  return entry.replace(/^\.?\//, '').replace(/^data\//, '');
}

async function importYolo(input: FileSource, context: ImportContext): Promise<Dataset> {
  const root = findRoot(input.paths(), 'obj.names');
  if (root === null) {
    throw new FormatError('obj.names', 'not found in the archive', {
      expected: 'obj.names with one label name per line',
    });
  }
  const rel = (p: string) => (root ? `${root}/${p}` : p);
  const paths = input
    .paths()
    .filter((p) => root === '' || p.startsWith(`${root}/`))
    .map((p) => (root ? p.slice(root.length + 1) : p));
  const pathSet = new Set(paths);
  const builder = new DatasetBuilder();
  for (const line of textLines(await input.text(rel('obj.names')))) builder.label(line.text, 'rectangle');
  const labels = builder.dataset.labels;

  // Items listed in the subset lists come first, in list order; annotation files add the rest.
  const listed: { subset: string; path: string }[] = [];
  const lists = new Map<string, string>();
  if (pathSet.has('obj.data')) {
    for (const [key, value] of parseObjData(await input.text(rel('obj.data')))) {
      if (key === 'names' || key === 'backup' || key === 'classes') continue;
      lists.set(key, basename(value));
    }
  }
  for (const p of paths)
    if (/^(train|valid|test)\.txt$/.test(p) && ![...lists.values()].includes(p)) lists.set(stem(p), p);
  for (const [, file] of lists) {
    if (!pathSet.has(file)) continue;
    for (const line of textLines(await input.text(rel(file)), '#')) {
      const entry = listEntry(line.text);
      const m = /^obj_(.+)_data\//.exec(entry);
      listed.push({ subset: m ? m[1]! : stem(file), path: entry });
    }
  }

  const images = imagesByStem(paths);
  const sizes = new SizeResolver(input, context);
  const files = annotationFiles(paths);
  const listedNames = new Map<string, string>();
  for (const entry of listed) {
    const folder = dirname(entry.path).split('/')[0]!;
    listedNames.set(
      `${entry.subset}\u0000${stripExt(entry.path.slice(folder.length + 1))}`,
      entry.path.slice(folder.length + 1),
    );
  }
  const itemFor = async (subset: string, folders: string[], key: string, known?: string) => {
    let image: string | undefined;
    let base = folders[0]!;
    if (known && pathSet.has(known)) image = known;
    else {
      for (const folder of folders) {
        const hit = images.get(joinPath(folder, key));
        if (hit) {
          image = hit;
          base = folder;
          break;
        }
      }
    }
    const name = image
      ? image.slice(base.length + 1)
      : known
        ? known.slice(base.length + 1)
        : (listedNames.get(`${subset}\u0000${key}`) ?? key);
    const size = await sizes.size(name, image ? rel(image) : undefined);
    return { item: builder.item(name, subset, size?.width ?? 0, size?.height ?? 0), image: name };
  };
  for (const entry of listed) {
    const folder = dirname(entry.path).split('/')[0]!;
    await itemFor(entry.subset, [folder], stripExt(entry.path.slice(folder.length + 1)), entry.path);
  }
  for (const [index, file] of files.entries()) {
    context.signal?.throwIfAborted();
    const { item, image } = await itemFor(file.subset, file.imageFolders, file.key);
    const lines = parseYoloLines(await input.text(rel(file.path)), file.path);
    if (lines.length > 0 && (!item.width || !item.height)) throw sizeError(file.path, image);
    for (const line of lines) {
      const label = classLabel(labels, line, file.path);
      if (line.values.length !== 4) {
        throw new FormatError(file.path, `${line.values.length + 1} values`, {
          location: `line ${line.n}`,
          expected: '5 values: class cx cy w h',
        });
      }
      const [cx, cy, w, h] = line.values as [number, number, number, number];
      builder.shape({
        type: 'rectangle',
        frame: item.frame,
        label_id: label.id,
        points: boxFromCenter(cx, cy, w, h, item),
      });
    }
    context.progress?.((index + 1) / files.length, file.path);
  }
  return builder.dataset;
}

async function exportYolo(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const classOf = new Map(dataset.labels.map((l, i) => [l.id, i]));
  const objects = objectsByFrame(dataset);
  const subsets = new Map<string, string[]>();
  const files: [string, string | Uint8Array][] = [];
  for (const item of dataset.items) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'train';
    const folder = `obj_${subset}_data`;
    const txt = `${folder}/${stripExt(item.name)}.txt`;
    const lines: string[] = [];
    for (const shape of objects.get(item.frame)?.shapes ?? []) {
      if (shape.type !== 'rectangle') continue;
      if (!item.width || !item.height) throw exportSizeError(txt, item.name);
      lines.push(`${classOf.get(shape.label_id)} ${centerFromBox(shape.points, item)}`);
    }
    files.push([txt, lines.length ? `${lines.join('\n')}\n` : '']);
    const list = subsets.get(subset) ?? [];
    list.push(`data/${folder}/${item.name}`);
    subsets.set(subset, list);
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) files.push([`${folder}/${item.name}`, bytes]);
    }
  }
  await sink.write('obj.names', dataset.labels.map((l) => `${l.name}\n`).join(''));
  const data = [`classes = ${dataset.labels.length}`];
  for (const subset of subsets.keys()) data.push(`${subset} = data/${subset}.txt`);
  data.push('names = data/obj.names', 'backup = backup/');
  await sink.write('obj.data', `${data.join('\n')}\n`);
  for (const [subset, list] of subsets) await sink.write(`${subset}.txt`, `${list.join('\n')}\n`);
  for (const [i, [path, content]] of files.entries()) {
    await sink.write(path, content);
    options.progress?.((i + 1) / files.length, path);
  }
}

export const yoloCodec: FormatCodec = {
  name: 'YOLO',
  version: '1.1',
  id: 'yolo',
  dimension: '2d',
  kinds: ['rectangle', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    const root = findRoot(paths, 'obj.names');
    if (root === null) return 0;
    const inRoot = (p: string) => paths.includes(root ? `${root}/${p}` : p);
    if (inRoot('obj.data')) return 0.95;
    return paths.some((p) => /(^|\/)(obj_[^/]+_data|labels|Annotations)\/.+\.txt$/.test(p) && !isImagePath(p))
      ? 0.7
      : 0.3;
  },
  import: importYolo,
  export: exportYolo,
};
