/**
 * Reads CVAT for images 1.1 and CVAT for video 1.1 XML into a `Dataset`. Both flavours share
 * one reader: `<image>` elements give items and per-frame shapes and tags, `<track>` elements
 * give tracks. Label specs come from `<meta>` (task, job or project); without them labels and
 * attributes are created from what the shapes use.
 *
 * Frames: `<image id>` is the frame. Video exports number track frames in source-video frames
 * (`start_frame + index * step`); they are turned back into 0-based task frames and the start
 * and step kept in `meta.startFrame` / `meta.frameStep` for the exporter.
 */
import { HEX_COLOR } from '../../core/colors';
import {
  INPUT_TYPES,
  LABEL_TYPES,
  type AttributeSpec,
  type AttributeValue,
  type InputType,
  type LabelSpec,
  type LabelType,
  type Shape,
  type ShapeType,
  type SkeletonElement,
  type Source,
  type Track,
  type TrackedShape,
} from '../../core/types';
import { LabelBook, checkAbort, emptyDataset, fileMeta, warningCollector } from '../common/dataset';
import { XmlReader, parseXml, type XmlElement } from '../common/xml';
import { FormatError, type Dataset, type DatasetItem, type ImportContext } from '../types';

const SHAPE_TAGS: Record<string, ShapeType> = {
  box: 'rectangle',
  polygon: 'polygon',
  polyline: 'polyline',
  points: 'points',
  ellipse: 'ellipse',
  cuboid: 'cuboid',
  mask: 'mask',
  skeleton: 'skeleton',
};

const SOURCES: readonly Source[] = ['manual', 'auto', 'semi-auto', 'file', 'consensus'];

/** The 16 cuboid attributes in CVAT's order (front face, then back face). */
export const CUBOID_KEYS = [
  'xtl1',
  'ytl1',
  'xbl1',
  'ybl1',
  'xtr1',
  'ytr1',
  'xbr1',
  'ybr1',
  'xtl2',
  'ytl2',
  'xbl2',
  'ybl2',
  'xtr2',
  'ytr2',
  'xbr2',
  'ybr2',
] as const;

interface Geometry {
  type: ShapeType;
  points: number[];
  rotation: number;
}

class CvatReader extends XmlReader {
  readonly book: LabelBook;
  /** Labels come from `<meta>`: shapes may only use those. */
  readonly strictLabels: boolean;
  private readonly warn: (message: string) => void;

  constructor(file: string, labels: LabelSpec[], warn: (message: string) => void) {
    super(file);
    this.book = new LabelBook(labels);
    this.strictLabels = labels.length > 0;
    this.warn = warn;
  }

  /** The label named by `el`'s `label` attribute; null for an unlabeled object (skipped). */
  label(el: XmlElement): LabelSpec | null {
    const name = this.required(el, 'label');
    if (name === '') {
      this.warn(`${this.file} line ${el.line}: <${el.name}> without a label was skipped`);
      return null;
    }
    const found = this.book.find(name);
    if (found) return found;
    if (this.strictLabels)
      throw this.error(
        el,
        `unknown label "${name}"`,
        `one of the labels in <meta>: ${this.book.labels.map((l) => `"${l.name}"`).join(', ')}`,
      );
    return this.book.label(name, el.name === 'tag' ? 'tag' : 'any');
  }

  sublabel(el: XmlElement, parent: LabelSpec): { id: string; attributes: AttributeSpec[] } {
    const name = this.required(el, 'label');
    const found = parent.sublabels.find((s) => s.name === name);
    if (found) return found;
    if (this.strictLabels)
      throw this.error(
        el,
        `unknown point "${name}" of skeleton "${parent.name}"`,
        `one of ${parent.sublabels.map((s) => `"${s.name}"`).join(', ')}`,
      );
    return this.book.sublabel(parent, name);
  }

  source(el: XmlElement): Source {
    const s = el.attrs.source;
    if (s === undefined || s === '') return 'file';
    if ((SOURCES as readonly string[]).includes(s)) return s as Source;
    throw this.error(el, `attribute "source" is "${s}"`, SOURCES.join(', '));
  }

  pointList(el: XmlElement, name = 'points'): number[] {
    const raw = el.attrs[name];
    if (raw === undefined) throw this.error(el, `missing attribute "${name}"`, '"x,y;x,y;…"');
    const out: number[] = [];
    if (raw.trim() === '') return out;
    for (const pair of raw.split(';')) {
      const xy = pair.split(',');
      const x = Number(xy[0]);
      const y = Number(xy[1]);
      if (
        xy.length !== 2 ||
        xy[0]!.trim() === '' ||
        xy[1]!.trim() === '' ||
        !Number.isFinite(x) ||
        !Number.isFinite(y)
      )
        throw this.error(el, `attribute "${name}" has "${pair}"`, 'points as "x,y;x,y;…"');
      out.push(x, y);
    }
    return out;
  }

  geometry(el: XmlElement): Geometry {
    const type = SHAPE_TAGS[el.name];
    if (type === undefined)
      throw this.error(el, `unknown shape <${el.name}>`, Object.keys(SHAPE_TAGS).join(', '));
    const rotation = this.number(el, 'rotation', 0);
    switch (type) {
      case 'rectangle': {
        const p = [
          this.number(el, 'xtl'),
          this.number(el, 'ytl'),
          this.number(el, 'xbr'),
          this.number(el, 'ybr'),
        ];
        return { type, points: p, rotation };
      }
      case 'ellipse': {
        const cx = this.number(el, 'cx');
        const cy = this.number(el, 'cy');
        const rx = this.number(el, 'rx');
        const ry = this.number(el, 'ry');
        return { type, points: [cx, cy, cx + rx, cy - ry], rotation };
      }
      case 'cuboid':
        return { type, points: CUBOID_KEYS.map((k) => this.number(el, k)), rotation };
      case 'mask': {
        const rle = el.attrs.rle;
        if (rle === undefined) throw this.error(el, 'missing attribute "rle"', 'run lengths "n, n, …"');
        const runs = rle
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((s) => {
            const n = Number(s);
            if (!Number.isInteger(n) || n < 0)
              throw this.error(el, `attribute "rle" has "${s}"`, 'non-negative integers');
            return n;
          });
        const left = this.integer(el, 'left');
        const top = this.integer(el, 'top');
        const width = this.integer(el, 'width', undefined, 1);
        const height = this.integer(el, 'height', undefined, 1);
        const total = runs.reduce((a, b) => a + b, 0);
        if (total !== width * height)
          throw this.error(el, `the run lengths sum to ${total}`, `${width * height} (width × height)`);
        return { type, points: [...runs, left, top, left + width - 1, top + height - 1], rotation };
      }
      case 'skeleton':
        return { type, points: [], rotation };
      default: {
        const points = this.pointList(el);
        const minimum = type === 'polygon' ? 3 : type === 'polyline' ? 2 : 1;
        if (points.length / 2 < minimum)
          throw this.error(el, `has ${points.length / 2} point(s)`, `at least ${minimum} for a ${el.name}`);
        return { type, points, rotation };
      }
    }
  }

  /** `<attribute name>value</attribute>` children, checked against the owner's specs. */
  attributes(el: XmlElement, owner: { name: string; attributes: AttributeSpec[] }): AttributeValue[] {
    const out: AttributeValue[] = [];
    for (const child of el.children) {
      if (child.name !== 'attribute') continue;
      const name = this.required(child, 'name');
      let spec = owner.attributes.find((a) => a.name === name);
      if (!spec) {
        if (this.strictLabels)
          throw this.error(
            child,
            `unknown attribute "${name}" of label "${owner.name}"`,
            owner.attributes.length > 0
              ? `one of ${owner.attributes.map((a) => `"${a.name}"`).join(', ')}`
              : 'no attributes',
          );
        spec = this.book.attribute(owner, name);
      }
      out.push({ spec_id: spec.id, value: child.text });
    }
    return out;
  }
}

function pyBool(text: string | undefined, fallback: boolean): boolean {
  if (text === undefined || text.trim() === '') return fallback;
  return /^(true|1)$/i.test(text.trim());
}

function attributeSpec(r: XmlReader, el: XmlElement): AttributeSpec {
  const name = r.childText(el, 'name');
  if (name === undefined || name === '')
    throw r.error(el, 'attribute spec without <name>', 'a <name> element');
  const rawType = (r.childText(el, 'input_type') ?? 'text').trim();
  if (!(INPUT_TYPES as readonly string[]).includes(rawType))
    throw r.error(r.child(el, 'input_type') ?? el, `input type "${rawType}"`, INPUT_TYPES.join(', '));
  const valuesText = r.childText(el, 'values') ?? '';
  const hasMutable = r.child(el, 'mutable') !== undefined;
  // CVAT separates values by newlines; the oldest files (no <mutable>) used spaces.
  let values = valuesText.includes('\n')
    ? valuesText.split('\n')
    : hasMutable
      ? [valuesText]
      : valuesText.split(/\s+/);
  values = values.map((v) => v.trim()).filter((v, i, all) => v !== '' || all.length === 1);
  if (values.length === 1 && values[0] === '') values = [];
  return {
    id: fileMeta().id,
    name,
    input_type: rawType as InputType,
    mutable: pyBool(r.childText(el, 'mutable'), false),
    values,
    default_value: r.childText(el, 'default_value') ?? values[0] ?? '',
  };
}

/** Label specs from `<labels>`: skeleton points (`<parent>`) become sublabels of their skeleton. */
function readLabels(r: XmlReader, labelsEl: XmlElement | undefined): LabelSpec[] {
  if (!labelsEl) return [];
  const labels: LabelSpec[] = [];
  const children: { el: XmlElement; parent: string }[] = [];
  const book = new LabelBook(labels);
  for (const el of labelsEl.children) {
    if (el.name !== 'label') continue;
    const name = r.childText(el, 'name');
    if (name === undefined) throw r.error(el, 'label without <name>', 'a <name> element');
    const parent = r.childText(el, 'parent');
    if (parent) {
      children.push({ el, parent });
      continue;
    }
    if (book.find(name)) throw r.error(el, `label "${name}" is defined twice`, 'unique label names');
    const typeText = (r.childText(el, 'type') ?? 'any').trim() || 'any';
    if (!(LABEL_TYPES as readonly string[]).includes(typeText))
      throw r.error(r.child(el, 'type') ?? el, `label type "${typeText}"`, LABEL_TYPES.join(', '));
    const color = r.childText(el, 'color');
    const label = book.label(name, typeText as LabelType, color && HEX_COLOR.test(color) ? color : undefined);
    label.svg = r.childText(el, 'svg') ?? '';
    const attrs = r.child(el, 'attributes');
    for (const a of attrs?.children ?? [])
      if (a.name === 'attribute') label.attributes.push(attributeSpec(r, a));
  }
  for (const { el, parent } of children) {
    const owner = book.find(parent);
    if (!owner)
      throw r.error(el, `point label's parent "${parent}" is not a label`, 'the name of a skeleton label');
    const color = r.childText(el, 'color');
    const sub = book.sublabel(
      owner,
      r.childText(el, 'name')!,
      color && HEX_COLOR.test(color) ? color : undefined,
    );
    const attrs = r.child(el, 'attributes');
    for (const a of attrs?.children ?? [])
      if (a.name === 'attribute') sub.attributes.push(attributeSpec(r, a));
  }
  return labels;
}

function int(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) ? n : undefined;
}

/** `step=3` → 3. */
function frameStep(filter: string | undefined): number {
  const m = /step\s*=\s*(\d+)/.exec(filter ?? '');
  return m ? Math.max(1, Number(m[1])) : 1;
}

export interface CvatDocument {
  dataset: Dataset;
  /** `images` when the file has `<image>` elements, `video` when it has tracks and no images. */
  flavour: 'images' | 'video';
}

/** Parses a CVAT XML text. `file` names the file in errors. */
export function readCvatXml(text: string, file: string, context: ImportContext = {}): CvatDocument {
  const root = parseXml(text, file);
  const base = new XmlReader(file);
  if (root.name !== 'annotations')
    throw base.error(root, `the root element is <${root.name}>`, '<annotations> (CVAT XML)');
  const version = base.childText(root, 'version');
  if (version !== undefined && !/^1\.\d+$/.test(version.trim()))
    throw base.error(base.child(root, 'version')!, `version "${version}"`, 'version 1.x');

  const meta = base.child(root, 'meta');
  const header = meta
    ? (base.child(meta, 'task') ?? base.child(meta, 'job') ?? base.child(meta, 'project'))
    : undefined;
  const labels = readLabels(base, header ? base.child(header, 'labels') : undefined);
  const { warnings, warn } = warningCollector(context);
  const r = new CvatReader(file, labels, warn);
  const dataset = emptyDataset('2d');
  dataset.labels = r.book.labels;

  const startFrame = int(header ? base.childText(header, 'start_frame') : undefined) ?? 0;
  const step = frameStep(header ? base.childText(header, 'frame_filter') : undefined);
  const size = int(header ? base.childText(header, 'size') : undefined);
  const stopFrame = int(header ? base.childText(header, 'stop_frame') : undefined);
  const original = meta ? base.child(meta, 'original_size') : undefined;
  const originalWidth = int(original ? base.childText(original, 'width') : undefined) ?? 0;
  const originalHeight = int(original ? base.childText(original, 'height') : undefined) ?? 0;
  if (header) {
    const name = base.childText(header, 'name');
    if (name) dataset.meta.name = name;
    const mode = base.childText(header, 'mode');
    if (mode) dataset.meta.mode = mode;
    const source = base.childText(header, 'source');
    if (source) dataset.meta.source = source;
  }
  dataset.meta.startFrame = startFrame;
  dataset.meta.frameStep = step;

  const images = root.children.filter((c) => c.name === 'image');
  const tracks = root.children.filter((c) => c.name === 'track');
  const flavour: CvatDocument['flavour'] =
    images.length === 0 && (tracks.length > 0 || originalWidth > 0) ? 'video' : 'images';

  // Items. Project exports restart ids per task; duplicates get fresh frame numbers.
  const seen = new Set<number>();
  const duplicateIds = images.some((el) => {
    const id = base.integer(el, 'id', undefined, 0);
    if (seen.has(id)) return true;
    seen.add(id);
    return false;
  });
  const imageFrames = new Map<XmlElement, number>();
  if (duplicateIds) {
    const order = [...images].sort(
      (a, b) =>
        (a.attrs.task_id ?? '').localeCompare(b.attrs.task_id ?? '', undefined, { numeric: true }) ||
        (a.attrs.subset ?? '').localeCompare(b.attrs.subset ?? '') ||
        Number(a.attrs.id) - Number(b.attrs.id),
    );
    order.forEach((el, i) => imageFrames.set(el, i));
  } else for (const el of images) imageFrames.set(el, Number(el.attrs.id));

  const items: DatasetItem[] = [];
  let done = 0;
  for (const el of images) {
    if ((done++ & 1023) === 0) {
      checkAbort(context.signal);
      context.progress?.(done / Math.max(1, images.length + tracks.length), 'Reading images');
    }
    const frame = imageFrames.get(el)!;
    const name = r.required(el, 'name');
    items.push({
      frame,
      name,
      width: r.integer(el, 'width', 0, 0),
      height: r.integer(el, 'height', 0, 0),
      subset: el.attrs.subset ?? '',
    });
    for (const child of el.children) {
      if (child.name === 'tag') {
        const label = r.label(child);
        if (!label) continue;
        dataset.tags.push({
          ...fileMeta(),
          frame,
          label_id: label.id,
          group: r.integer(child, 'group_id', 0, 0),
          source: r.source(child),
          attributes: r.attributes(child, label),
        });
        continue;
      }
      if (!(child.name in SHAPE_TAGS)) continue;
      const shape = readShape(r, child, frame);
      if (shape) dataset.shapes.push(shape);
    }
  }
  items.sort((a, b) => a.frame - b.frame);

  // Video tags (`<tag frame>` at the top level, as newer CVAT writes them).
  for (const el of root.children) {
    if (el.name !== 'tag') continue;
    const label = r.label(el);
    if (!label) continue;
    dataset.tags.push({
      ...fileMeta(),
      frame: toFrame(r, el, startFrame, step),
      label_id: label.id,
      group: r.integer(el, 'group_id', 0, 0),
      source: r.source(el),
      attributes: r.attributes(el, label),
    });
  }

  for (const el of tracks) {
    if ((done++ & 255) === 0) checkAbort(context.signal);
    const track = readTrack(r, el, startFrame, step);
    if (track) dataset.tracks.push(track);
  }

  if (items.length === 0) {
    // A video (or an empty job): frames come from the meta and the tracks.
    let count = size ?? (stopFrame !== undefined ? Math.floor((stopFrame - startFrame) / step) + 1 : 0);
    for (const t of dataset.tracks) for (const s of t.shapes) count = Math.max(count, s.frame + 1);
    for (const t of dataset.tags) count = Math.max(count, t.frame + 1);
    for (let i = 0; i < count; i++)
      items.push({
        frame: i,
        name: `frame_${String(startFrame + i * step).padStart(6, '0')}`,
        width: originalWidth,
        height: originalHeight,
        subset: '',
      });
  }
  dataset.items = items;
  checkImageRefs(r, dataset, images.length > 0);
  if (warnings.length > 0) dataset.meta.warnings = warnings;
  return { dataset, flavour };
}

function checkImageRefs(r: CvatReader, dataset: Dataset, fromImages: boolean): void {
  if (!fromImages) return;
  const frames = new Set(dataset.items.map((i) => i.frame));
  for (const t of dataset.tracks) {
    for (const s of t.shapes) {
      if (!frames.has(s.frame))
        throw new FormatError(r.file, `a track has a keyframe on frame ${s.frame}, which has no <image>`, {
          expected: `frames ${Math.min(...frames)}–${Math.max(...frames)}`,
        });
    }
  }
}

function toFrame(r: XmlReader, el: XmlElement, startFrame: number, step: number): number {
  const abs = r.integer(el, 'frame', undefined, 0);
  const rel = (abs - startFrame) / step;
  if (!Number.isInteger(rel) || rel < 0)
    throw r.error(
      el,
      `frame ${abs} is not a frame of the task`,
      step > 1 ? `${startFrame} + a multiple of ${step}` : `a frame ≥ ${startFrame}`,
    );
  return rel;
}

function readShape(r: CvatReader, el: XmlElement, frame: number): Shape | null {
  const label = r.label(el);
  if (!label) return null;
  const g = r.geometry(el);
  const meta = fileMeta();
  // One object literal per shape, in a fixed key order (no spread copies: this is the hot path).
  const shape = {
    id: meta.id,
    updated_date: meta.updated_date,
    author: meta.author,
    frame,
    label_id: label.id,
    occluded: r.flag(el, 'occluded'),
    outside: r.flag(el, 'outside'),
    z_order: r.integer(el, 'z_order', 0),
    rotation: g.rotation,
    group: r.integer(el, 'group_id', 0, 0),
    source: r.source(el),
    attributes: r.attributes(el, label),
    type: g.type,
    points: g.points,
  } as Shape;
  if (shape.type === 'skeleton') {
    if (label.type !== 'skeleton' && label.sublabels.length === 0 && r.strictLabels)
      throw r.error(el, `label "${label.name}" is not a skeleton`, 'a skeleton label');
    const elements: SkeletonElement[] = [];
    for (const child of el.children) {
      if (child.name !== 'points') continue;
      const sub = r.sublabel(child, label);
      const p = r.pointList(child);
      if (p.length !== 2)
        throw r.error(child, `a skeleton point has ${p.length / 2} points`, 'exactly one "x,y"');
      elements.push({
        label_id: sub.id,
        type: 'points',
        points: [p[0]!, p[1]!],
        occluded: r.flag(child, 'occluded'),
        outside: r.flag(child, 'outside'),
        attributes: r.attributes(child, { name: child.attrs.label ?? '', attributes: sub.attributes }),
      });
    }
    shape.points = [];
    shape.elements = elements;
  }
  return shape;
}

function splitAttributes(
  values: AttributeValue[],
  specs: readonly AttributeSpec[],
): { immutable: AttributeValue[]; mutable: AttributeValue[] } {
  const immutable: AttributeValue[] = [];
  const mutable: AttributeValue[] = [];
  for (const v of values) {
    const spec = specs.find((s) => s.id === v.spec_id);
    (spec?.mutable ? mutable : immutable).push(v);
  }
  return { immutable, mutable };
}

/** Keyframes only (CVAT writes the interpolated frames too, with `keyframe="0"`). */
function keepKeyframes<T extends { keyframe: boolean; shape: TrackedShape }>(list: T[]): TrackedShape[] {
  list.sort((a, b) => a.shape.frame - b.shape.frame);
  const out: TrackedShape[] = [];
  list.forEach((entry, i) => {
    if (entry.keyframe || i === 0) out.push(entry.shape);
  });
  return out;
}

function readTrack(r: CvatReader, el: XmlElement, startFrame: number, step: number): Track | null {
  const label = r.label(el);
  if (!label) return null;
  const trackAttributes = new Map<string, string>();
  const shapes: { keyframe: boolean; shape: TrackedShape }[] = [];
  const elementShapes = new Map<string, { keyframe: boolean; shape: TrackedShape }[]>();
  const elementAttributes = new Map<string, Map<string, string>>();
  const frames = new Set<number>();

  const tracked = (
    child: XmlElement,
    owner: { name: string; attributes: AttributeSpec[] },
    g: Geometry,
    parentFrame?: number,
  ) => {
    const frame =
      parentFrame !== undefined && child.attrs.frame === undefined
        ? parentFrame
        : toFrame(r, child, startFrame, step);
    const { immutable, mutable } = splitAttributes(r.attributes(child, owner), owner.attributes);
    const shape: TrackedShape = {
      type: g.type,
      frame,
      occluded: r.flag(child, 'occluded'),
      outside: r.flag(child, 'outside'),
      z_order: r.integer(child, 'z_order', 0),
      rotation: g.rotation,
      points: g.points,
      attributes: mutable,
    };
    return {
      shape,
      immutable,
      keyframe: child.attrs.keyframe === undefined ? true : r.flag(child, 'keyframe'),
    };
  };

  const addElement = (sublabelId: string, entry: ReturnType<typeof tracked>) => {
    let list = elementShapes.get(sublabelId);
    if (!list) elementShapes.set(sublabelId, (list = []));
    if (list.some((e) => e.shape.frame === entry.shape.frame)) return false;
    list.push(entry);
    let attrs = elementAttributes.get(sublabelId);
    if (!attrs) elementAttributes.set(sublabelId, (attrs = new Map()));
    for (const a of entry.immutable) if (!attrs.has(a.spec_id)) attrs.set(a.spec_id, a.value);
    return true;
  };

  for (const child of el.children) {
    if (child.name === 'track') {
      // The 2022 layout: skeleton points as nested tracks.
      const sub = r.sublabel(child, label);
      for (const c of child.children) {
        if (c.name !== 'points') continue;
        const entry = tracked(
          c,
          { name: child.attrs.label ?? '', attributes: sub.attributes },
          r.geometry(c),
        );
        if (!addElement(sub.id, entry))
          throw r.error(c, `frame ${c.attrs.frame} appears twice in the track`, 'one shape per frame');
      }
      continue;
    }
    if (!(child.name in SHAPE_TAGS)) continue;
    const g = r.geometry(child);
    if (g.type === 'skeleton') g.points = [];
    const entry = tracked(child, label, g);
    if (frames.has(entry.shape.frame))
      throw r.error(child, `frame ${child.attrs.frame} appears twice in the track`, 'one shape per frame');
    frames.add(entry.shape.frame);
    if (shapes.length > 0 && shapes[0]!.shape.type !== g.type)
      throw r.error(
        child,
        `a <${child.name}> in a track of ${shapes[0]!.shape.type} shapes`,
        'one shape type per track',
      );
    for (const a of entry.immutable)
      if (!trackAttributes.has(a.spec_id)) trackAttributes.set(a.spec_id, a.value);
    shapes.push(entry);
    if (g.type === 'skeleton') {
      // The 2023 layout: skeleton points inside each skeleton frame.
      for (const c of child.children) {
        if (c.name !== 'points') continue;
        const sub = r.sublabel(c, label);
        const p = r.geometry(c);
        const e = tracked(c, { name: c.attrs.label ?? '', attributes: sub.attributes }, p, entry.shape.frame);
        if (c.attrs.keyframe === undefined) e.keyframe = entry.keyframe;
        if (!addElement(sub.id, e))
          throw r.error(c, `point "${c.attrs.label}" appears twice`, 'one per skeleton point');
      }
    }
  }
  if (shapes.length === 0 && elementShapes.size === 0)
    throw r.error(el, 'an empty track', 'at least one shape');
  if (shapes.length === 0) {
    // A skeleton track that only has nested point tracks: its own keyframes follow them.
    const all = [...elementShapes.values()].flat();
    const byFrame = new Map<number, boolean>();
    for (const e of all) byFrame.set(e.shape.frame, (byFrame.get(e.shape.frame) ?? false) || e.keyframe);
    for (const [frame, keyframe] of byFrame)
      shapes.push({
        keyframe,
        shape: {
          type: 'skeleton',
          frame,
          occluded: false,
          outside: false,
          z_order: 0,
          rotation: 0,
          points: [],
          attributes: [],
        },
      });
  }
  const keyframes = keepKeyframes(shapes);
  const elements: Track['elements'] = [];
  const order = label.sublabels.map((s) => s.id);
  for (const id of [...elementShapes.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b))) {
    elements.push({
      label_id: id,
      shapes: keepKeyframes(elementShapes.get(id)!),
      attributes: [...(elementAttributes.get(id) ?? [])].map(([spec_id, value]) => ({ spec_id, value })),
    });
  }
  return {
    ...fileMeta(),
    job_id: '',
    frame: keyframes[0]!.frame,
    label_id: label.id,
    group: r.integer(el, 'group_id', 0, 0),
    source: r.source(el),
    attributes: [...trackAttributes].map(([spec_id, value]) => ({ spec_id, value })),
    shapes: keyframes,
    elements,
  };
}
