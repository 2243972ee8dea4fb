/**
 * Ultralytics YOLO: detection, segmentation, pose, oriented boxes, classification and
 * detection with track ids, as CVAT names them ("Ultralytics YOLO Detection 1.0", …).
 * Label files hold `class …` lines with coordinates normalized to the image size, so import
 * needs sizes: from images in the archive, or from the target task's frames.
 */
import { stringify as toYaml } from 'yaml';
import { maskToPolygons } from '../../core/mask';
import type { LabelSpec, Shape, SkeletonShape, TrackedShape } from '../../core/types';
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
import { trackToShapes } from '../common/dataset';
import { DatasetBuilder, keyframe } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { isImagePath, stripExt } from '../shared-more/paths';
import { SizeResolver } from '../shared-more/sizes';
import { closeRuns } from '../shared-more/tracks';
import { fixed } from '../shared-more/text';
import {
  boxFromCenter,
  centerFromBox,
  classLabel,
  exportSizeError,
  normalizedPoints,
  parseYoloLines,
  sizeError,
  type YoloLine,
} from '../yolo/labelFile';
import { classificationImages, findUltralyticsRoot, readLayout } from './layout';

type Variant = 'detection' | 'segmentation' | 'pose' | 'obb' | 'track';

/** Corners of a rotated rectangle (CVAT points + rotation in degrees, clockwise), from top-left. */
export function rotatedCorners(points: readonly number[], rotation: number): number[] {
  const [x1, y1, x2, y2] = points as [number, number, number, number];
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const a = (rotation * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const out: number[] = [];
  for (const [x, y] of [
    [x1, y1],
    [x2, y1],
    [x2, y2],
    [x1, y2],
  ] as const) {
    out.push(cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos);
  }
  return out;
}

/** A rotated rectangle from 4 corners in order (the first edge is the width). */
export function rectangleFromCorners(c: readonly number[]): {
  points: [number, number, number, number];
  rotation: number;
} {
  const cx = (c[0]! + c[2]! + c[4]! + c[6]!) / 4;
  const cy = (c[1]! + c[3]! + c[5]! + c[7]!) / 4;
  const w = Math.hypot(c[2]! - c[0]!, c[3]! - c[1]!);
  const h = Math.hypot(c[4]! - c[2]!, c[5]! - c[3]!);
  let rotation = (Math.atan2(c[3]! - c[1]!, c[2]! - c[0]!) * 180) / Math.PI;
  if (rotation < 0) rotation += 360;
  if (Math.abs(rotation - 360) < 1e-9) rotation = 0;
  return { points: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], rotation };
}

function valuesError(file: string, line: YoloLine, expected: string): FormatError {
  return new FormatError(file, `${line.values.length + 1} values`, { location: `line ${line.n}`, expected });
}

async function importLabels(variant: Variant, source: FileSource, context: ImportContext): Promise<Dataset> {
  const layout = await readLayout(source);
  const { config } = layout;
  const at = (p: string) => (layout.root ? `${layout.root}/${p}` : p);
  const builder = new DatasetBuilder();
  const type = variant === 'segmentation' ? 'polygon' : variant === 'pose' ? 'skeleton' : 'rectangle';
  const labels: LabelSpec[] = config.names.map((name) => builder.label(name, type));
  // Pose labels are skeletons of kpt_shape[0] points (named by pose_classes.yaml when given).
  if (variant === 'pose') {
    for (const label of labels) {
      const names = config.keypointNames?.get(label.name);
      const count = config.kptShape?.[0] ?? names?.length ?? 0;
      for (let k = 0; k < count; k++) builder.sublabel(label, names?.[k] ?? String(k + 1));
    }
  }
  const sizes = new SizeResolver(source, context);
  const tracks = new Map<number, { label: LabelSpec; shapes: TrackedShape[] }>();
  const sorted = [...layout.labels].sort(
    (a, b) => a.subset.localeCompare(b.subset) || a.name.localeCompare(b.name, undefined, { numeric: true }),
  );
  for (const [index, entry] of sorted.entries()) {
    context.signal?.throwIfAborted();
    const file = entry.path;
    const lines = parseYoloLines(await source.text(at(file)), file);
    const size = await sizes.size(entry.name, entry.image ? at(entry.image) : undefined);
    const item = builder.item(entry.name, entry.subset, size?.width ?? 0, size?.height ?? 0);
    if (lines.length > 0 && !size) throw sizeError(file, entry.name);
    for (const line of lines) {
      const label = classLabel(labels, line, file);
      const v = line.values;
      if (variant === 'detection' || variant === 'track') {
        // Detection track adds an optional track id: CVAT writes it for tracks only.
        if (v.length !== 4 && !(variant === 'track' && v.length === 5)) {
          throw valuesError(
            file,
            line,
            variant === 'track' ? '5 or 6 values: class cx cy w h [track_id]' : '5 values: class cx cy w h',
          );
        }
        const points = boxFromCenter(v[0]!, v[1]!, v[2]!, v[3]!, item);
        if (v.length === 4)
          builder.shape({ type: 'rectangle', frame: item.frame, label_id: label.id, points });
        else {
          const id = v[4]!;
          if (!Number.isInteger(id) || id < 0) {
            throw new FormatError(file, `track id is ${id}`, {
              location: `line ${line.n}`,
              expected: 'a non-negative integer',
            });
          }
          const track = tracks.get(id) ?? { label, shapes: [] };
          if (track.label !== label) {
            throw new FormatError(file, `track ${id} changes its class to ${line.classId}`, {
              location: `line ${line.n}`,
              expected: `class ${labels.indexOf(track.label)} as on its earlier frames`,
            });
          }
          track.shapes.push(keyframe('rectangle', item.frame, points));
          tracks.set(id, track);
        }
      } else if (variant === 'segmentation') {
        if (v.length < 6 || v.length % 2 !== 0) {
          throw valuesError(file, line, 'class followed by at least 3 x y pairs');
        }
        const points = v.map((x, i) => x * (i % 2 === 0 ? item.width : item.height));
        builder.shape({ type: 'polygon', frame: item.frame, label_id: label.id, points });
      } else if (variant === 'obb') {
        if (v.length !== 8) throw valuesError(file, line, '9 values: class x1 y1 x2 y2 x3 y3 x4 y4');
        const corners = v.map((x, i) => x * (i % 2 === 0 ? item.width : item.height));
        const { points, rotation } = rectangleFromCorners(corners);
        builder.shape({ type: 'rectangle', frame: item.frame, label_id: label.id, points, rotation });
      } else {
        const names = config.keypointNames?.get(label.name);
        const count = config.kptShape?.[0] ?? names?.length ?? 0;
        const dims = config.kptShape?.[1] ?? (count > 0 && v.length - 4 === count * 2 ? 2 : 3);
        if (count === 0 || v.length !== 4 + count * dims) {
          throw valuesError(
            file,
            line,
            count
              ? `${5 + count * dims} values: class cx cy w h and ${count} points of ${dims} values`
              : 'kpt_shape in data.yaml',
          );
        }
        for (let k = label.sublabels.length; k < count; k++)
          builder.sublabel(label, names?.[k] ?? String(k + 1));
        const elements = label.sublabels.slice(0, count).map((sub, k) => {
          const x = v[4 + k * dims]! * item.width;
          const y = v[5 + k * dims]! * item.height;
          const vis = dims === 3 ? v[6 + k * dims]! : 2;
          return {
            label_id: sub.id,
            type: 'points' as const,
            points: [x, y] as [number, number],
            occluded: vis === 1,
            outside: vis === 0,
            attributes: [],
          };
        });
        builder.shape({ type: 'skeleton', frame: item.frame, label_id: label.id, points: [], elements });
      }
    }
    context.progress?.((index + 1) / sorted.length, file);
  }
  for (const bare of layout.bare) {
    const size = await sizes.size(bare.name, at(bare.path));
    builder.item(bare.name, bare.subset, size?.width ?? 0, size?.height ?? 0);
  }
  // Each track ends with an outside keyframe after its last box, and gaps become outside spans.
  const frames = new Set(builder.dataset.items.map((i) => i.frame));
  for (const { label, shapes } of tracks.values()) builder.track(label.id, closeRuns(shapes, frames));
  return builder.dataset;
}

function exportLines(
  variant: Variant,
  dataset: Dataset,
  item: DatasetItem,
  shapes: Shape[],
  file: string,
  trackIds: Map<string, number>,
  kpts: number,
): string[] {
  const classOf = new Map(dataset.labels.map((l, i) => [l.id, i]));
  const labelById = new Map(dataset.labels.map((l) => [l.id, l]));
  const lines: string[] = [];
  const need = () => {
    if (!item.width || !item.height) throw exportSizeError(file, item.name);
  };
  for (const shape of shapes) {
    const cls = classOf.get(shape.label_id);
    if (variant === 'detection' && shape.type === 'rectangle') {
      need();
      lines.push(`${cls} ${centerFromBox(shape.points, item)}`);
    } else if (variant === 'track' && shape.type === 'rectangle') {
      need();
      const id = trackIds.get(shape.id);
      lines.push(`${cls} ${centerFromBox(shape.points, item)}${id === undefined ? '' : ` ${id}`}`);
    } else if (variant === 'obb' && shape.type === 'rectangle') {
      need();
      lines.push(`${cls} ${normalizedPoints(rotatedCorners(shape.points, shape.rotation), item)}`);
    } else if (variant === 'segmentation' && (shape.type === 'polygon' || shape.type === 'mask')) {
      need();
      const polygons =
        shape.type === 'polygon' ? [shape.points] : maskToPolygons(shape.points, item.width, item.height, 0);
      for (const polygon of polygons)
        if (polygon.length >= 6) lines.push(`${cls} ${normalizedPoints(polygon, item)}`);
    } else if (variant === 'pose' && shape.type === 'skeleton') {
      need();
      lines.push(`${cls} ${poseValues(shape, labelById.get(shape.label_id), item, kpts)}`);
    }
  }
  return lines;
}

/** `cx cy w h x y v …` for a skeleton; the box covers the visible points. */
function poseValues(
  shape: SkeletonShape,
  label: LabelSpec | undefined,
  item: DatasetItem,
  kpts: number,
): string {
  const byLabel = new Map(shape.elements.map((e) => [e.label_id, e]));
  const visible = shape.elements.filter((e) => !e.outside);
  const xs = visible.map((e) => e.points[0]);
  const ys = visible.map((e) => e.points[1]);
  const box = xs.length ? [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] : [0, 0, 0, 0];
  const out = [centerFromBox(box, item)];
  const subs = label?.sublabels ?? [];
  for (let k = 0; k < kpts; k++) {
    const e = subs[k] ? byLabel.get(subs[k]!.id) : undefined;
    if (!e || e.outside) out.push('0.000000 0.000000 0');
    else
      out.push(
        `${fixed(e.points[0] / item.width, 6)} ${fixed(e.points[1] / item.height, 6)} ${e.occluded ? 1 : 2}`,
      );
  }
  return out.join(' ');
}

async function exportLabels(
  variant: Variant,
  dataset: Dataset,
  sink: FileSink,
  options: ExportOptions,
): Promise<void> {
  const objects = objectsByFrame(variant === 'track' ? { ...dataset, tracks: [] } : dataset);
  // Detection track keeps each track's identity: its boxes share one id (from 0, as CVAT
  // numbers tracks); standalone boxes are written without one.
  const trackIds = new Map<string, number>();
  if (variant === 'track') {
    let next = 0;
    const frames = dataset.items.map((i) => i.frame).sort((a, b) => a - b);
    for (const track of dataset.tracks) {
      const id = next++;
      for (const shape of trackToShapes(track, frames)) {
        trackIds.set(shape.id, id);
        objects.get(shape.frame)?.shapes.push(shape);
      }
    }
  }
  const kpts = Math.max(
    0,
    ...dataset.labels
      .filter((l) => l.type === 'skeleton' || l.sublabels.length)
      .map((l) => l.sublabels.length),
  );
  const subsets = new Map<string, string[]>();
  const files: [string, string | Uint8Array][] = [];
  for (const item of dataset.items) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'train';
    const file = `labels/${subset}/${stripExt(item.name)}.txt`;
    const shapes = objects.get(item.frame)?.shapes ?? [];
    const lines = exportLines(variant, dataset, item, shapes, file, trackIds, kpts);
    files.push([file, lines.length ? `${lines.join('\n')}\n` : '']);
    const list = subsets.get(subset) ?? [];
    list.push(`images/${subset}/${item.name}`);
    subsets.set(subset, list);
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) files.push([`images/${subset}/${item.name}`, bytes]);
    }
  }
  const yaml: Record<string, unknown> = { path: '.' };
  for (const subset of subsets.keys()) yaml[subset] = `${subset}.txt`;
  if (variant === 'pose') yaml.kpt_shape = [kpts, 3];
  yaml.names = Object.fromEntries(dataset.labels.map((l, i) => [i, l.name]));
  await sink.write('data.yaml', toYaml(yaml, { flow: false }));
  for (const [subset, list] of subsets) await sink.write(`${subset}.txt`, `${list.join('\n')}\n`);
  for (const [i, [path, content]] of files.entries()) {
    await sink.write(path, content);
    options.progress?.((i + 1) / files.length, path);
  }
}

/**
 * Classification: `<subset>/<class>/<image>`. Next to the folders each subset gets
 * `labels.json` (`{"<image>": ["<class>", …]}`), so that an export without images still
 * carries the tags and imports back.
 */
async function importClassification(source: FileSource, context: ImportContext): Promise<Dataset> {
  const builder = new DatasetBuilder();
  const sizes = new SizeResolver(source, context);
  const images = classificationImages(source.paths());
  const jsons = source.paths().filter((p) => p === 'labels.json' || p.endsWith('/labels.json'));
  if (images.length === 0 && jsons.length === 0) {
    throw new FormatError('archive', 'has no images in class folders and no labels.json', {
      expected: '<subset>/<class name>/<image> or <subset>/labels.json',
    });
  }
  const tagged = new Set<string>();
  for (const image of images) {
    context.signal?.throwIfAborted();
    const size = await sizes.size(image.name, image.path);
    const item = builder.item(image.name, image.subset, size?.width ?? 0, size?.height ?? 0);
    if (!image.label) continue;
    const label = builder.label(image.label, 'tag');
    const key = `${item.frame}\u0000${label.id}`;
    if (!tagged.has(key)) builder.tag(item.frame, label.id);
    tagged.add(key);
  }
  for (const file of jsons) {
    const subset = file.includes('/') ? file.split('/').slice(-2)[0]! : '';
    let doc: unknown;
    try {
      doc = JSON.parse(await source.text(file));
    } catch (error) {
      throw new FormatError(file, `is not valid JSON: ${(error as Error).message}`);
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new FormatError(file, 'is not an object', { expected: '{"<image>": ["<class>", …]}' });
    }
    for (const [name, classes] of Object.entries(doc as Record<string, unknown>)) {
      if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
        throw new FormatError(file, `the classes of "${name}" are ${JSON.stringify(classes)}`, {
          location: `key "${name}"`,
          expected: 'a list of class names',
        });
      }
      const size = await sizes.size(name);
      const item = builder.item(name, subset, size?.width ?? 0, size?.height ?? 0);
      for (const c of classes as string[]) {
        const label = builder.label(c, 'tag');
        const key = `${item.frame}\u0000${label.id}`;
        if (!tagged.has(key)) builder.tag(item.frame, label.id);
        tagged.add(key);
      }
    }
  }
  return builder.dataset;
}

async function exportClassification(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const names = new Map(dataset.labels.map((l) => [l.id, l.name]));
  const tagsOf = new Map<number, string[]>();
  for (const tag of dataset.tags) {
    const list = tagsOf.get(tag.frame) ?? [];
    const name = names.get(tag.label_id);
    if (name !== undefined && !list.includes(name)) list.push(name);
    tagsOf.set(tag.frame, list);
  }
  const bySubset = new Map<string, Record<string, string[]>>();
  for (const [i, item] of dataset.items.entries()) {
    options.signal?.throwIfAborted();
    const subset = item.subset || 'train';
    const classes = tagsOf.get(item.frame) ?? [];
    const record = bySubset.get(subset) ?? {};
    record[item.name] = classes;
    bySubset.set(subset, record);
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) {
        if (classes.length === 0) await sink.write(`${subset}/${item.name}`, bytes);
        for (const c of classes) await sink.write(`${subset}/${c}/${item.name}`, bytes);
      }
    }
    options.progress?.((i + 1) / dataset.items.length, item.name);
  }
  for (const [subset, record] of bySubset)
    await sink.write(`${subset}/labels.json`, JSON.stringify(record, null, 2));
}

function labelCodec(variant: Variant, id: string, name: string, kinds: FormatCodec['kinds']): FormatCodec {
  return {
    name,
    version: '1.0',
    id,
    dimension: '2d',
    kinds,
    importExtensions: ['zip'],
    async detect(source) {
      const paths = source.paths();
      const root = findUltralyticsRoot(paths);
      if (root === null) return 0;
      const hasLabels = paths.some((p) => /(^|\/)labels\/.*\.txt$/.test(p));
      if (!hasLabels) return 0.2;
      try {
        const layout = await readLayout(source);
        const sample = layout.labels.slice(0, 20);
        const counts: number[] = [];
        for (const entry of sample) {
          const at = layout.root ? `${layout.root}/${entry.path}` : entry.path;
          for (const line of (await source.text(at)).split('\n').slice(0, 20)) {
            const n = line.trim().split(/\s+/).filter(Boolean).length;
            if (n) counts.push(n);
          }
        }
        const pose = layout.config.kptShape !== undefined || layout.config.keypointNames !== undefined;
        if (variant === 'pose') return pose ? 0.9 : 0;
        if (pose) return 0;
        if (counts.length === 0) return variant === 'detection' ? 0.6 : 0.4;
        const all = (f: (n: number) => boolean) => counts.every(f);
        if (variant === 'detection') return all((n) => n === 5) ? 0.9 : 0;
        if (variant === 'track')
          return all((n) => n === 5 || n === 6) && counts.some((n) => n === 6) ? 0.9 : 0;
        if (variant === 'obb') return all((n) => n === 9) ? 0.85 : 0;
        return all((n) => n >= 7 && n % 2 === 1) ? 0.8 : 0;
      } catch {
        return 0;
      }
    },
    import: (source, context) => importLabels(variant, source, context),
    export: (dataset, sink, options) => exportLabels(variant, dataset, sink, options),
  };
}

export const ultralyticsDetectionCodec = labelCodec(
  'detection',
  'ultralytics-detection',
  'Ultralytics YOLO Detection',
  ['rectangle', 'track'],
);
export const ultralyticsSegmentationCodec = labelCodec(
  'segmentation',
  'ultralytics-segmentation',
  'Ultralytics YOLO Segmentation',
  ['polygon', 'mask', 'track'],
);
export const ultralyticsPoseCodec = labelCodec('pose', 'ultralytics-pose', 'Ultralytics YOLO Pose', [
  'skeleton',
  'track',
]);
export const ultralyticsObbCodec = labelCodec(
  'obb',
  'ultralytics-obb',
  'Ultralytics YOLO Oriented Bounding Boxes',
  ['rectangle', 'track'],
);
export const ultralyticsTrackCodec = labelCodec(
  'track',
  'ultralytics-detection-track',
  'Ultralytics YOLO Detection Track',
  ['rectangle', 'track'],
);

export const ultralyticsClassificationCodec: FormatCodec = {
  name: 'Ultralytics YOLO Classification',
  version: '1.0',
  id: 'ultralytics-classification',
  dimension: '2d',
  kinds: ['tag'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    if (findUltralyticsRoot(paths) !== null) return 0;
    if (
      paths.some(
        (p) =>
          p.endsWith('.txt') ||
          p.endsWith('.xml') ||
          (p.endsWith('.json') && p !== 'labels.json' && !p.endsWith('/labels.json')),
      )
    )
      return 0;
    // `<subset>/<class>/<image>` exactly; other depths are ImageNet's looser layout.
    const images = paths.filter(isImagePath);
    const strict = images.every(
      (p) => p.split('/').length === 3 && /^(train|val|valid|test)$/i.test(p.split('/')[0]!),
    );
    if (images.length > 0 && strict) return 0.5;
    // One subset zipped on its own: `labels.json` beside `<class>/<image>` folders.
    return paths.includes('labels.json') && images.every((p) => p.split('/').length === 2) ? 0.5 : 0;
  },
  import: importClassification,
  export: exportClassification,
};

export const ULTRALYTICS_CODECS: FormatCodec[] = [
  ultralyticsDetectionCodec,
  ultralyticsSegmentationCodec,
  ultralyticsPoseCodec,
  ultralyticsObbCodec,
  ultralyticsClassificationCodec,
  ultralyticsTrackCodec,
];
