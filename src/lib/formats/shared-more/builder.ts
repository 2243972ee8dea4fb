/**
 * Builds a format-neutral `Dataset` while a file is read: labels and attributes are found or
 * created by name, items get consecutive frame numbers, and objects get fresh ids.
 */
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
import { emptyDataset, fileMeta, LabelBook } from '../common/dataset';
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
  /** Labels, attributes and sublabels are found or created by name in the common label book. */
  readonly book: LabelBook;
  private readonly itemByKey = new Map<string, DatasetItem>();

  constructor(dimension: Dataset['dimension'] = '2d') {
    this.dataset = emptyDataset(dimension);
    this.book = new LabelBook(this.dataset.labels);
  }

  /** The label named `name`, created with `type` and an optional `#rrggbb` colour. */
  label(name: string, type: LabelType = 'any', color?: string): LabelSpec {
    return this.book.label(name, type, color);
  }

  findLabel(name: string): LabelSpec | undefined {
    return this.book.find(name);
  }

  /** The attribute `name` of `label`, created from `init` when absent. */
  attribute(label: LabelSpec | SublabelSpec, name: string, init: AttributeInit): AttributeSpec {
    return this.book.attribute(label, name, init);
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
    return this.book.sublabel(parent, name);
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
      ...fileMeta(),
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
      ...fileMeta(),
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
      ...fileMeta(),
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
