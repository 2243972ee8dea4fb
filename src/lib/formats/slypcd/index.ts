/**
 * Supervisely Point Cloud (Sly Point Cloud Format 1.0): `meta.json` (classes with
 * `shape: cuboid_3d`, tags with value types), `key_id_map.json`, and per dataset folder
 * `<ds>/pointcloud/<frame>.pcd`, `<ds>/ann/<frame>.pcd.json` (objects, and figures with
 * `position`, `rotation`, `dimensions`), `<ds>/related_images/<frame>_pcd/`. Figures become
 * 3D cuboids (position, rotation, scale, 7 zeros), object tags their attributes, frame tags
 * tags whose label is the tag name with a `value` attribute. The dataset folder is the subset.
 */
import type { AttributeValue } from '../../core/types';
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec, ImportContext } from '../types';
import { FormatError } from '../types';
import { DatasetBuilder } from '../shared-more/builder';
import { objectsByFrame } from '../shared-more/frames';
import { basename } from '../shared-more/paths';

interface SlyTag {
  name: string;
  value?: string | number | null;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FormatError(file, `is not valid JSON: ${(error as Error).message}`, {
      expected: 'a Supervisely JSON file',
    });
  }
}

function vector(value: unknown, file: string, where: string): [number, number, number] {
  const v = value as { x?: unknown; y?: unknown; z?: unknown } | undefined;
  const out = [v?.x, v?.y, v?.z];
  if (!out.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new FormatError(file, `${where} is ${JSON.stringify(value)}`, {
      location: where,
      expected: '{"x": number, "y": number, "z": number}',
    });
  }
  return out as [number, number, number];
}

async function importSly(source: FileSource, context: ImportContext): Promise<Dataset> {
  const paths = source.paths();
  const metaPath = paths.find((p) => /(^|\/)meta\.json$/.test(p));
  if (!metaPath)
    throw new FormatError('meta.json', 'not found in the archive', {
      expected: 'meta.json with classes and tags',
    });
  const root = metaPath.slice(0, -'meta.json'.length);
  const meta = parseJson(await source.text(metaPath), 'meta.json') as {
    classes?: { title?: string; color?: string }[];
    tags?: { name: string; value_type?: string }[];
  };
  if (!Array.isArray(meta.classes))
    throw new FormatError('meta.json', 'classes is missing', {
      location: 'classes',
      expected: 'a list of classes',
    });
  const builder = new DatasetBuilder('3d');
  for (const c of meta.classes)
    builder.label(
      String(c.title),
      'cuboid',
      /^#[0-9a-f]{6}$/i.test(c.color ?? '') ? c.color!.toLowerCase() : undefined,
    );
  const tagTypes = new Map((meta.tags ?? []).map((t) => [t.name, t.value_type ?? 'any_string']));
  const attrInit = (name: string) =>
    tagTypes.get(name) === 'any_number'
      ? { input_type: 'number' as const, values: ['-1000000', '1000000', '0.01'], default_value: '0' }
      : { input_type: 'text' as const, values: [] };
  const anns = paths.filter((p) => p.startsWith(root) && /\/ann\/[^/]+\.json$/.test(p));
  for (const annPath of anns) {
    context.signal?.throwIfAborted();
    const rel = annPath.slice(root.length);
    const dataset = rel.split('/')[0]!;
    const name = basename(annPath).replace(/\.json$/, '');
    const doc = parseJson(await source.text(annPath), rel) as {
      tags?: SlyTag[];
      objects?: { key: string; classTitle: string; tags?: SlyTag[] }[];
      figures?: { objectKey: string; geometryType?: string; geometry?: Record<string, unknown> }[];
    };
    const item = builder.item(
      context.frames?.find((f) => f.name === name || basename(f.name) === name)?.name ?? name,
      dataset,
    );
    const relatedDir = `${root}${dataset}/related_images/${name.replace(/\./g, '_')}/`;
    const related = paths.filter((p) => p.startsWith(relatedDir) && !p.endsWith('.json'));
    if (related.length) item.related = related.map((p) => p.slice(root.length));
    for (const tag of doc.tags ?? []) {
      const label = builder.label(tag.name, 'tag');
      const attrs =
        tag.value === undefined || tag.value === null
          ? []
          : [builder.value(label, 'value', String(tag.value), attrInit(tag.name))];
      builder.tag(item.frame, label.id, attrs);
    }
    const objects = new Map((doc.objects ?? []).map((o) => [o.key, o]));
    for (const [i, figure] of (doc.figures ?? []).entries()) {
      const where = `figures[${i}]`;
      const object = objects.get(figure.objectKey);
      if (!object)
        throw new FormatError(rel, `objectKey "${figure.objectKey}" is not among the objects`, {
          location: where,
          expected: 'the key of an object in this file',
        });
      if (figure.geometryType && figure.geometryType !== 'cuboid_3d')
        throw new FormatError(rel, `geometryType is "${figure.geometryType}"`, {
          location: where,
          expected: 'cuboid_3d',
        });
      const label = builder.findLabel(object.classTitle);
      if (!label)
        throw new FormatError(rel, `class "${object.classTitle}" is not in meta.json`, {
          location: where,
          expected: `one of ${meta.classes.map((c) => c.title).join(', ')}`,
        });
      const g = figure.geometry ?? {};
      const points = [
        ...vector(g.position, rel, `${where}.geometry.position`),
        ...vector(g.rotation, rel, `${where}.geometry.rotation`),
        ...vector(g.dimensions, rel, `${where}.geometry.dimensions`),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
      ];
      const attributes: AttributeValue[] = (object.tags ?? []).map((t) =>
        builder.value(label, t.name, String(t.value ?? ''), attrInit(t.name)),
      );
      builder.shape({ type: 'cuboid', frame: item.frame, label_id: label.id, points, attributes });
    }
  }
  return builder.dataset;
}

/** A 32-digit hex key, as Supervisely writes them. */
function key(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, '0')}${n.toString(16).padStart(24, '0')}`;
}

async function exportSly(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const tagLabels = new Set(dataset.tags.map((t) => t.label_id));
  const classes = dataset.labels.filter((l) => !tagLabels.has(l.id));
  const attrNames = new Map<string, string>();
  for (const l of dataset.labels)
    for (const a of l.attributes)
      if (a.name !== 'value' || !tagLabels.has(l.id))
        attrNames.set(a.name, a.input_type === 'number' ? 'any_number' : 'any_string');
  for (const id of tagLabels) {
    const l = labels.get(id)!;
    attrNames.set(
      l.name,
      l.attributes.find((a) => a.name === 'value')?.input_type === 'number' ? 'any_number' : 'any_string',
    );
  }
  const meta = {
    classes: classes.map((l, i) => ({
      id: i + 1,
      title: l.name,
      color: l.color,
      shape: 'cuboid_3d',
      geometry_config: {},
    })),
    tags: [...attrNames].map(([name, type], i) => ({
      name,
      value_type: type,
      color: '#000000',
      id: i + 1,
      hotkey: '',
      applicable_type: 'all',
      classes: [],
    })),
    projectType: 'point_clouds',
  };
  await sink.write('meta.json', JSON.stringify(meta, null, 4));
  const keyMap = {
    tags: {} as Record<string, number>,
    objects: {} as Record<string, number>,
    figures: {} as Record<string, number>,
    videos: {} as Record<string, number>,
  };
  const objects = objectsByFrame(dataset);
  let counter = 0;
  const typed = (v: string, name: string) =>
    attrNames.get(name) === 'any_number' && Number.isFinite(Number(v)) ? Number(v) : v;
  for (const [i, item] of dataset.items.entries()) {
    options.signal?.throwIfAborted();
    const ds = item.subset || 'ds0';
    const frame = objects.get(item.frame) ?? { shapes: [], tags: [] };
    const frameKey = key(1, i);
    keyMap.videos[frameKey] = i;
    const tags = frame.tags.map((t) => {
      const l = labels.get(t.label_id)!;
      const v = t.attributes.find(
        (a) => l.attributes.find((s) => s.id === a.spec_id)?.name === 'value',
      )?.value;
      const k = key(2, ++counter);
      keyMap.tags[k] = counter;
      return { name: l.name, value: v === undefined ? null : typed(v, l.name), key: k };
    });
    const objs: unknown[] = [];
    const figures: unknown[] = [];
    for (const s of frame.shapes) {
      if (s.type !== 'cuboid') continue;
      const l = labels.get(s.label_id)!;
      const objectKey = key(3, ++counter);
      keyMap.objects[objectKey] = counter;
      const objectTags = s.attributes.map((a) => {
        const name = l.attributes.find((x) => x.id === a.spec_id)?.name ?? '';
        return { name, value: typed(a.value, name), key: key(4, ++counter) };
      });
      objs.push({ key: objectKey, classTitle: l.name, tags: objectTags });
      const figureKey = key(5, ++counter);
      keyMap.figures[figureKey] = counter;
      const p = s.points;
      figures.push({
        key: figureKey,
        objectKey,
        geometryType: 'cuboid_3d',
        geometry: {
          position: { x: p[0], y: p[1], z: p[2] },
          rotation: { x: p[3], y: p[4], z: p[5] },
          dimensions: { x: p[6], y: p[7], z: p[8] },
        },
      });
    }
    const name = basename(item.name);
    await sink.write(
      `${ds}/ann/${name}.json`,
      JSON.stringify({ description: '', key: frameKey, tags, objects: objs, figures }, null, 4),
    );
    if (options.saveImages) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`${ds}/pointcloud/${name}`, bytes);
    }
  }
  await sink.write('key_id_map.json', JSON.stringify(keyMap, null, 4));
}

export const slyPointCloudCodec: FormatCodec = {
  name: 'Sly Point Cloud Format',
  version: '1.0',
  id: 'sly-pointcloud',
  dimension: '3d',
  kinds: ['cuboid', 'tag', 'track'],
  importExtensions: ['zip'],
  async detect(source) {
    const paths = source.paths();
    return paths.some((p) => /(^|\/)meta\.json$/.test(p)) &&
      paths.some((p) => /\/ann\/[^/]+\.pcd\.json$/.test(p))
      ? 0.95
      : 0;
  },
  import: importSly,
  export: exportSly,
};
