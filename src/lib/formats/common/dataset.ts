/**
 * Helpers every codec shares: an empty dataset, a label book that finds or creates labels and
 * attribute specs by name, object metadata for imported objects, track expansion for image
 * formats, and a summary used by `loupe info` and the tests.
 */
import { nextLabelColor } from '../../core/colors';
import { newId, now } from '../../core/ids';
import { resolveShapes, shapeStateAt, trackRange } from '../../core/interpolation';
import type {
  AttributeSpec,
  AttributeValue,
  Dimension,
  InputType,
  LabelSpec,
  LabelType,
  ObjectMeta,
  Shape,
  SkeletonElement,
  SublabelSpec,
  Track,
} from '../../core/types';
import type { Dataset, ImportContext } from '../types';

export function emptyDataset(dimension: Dimension = '2d'): Dataset {
  return { dimension, labels: [], items: [], shapes: [], tags: [], tracks: [], meta: {} };
}

let stampAt = 0;
let stamp = '';

/** `id`, `updated_date` and `author: ''` for an object read from a file. */
export function fileMeta(): ObjectMeta {
  const t = Date.now();
  if (t !== stampAt) {
    stampAt = t;
    stamp = now(new Date(t));
  }
  return { id: newId(), updated_date: stamp, author: '' };
}

export interface AttributeInit {
  input_type?: InputType;
  mutable?: boolean;
  values?: string[];
  default_value?: string;
}

/** Guesses an attribute's input type from values seen in a file (`true`/`false`, numbers, text). */
export function guessInputType(values: readonly unknown[]): InputType {
  if (values.length > 0 && values.every((v) => typeof v === 'boolean' || v === 'true' || v === 'false'))
    return 'checkbox';
  if (values.length > 0 && values.every((v) => typeof v === 'number')) return 'number';
  return 'text';
}

/**
 * Labels of a dataset being imported, found or created by name. Labels created here get the
 * next palette colour, type `any` unless given, no attributes and no sublabels.
 */
export class LabelBook {
  readonly labels: LabelSpec[];
  private readonly byName = new Map<string, LabelSpec>();
  private readonly byId = new Map<string, LabelSpec>();

  constructor(labels: LabelSpec[] = []) {
    this.labels = labels;
    for (const label of labels) {
      this.byName.set(label.name, label);
      this.byId.set(label.id, label);
    }
  }

  find(name: string): LabelSpec | undefined {
    return this.byName.get(name);
  }

  get(id: string): LabelSpec | undefined {
    return this.byId.get(id);
  }

  /** The label called `name`, created when missing. */
  label(name: string, type: LabelType = 'any', color?: string): LabelSpec {
    const found = this.byName.get(name);
    if (found) return found;
    const label: LabelSpec = {
      id: newId(),
      name,
      color: color ?? nextLabelColor(this.labels.map((l) => l.color)),
      type,
      attributes: [],
      sublabels: [],
      svg: '',
    };
    this.labels.push(label);
    this.byName.set(name, label);
    this.byId.set(label.id, label);
    return label;
  }

  /** The attribute spec `name` of `owner` (a label or a sublabel), created when missing. */
  attribute(owner: Pick<LabelSpec, 'attributes'>, name: string, init: AttributeInit = {}): AttributeSpec {
    const found = owner.attributes.find((a) => a.name === name);
    if (found) return found;
    const input_type = init.input_type ?? 'text';
    const values = init.values ?? (input_type === 'checkbox' ? ['false'] : []);
    const spec: AttributeSpec = {
      id: newId(),
      name,
      input_type,
      mutable: init.mutable ?? false,
      values,
      default_value: init.default_value ?? values[0] ?? '',
    };
    owner.attributes.push(spec);
    return spec;
  }

  /** The skeleton point `name` of `label`, created when missing (the label becomes a skeleton). */
  sublabel(label: LabelSpec, name: string, color?: string): SublabelSpec {
    const found = label.sublabels.find((s) => s.name === name);
    if (found) return found;
    const sub: SublabelSpec = {
      id: newId(),
      name,
      color: color ?? nextLabelColor([label.color, ...label.sublabels.map((s) => s.color)]),
      type: 'points',
      attributes: [],
    };
    label.sublabels.push(sub);
    if (label.type === 'any') label.type = 'skeleton';
    return sub;
  }

  /** Finds the sublabel with id `id` in any label. */
  findSublabel(id: string): { label: LabelSpec; sublabel: SublabelSpec } | undefined {
    for (const label of this.labels) {
      const sublabel = label.sublabels.find((s) => s.id === id);
      if (sublabel) return { label, sublabel };
    }
    return undefined;
  }
}

/** Track-level values first, then the keyframe's (mutable) values, one per spec. */
function mergeAttributes(
  track: readonly AttributeValue[],
  shape: readonly AttributeValue[],
): AttributeValue[] {
  const out = new Map<string, string>();
  for (const a of track) out.set(a.spec_id, a.value);
  for (const a of shape) out.set(a.spec_id, a.value);
  return [...out].map(([spec_id, value]) => ({ spec_id, value }));
}

function frameList(dataset: Dataset): number[] {
  if (dataset.items.length > 0) return dataset.items.map((i) => i.frame).sort((a, b) => a - b);
  let last = -1;
  for (const t of dataset.tracks) {
    for (const s of t.shapes) last = Math.max(last, s.frame);
    for (const e of t.elements) for (const s of e.shapes) last = Math.max(last, s.frame);
  }
  return Array.from({ length: last + 1 }, (_, i) => i);
}

/** The shapes of one track on every frame it is visible, among `frames` (sorted). */
export function trackToShapes(track: Track, frames: readonly number[]): Shape[] {
  const range = trackRange(track);
  if (range === null) return [];
  const out: Shape[] = [];
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (frames[mid]! < range[0]) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < frames.length && frames[k]! <= range[1]; k++) {
    const frame = frames[k]!;
    const s = resolveShapes(track.shapes, frame);
    if (s === null) continue;
    const base = {
      ...fileMeta(),
      frame,
      label_id: track.label_id,
      occluded: s.occluded,
      outside: false,
      z_order: s.z_order,
      rotation: s.rotation,
      group: track.group,
      source: track.source,
      attributes: mergeAttributes(track.attributes, s.attributes),
    };
    if (track.elements.length > 0) {
      let visible = false;
      const elements: SkeletonElement[] = [];
      for (const element of track.elements) {
        const state = shapeStateAt(element.shapes, frame);
        if (state === null) continue;
        if (!state.outside) visible = true;
        elements.push({
          label_id: element.label_id,
          type: 'points',
          points: [state.points[0] ?? 0, state.points[1] ?? 0],
          occluded: state.occluded,
          outside: state.outside,
          attributes: mergeAttributes(element.attributes, state.attributes),
        });
      }
      if (!visible) continue;
      out.push({ ...base, type: 'skeleton', points: [], elements });
      continue;
    }
    out.push({ ...base, type: s.type, points: [...s.points] } as Shape);
  }
  return out;
}

/**
 * The dataset with every track replaced by its shapes on each frame where it is visible (frames
 * are the dataset's items; without items, 0 to the last keyframe). Interpolation is the one in
 * `core/interpolation`; outside frames are dropped. Shapes come after the existing ones.
 */
export function expandTracks(dataset: Dataset): Dataset {
  if (dataset.tracks.length === 0) return dataset;
  const frames = frameList(dataset);
  const shapes = [...dataset.shapes];
  for (const track of dataset.tracks) for (const s of trackToShapes(track, frames)) shapes.push(s);
  return { ...dataset, shapes, tracks: [] };
}

export interface DatasetSummary {
  dimension: Dimension;
  items: number;
  subsets: Record<string, number>;
  labels: number;
  /** Shape counts by type. */
  shapes: Record<string, number>;
  shapeTotal: number;
  tags: number;
  tracks: number;
  keyframes: number;
}

export function summarizeDataset(dataset: Dataset): DatasetSummary {
  const shapes: Record<string, number> = {};
  for (const s of dataset.shapes) shapes[s.type] = (shapes[s.type] ?? 0) + 1;
  const subsets: Record<string, number> = {};
  for (const item of dataset.items) subsets[item.subset] = (subsets[item.subset] ?? 0) + 1;
  return {
    dimension: dataset.dimension,
    items: dataset.items.length,
    subsets,
    labels: dataset.labels.length,
    shapes,
    shapeTotal: dataset.shapes.length,
    tags: dataset.tags.length,
    tracks: dataset.tracks.length,
    keyframes: dataset.tracks.reduce((n, t) => n + t.shapes.length, 0),
  };
}

/** A file's name without folders and extension: `images/a/0001.jpg` → `0001`. */
export function stem(path: string): string {
  const base = path.split('/').pop() ?? path;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** The key items are matched by across formats: the path without extension. */
export function itemKey(name: string): string {
  const dot = name.lastIndexOf('.');
  const slash = name.lastIndexOf('/');
  return dot > slash + 0 && dot > 0 ? name.slice(0, dot) : name;
}

/** Throws `AbortError` when the signal is aborted. */
export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Warnings of one import: kept for the dataset's summary and passed on to the caller's
 * `context.warn` as they happen.
 */
export function warningCollector(context: Pick<ImportContext, 'warn'>): {
  warnings: string[];
  warn: (message: string) => void;
} {
  const warnings: string[] = [];
  return {
    warnings,
    warn: (message) => {
      warnings.push(message);
      context.warn?.(message);
    },
  };
}
