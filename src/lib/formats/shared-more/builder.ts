/**
 * Builds a format-neutral `Dataset` while a file is read: labels and attributes are found or
 * created by name, items get consecutive frame numbers, and objects get fresh ids.
 */
import { nextLabelColor } from '../../core/colors';
import { newId, now } from '../../core/ids';
import type {
  AttributeSpec,
  AttributeValue,
  InputType,
  LabelSpec,
  LabelType,
  Shape,
  SkeletonElement,
  SublabelSpec,
  Tag,
  Track,
  TrackedShape,
} from '../../core/types';
import type { Dataset, DatasetItem } from '../types';

export interface AttributeInit {
  input_type: InputType;
  values?: string[];
  default_value?: string;
  mutable?: boolean;
}

/** Geometry and flags of a shape; the rest gets defaults. */
export type ShapeInit = Pick<Shape, 'type' | 'frame' | 'label_id' | 'points'> &
  Partial<
    Pick<Shape, 'occluded' | 'outside' | 'z_order' | 'rotation' | 'group' | 'attributes' | 'source'>
  > & {
    elements?: SkeletonElement[];
  };

export class DatasetBuilder {
  readonly dataset: Dataset;
  private readonly byName = new Map<string, LabelSpec>();
  private readonly itemByKey = new Map<string, DatasetItem>();
  private readonly stamp = now();

  constructor(dimension: Dataset['dimension'] = '2d') {
    this.dataset = { dimension, labels: [], items: [], shapes: [], tags: [], tracks: [], meta: {} };
  }

  /** The label named `name`, created with `type` and an optional `#rrggbb` colour. */
  label(name: string, type: LabelType = 'any', color?: string): LabelSpec {
    const found = this.byName.get(name);
    if (found) return found;
    const spec: LabelSpec = {
      id: newId(),
      name,
      color: color ?? nextLabelColor(this.dataset.labels.map((l) => l.color)),
      type,
      attributes: [],
      sublabels: [],
      svg: '',
    };
    this.byName.set(name, spec);
    this.dataset.labels.push(spec);
    return spec;
  }

  findLabel(name: string): LabelSpec | undefined {
    return this.byName.get(name);
  }

  /** The attribute `name` of `label`, created from `init` when absent. */
  attribute(label: LabelSpec | SublabelSpec, name: string, init: AttributeInit): AttributeSpec {
    const found = label.attributes.find((a) => a.name === name);
    if (found) return found;
    const values = init.values ?? (init.input_type === 'checkbox' ? ['false'] : []);
    const spec: AttributeSpec = {
      id: newId(),
      name,
      input_type: init.input_type,
      mutable: init.mutable ?? false,
      values,
      default_value: init.default_value ?? values[0] ?? '',
    };
    label.attributes.push(spec);
    return spec;
  }

  /** An attribute value of `label`'s attribute `name` (created as `init` when absent). */
  value(label: LabelSpec | SublabelSpec, name: string, value: string, init: AttributeInit): AttributeValue {
    const spec = this.attribute(label, name, init);
    if ((spec.input_type === 'select' || spec.input_type === 'radio') && !spec.values.includes(value)) {
      spec.values.push(value);
    }
    return { spec_id: spec.id, value };
  }

  /** A skeleton sub-label of `parent`. */
  sublabel(parent: LabelSpec, name: string): SublabelSpec {
    const found = parent.sublabels.find((s) => s.name === name);
    if (found) return found;
    const spec: SublabelSpec = {
      id: newId(),
      name,
      color: nextLabelColor(parent.sublabels.map((s) => s.color)),
      type: 'points',
      attributes: [],
    };
    parent.sublabels.push(spec);
    return spec;
  }

  /** The item `name` of `subset`, created with the next frame number. */
  item(name: string, subset = '', width = 0, height = 0): DatasetItem {
    const key = `${subset}\u0000${name}`;
    const found = this.itemByKey.get(key);
    if (found) {
      if (!found.width && width) found.width = width;
      if (!found.height && height) found.height = height;
      return found;
    }
    const item: DatasetItem = { frame: this.dataset.items.length, name, width, height, subset };
    this.itemByKey.set(key, item);
    this.dataset.items.push(item);
    return item;
  }

  findItem(name: string, subset = ''): DatasetItem | undefined {
    return this.itemByKey.get(`${subset}\u0000${name}`);
  }

  shape(init: ShapeInit): Shape {
    const shape = {
      id: newId(),
      updated_date: this.stamp,
      author: '',
      occluded: false,
      outside: false,
      z_order: 0,
      rotation: 0,
      group: 0,
      source: 'file',
      attributes: [],
      ...init,
    } as Shape;
    if (shape.type === 'skeleton') shape.elements = init.elements ?? [];
    this.dataset.shapes.push(shape);
    return shape;
  }

  tag(frame: number, label_id: string, attributes: AttributeValue[] = [], group = 0): Tag {
    const tag: Tag = {
      id: newId(),
      updated_date: this.stamp,
      author: '',
      frame,
      label_id,
      group,
      source: 'file',
      attributes,
    };
    this.dataset.tags.push(tag);
    return tag;
  }

  /** A track from keyframes sorted by frame. */
  track(label_id: string, shapes: TrackedShape[], attributes: AttributeValue[] = [], group = 0): Track {
    const sorted = [...shapes].sort((a, b) => a.frame - b.frame);
    const track: Track = {
      id: newId(),
      updated_date: this.stamp,
      author: '',
      job_id: '',
      frame: sorted[0]?.frame ?? 0,
      label_id,
      group,
      source: 'file',
      attributes,
      shapes: sorted,
      elements: [],
    };
    this.dataset.tracks.push(track);
    return track;
  }
}

/** A keyframe with defaults. */
export function keyframe(
  type: TrackedShape['type'],
  frame: number,
  points: number[],
  extra: Partial<TrackedShape> = {},
): TrackedShape {
  return {
    type,
    frame,
    points,
    occluded: false,
    outside: false,
    z_order: 0,
    rotation: 0,
    attributes: [],
    ...extra,
  };
}

/** Attribute value by attribute name, for exporters. */
export function attributeValue(
  label: LabelSpec | undefined,
  values: readonly AttributeValue[],
  name: string,
): string | undefined {
  const spec = label?.attributes.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (!spec) return undefined;
  return values.find((v) => v.spec_id === spec.id)?.value ?? spec.default_value;
}

export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|yes)$/i.test(value.trim());
}

/** Labels by id. */
export function labelIndex(labels: readonly LabelSpec[]): Map<string, LabelSpec> {
  return new Map(labels.map((l) => [l.id, l]));
}
