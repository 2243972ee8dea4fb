/**
 * A canonical, id-free form of a dataset for semantic comparison (round-trip tests, `loupe
 * validate`): labels, attributes and skeleton points by name, coordinates rounded to the
 * format's precision, objects sorted by frame and content. Two datasets that carry the same
 * annotations give deep-equal canonical forms.
 */
import type { AttributeValue, LabelSpec } from '../../core/types';
import type { Dataset } from '../types';

export interface CanonicalOptions {
  /** Decimal places coordinates are rounded to (CVAT XML: 2). Default 2. */
  precision?: number;
  /** Leave out what the format cannot carry. */
  ignore?: {
    itemNames?: boolean;
    sizes?: boolean;
    subsets?: boolean;
    source?: boolean;
    zOrder?: boolean;
    groups?: boolean;
    occluded?: boolean;
    rotation?: boolean;
    attributes?: boolean;
    /** Label colours, types, attribute specs and skeleton SVG. */
    labelDetails?: boolean;
    tags?: boolean;
  };
}

export interface CanonicalDataset {
  labels: unknown[];
  items: unknown[];
  shapes: string[];
  tags: string[];
  tracks: string[];
}

export function canonicalDataset(dataset: Dataset, options: CanonicalOptions = {}): CanonicalDataset {
  const p = options.precision ?? 2;
  const ig = options.ignore ?? {};
  const scale = 10 ** p;
  const num = (n: number) => {
    const r = Math.round(n * scale) / scale;
    return Object.is(r, -0) ? 0 : r;
  };
  const names = new Map<string, { name: string; attrs: Map<string, string> }>();
  const index = (owner: { id: string; name: string; attributes: LabelSpec['attributes'] }, prefix = '') => {
    names.set(owner.id, {
      name: prefix + owner.name,
      attrs: new Map(owner.attributes.map((a) => [a.id, a.name])),
    });
  };
  for (const l of dataset.labels) {
    index(l);
    for (const s of l.sublabels) index(s, `${l.name}.`);
  }
  const labelName = (id: string) => names.get(id)?.name ?? `?${id}`;
  const attrs = (owner: string, values: readonly AttributeValue[]) =>
    ig.attributes
      ? []
      : values
          .map((v) => `${names.get(owner)?.attrs.get(v.spec_id) ?? '?'}=${v.value}`)
          .sort()
          .join('|');
  const labels = dataset.labels
    .map((l) =>
      ig.labelDetails
        ? { name: l.name, sublabels: l.sublabels.map((s) => s.name).sort() }
        : {
            name: l.name,
            color: l.color.toLowerCase(),
            type: l.type,
            attributes: l.attributes.map((a) => ({ ...a, id: undefined })),
            sublabels: l.sublabels.map((s) => ({
              name: s.name,
              attributes: s.attributes.map((a) => ({ ...a, id: undefined })),
            })),
            svg: l.svg,
          },
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const items = [...dataset.items]
    .sort((a, b) => a.frame - b.frame)
    .map((i) => ({
      frame: i.frame,
      name: ig.itemNames ? undefined : i.name,
      width: ig.sizes ? undefined : i.width,
      height: ig.sizes ? undefined : i.height,
      subset: ig.subsets ? undefined : i.subset,
    }));
  const common = (o: { label_id: string; group: number; source: string; attributes: AttributeValue[] }) =>
    [
      labelName(o.label_id),
      ig.groups ? '' : `g${o.group}`,
      ig.source ? '' : o.source,
      attrs(o.label_id, o.attributes),
    ].join(' ');
  const geometry = (s: {
    type: string;
    points: readonly number[];
    occluded: boolean;
    outside: boolean;
    z_order: number;
    rotation: number;
  }) =>
    [
      s.type,
      ig.occluded ? '' : s.occluded ? 'occ' : '',
      s.outside ? 'out' : '',
      ig.zOrder ? '' : `z${s.z_order}`,
      ig.rotation ? '' : `r${num(s.rotation)}`,
      s.type === 'mask' ? s.points.join(',') : s.points.map(num).join(','),
    ].join(' ');
  const shapes = dataset.shapes
    .map((s) => {
      let line = `${s.frame} ${common(s)} ${geometry(s)}`;
      if (s.type === 'skeleton')
        line +=
          ' [' +
          s.elements
            .map(
              (e) =>
                `${labelName(e.label_id)} ${e.points.map(num).join(',')} ${e.outside ? 'out' : ''}${ig.occluded ? '' : e.occluded ? 'occ' : ''} ${attrs(e.label_id, e.attributes)}`,
            )
            .sort()
            .join('; ') +
          ']';
      return line;
    })
    .sort();
  const tags = ig.tags ? [] : dataset.tags.map((t) => `${t.frame} ${common(t)}`).sort();
  const tracks = dataset.tracks
    .map((t) => {
      const keys = t.shapes
        .map((s) => `${s.frame}:${geometry(s)} ${attrs(t.label_id, s.attributes)}`)
        .join(' / ');
      const elements = t.elements
        .map(
          (e) =>
            `${labelName(e.label_id)} ${attrs(e.label_id, e.attributes)} {${e.shapes
              .map((s) => `${s.frame}:${geometry(s)} ${attrs(e.label_id, s.attributes)}`)
              .join(' / ')}}`,
        )
        .sort()
        .join('; ');
      return `${common(t)} ${keys}${elements ? ` [${elements}]` : ''}`;
    })
    .sort();
  return { labels, items, shapes, tags, tracks };
}
