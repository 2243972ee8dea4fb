/**
 * The Ultralytics YOLO dataset layout: `data.yaml` (names, kpt_shape, subset paths) with
 * `images/<subset>/` and `labels/<subset>/` (CVAT, Ultralytics) or `<subset>/images/` and
 * `<subset>/labels/` (Roboflow). Label files are found by folder, not by the YAML paths, which
 * exporters often get wrong (`val: ../valid/images` next to a `val/` folder).
 */
import { parse as parseYaml } from 'yaml';
import type { FileSource } from '../types';
import { FormatError } from '../types';
import { basename, dirname, findRoot, isImagePath, stem, stripExt } from '../shared-more/paths';
import { textLines } from '../shared-more/text';

export interface UltralyticsConfig {
  /** Class names by 0-based id; gaps are empty strings. */
  names: string[];
  /** `[points, values per point]` for pose datasets. */
  kptShape?: [number, number];
  /** Keypoint names per class (X-AnyLabeling's `pose_classes.yaml`). */
  keypointNames?: Map<string, string[]>;
  /** The file the names came from. */
  file: string;
  /** Subset lists (`train: train.txt` or a list of images): image paths by subset. */
  lists: Map<string, string[]>;
}

export interface LabelFileEntry {
  path: string;
  subset: string;
  /** The image path when one is in the archive. */
  image?: string;
  /** Item name: the image's name inside its subset folder, or the label file's stem. */
  name: string;
}

export interface UltralyticsLayout {
  root: string;
  config: UltralyticsConfig;
  labels: LabelFileEntry[];
  /** Images without a label file (items with no objects). */
  bare: { path: string; subset: string; name: string }[];
}

const CONFIG_NAMES = ['data.yaml', 'dataset.yaml', 'data.yml'];

function namesFrom(value: unknown, file: string): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v));
  if (value && typeof value === 'object') {
    const out: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const id = Number(k);
      if (!Number.isInteger(id) || id < 0) {
        throw new FormatError(file, `names key "${k}"`, {
          location: 'names',
          expected: 'a class id (0, 1, …)',
        });
      }
      out[id] = String(v);
    }
    return Array.from(out, (v) => v ?? '');
  }
  throw new FormatError(file, 'names is missing or not a list', {
    location: 'names',
    expected: 'a list of class names or a map from class id to name',
  });
}

function yamlObject(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new FormatError(file, `is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new FormatError(file, 'is not a YAML mapping', { expected: 'keys such as names and train' });
  }
  return doc as Record<string, unknown>;
}

async function readConfig(source: FileSource, root: string): Promise<UltralyticsConfig | null> {
  const at = (p: string) => (root ? `${root}/${p}` : p);
  // data.yaml, else any YAML at the root with `names` (Ultralytics names them after the dataset: coco8.yaml).
  const named = source
    .paths()
    .filter((p) => p.startsWith(at('')) && !p.slice(at('').length).includes('/') && /\.ya?ml$/.test(p))
    .map((p) => p.slice(at('').length))
    .filter((p) => !CONFIG_NAMES.includes(p) && p !== 'pose_classes.yaml');
  const candidates = [...CONFIG_NAMES, ...named];
  for (const name of candidates) {
    if (!source.has(at(name))) continue;
    if (!CONFIG_NAMES.includes(name) && !/^names\s*:/m.test(await source.text(at(name)))) continue;
    const doc = yamlObject(await source.text(at(name)), name);
    const lists = new Map<string, string[]>();
    for (const [key, value] of Object.entries(doc)) {
      if (['path', 'names', 'nc', 'kpt_shape', 'flip_idx', 'download'].includes(key)) continue;
      if (Array.isArray(value)) lists.set(key, value.map(String));
      else if (typeof value === 'string' && value.endsWith('.txt')) {
        const file = at(value.replace(/^\.?\//, ''));
        if (source.has(file))
          lists.set(
            key,
            textLines(await source.text(file)).map((l) => l.text),
          );
      }
    }
    const config: UltralyticsConfig = { names: namesFrom(doc.names, name), file: name, lists };
    if (doc.kpt_shape !== undefined) {
      const k = doc.kpt_shape;
      if (
        !Array.isArray(k) ||
        k.length !== 2 ||
        !k.every((v) => Number.isInteger(v)) ||
        (k[1] !== 2 && k[1] !== 3)
      ) {
        throw new FormatError(name, `kpt_shape is ${JSON.stringify(k)}`, {
          location: 'kpt_shape',
          expected: '[number of points, 2 or 3]',
        });
      }
      config.kptShape = [k[0] as number, k[1] as number];
    }
    return config;
  }
  // X-AnyLabeling writes classes.txt, and pose_classes.yaml for keypoint names.
  if (source.has(at('pose_classes.yaml'))) {
    const doc = yamlObject(await source.text(at('pose_classes.yaml')), 'pose_classes.yaml');
    const classes = doc.classes as Record<string, unknown> | undefined;
    if (!classes || typeof classes !== 'object') {
      throw new FormatError('pose_classes.yaml', 'classes is missing', {
        expected: 'a map from class to keypoint names',
      });
    }
    const keypointNames = new Map(
      Object.entries(classes).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : []]),
    );
    return { names: [...keypointNames.keys()], keypointNames, file: 'pose_classes.yaml', lists: new Map() };
  }
  if (source.has(at('classes.txt'))) {
    return {
      names: textLines(await source.text(at('classes.txt'))).map((l) => l.text),
      file: 'classes.txt',
      lists: new Map(),
    };
  }
  return null;
}

/** The dataset root: the folder with data.yaml (or classes.txt) closest to the archive root. */
export function findUltralyticsRoot(paths: readonly string[]): string | null {
  for (const marker of [...CONFIG_NAMES, 'pose_classes.yaml', 'classes.txt']) {
    const root = findRoot(paths, marker);
    if (root !== null) return root;
  }
  const yaml = paths.filter((p) => /\.ya?ml$/.test(p));
  if (yaml.length > 0) return yaml.map((p) => dirname(p)).sort((a, b) => a.length - b.length)[0]!;
  return null;
}

/** Splits `labels/train/a/1.txt` or `train/labels/1.txt` into subset and relative name. */
function splitLabelPath(path: string): { subset: string; rel: string; imageDir: string } | null {
  const parts = path.split('/');
  const i = parts.indexOf('labels');
  if (i < 0) return null;
  if (i === 0) {
    if (parts.length === 2) return { subset: '', rel: parts[1]!, imageDir: 'images' };
    return { subset: parts[1]!, rel: parts.slice(2).join('/'), imageDir: `images/${parts[1]}` };
  }
  const before = parts.slice(0, i).join('/');
  return { subset: parts[i - 1]!, rel: parts.slice(i + 1).join('/'), imageDir: `${before}/images` };
}

function splitImagePath(path: string): { subset: string; rel: string } | null {
  const parts = path.split('/');
  const i = parts.indexOf('images');
  if (i < 0) return null;
  if (i === 0)
    return parts.length === 2
      ? { subset: '', rel: parts[1]! }
      : { subset: parts[1]!, rel: parts.slice(2).join('/') };
  return { subset: parts[i - 1]!, rel: parts.slice(i + 1).join('/') };
}

export async function readLayout(source: FileSource): Promise<UltralyticsLayout> {
  const root = findUltralyticsRoot(source.paths());
  if (root === null) {
    throw new FormatError('data.yaml', 'not found in the archive', {
      expected: 'data.yaml with names (and kpt_shape for pose) next to images/ and labels/',
    });
  }
  const config = await readConfig(source, root);
  if (!config) {
    throw new FormatError('data.yaml', 'no YAML file here lists the class names', {
      expected: 'data.yaml with names',
    });
  }
  const paths = source
    .paths()
    .filter((p) => root === '' || p.startsWith(`${root}/`))
    .map((p) => (root ? p.slice(root.length + 1) : p));
  const imageByStem = new Map<string, string>();
  for (const p of paths) if (isImagePath(p)) imageByStem.set(stripExt(p), p);
  // Names from the subset lists, for label files whose images are not in the archive.
  const listed = new Map<string, string>();
  for (const entries of config.lists.values()) {
    for (const entry of entries) {
      const split = splitImagePath(entry.replace(/^(\.\.?\/)+/, '').replace(/^data\//, ''));
      if (split) listed.set(`${split.subset}\u0000${stripExt(split.rel)}`, split.rel);
    }
  }
  const labels: LabelFileEntry[] = [];
  const used = new Set<string>();
  for (const p of paths) {
    if (!p.endsWith('.txt') || dirname(p) === '') continue;
    const split = splitLabelPath(p);
    if (!split) continue;
    const image = imageByStem.get(`${split.imageDir}/${stripExt(split.rel)}`);
    if (image) used.add(image);
    labels.push({
      path: p,
      subset: split.subset,
      image,
      name: image
        ? image.slice(split.imageDir.length + 1)
        : (listed.get(`${split.subset}\u0000${stripExt(split.rel)}`) ?? stripExt(split.rel)),
    });
  }
  const bare: UltralyticsLayout['bare'] = [];
  for (const p of paths) {
    if (!isImagePath(p) || used.has(p)) continue;
    const split = splitImagePath(p);
    if (split) bare.push({ path: p, subset: split.subset, name: split.rel });
  }
  return { root, config, labels, bare };
}

const SUBSET_DIRS = /^(train|val|valid|validation|test|default)$/i;

/**
 * Images of the classification layout: `<subset>/<class>/<image>`, or `<class>/<image>` when
 * the top folders are not subset names (an archive zipped from inside one subset).
 */
export function classificationImages(
  paths: readonly string[],
): { path: string; subset: string; label: string; name: string }[] {
  const images = paths.filter(isImagePath);
  const withSubsets =
    images.some((p) => p.split('/').length >= 3) || images.every((p) => SUBSET_DIRS.test(p.split('/')[0]!));
  return images
    .filter((p) => p.includes('/'))
    .map((p) => {
      const parts = p.split('/');
      if (!withSubsets)
        return { path: p, subset: '', label: parts.length > 1 ? parts[0]! : '', name: basename(p) };
      if (parts.length === 2) return { path: p, subset: parts[0]!, label: '', name: parts[1]! };
      return {
        path: p,
        subset: parts[parts.length - 3]!,
        label: parts[parts.length - 2]!,
        name: basename(p),
      };
    });
}

export { stem };
