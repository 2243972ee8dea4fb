/**
 * The objects sidebar's model, free of the DOM: ordering, per-label counts, attribute edits and
 * the row layout that lets the list render only the rows in view.
 */
import type { AttributeSpec, AttributeValue, FrameObject, Id, LabelSpec, Shape } from '../../core/types';

export const OBJECT_SORTS = ['id-asc', 'id-desc', 'updated', 'label'] as const;
export type ObjectSort = (typeof OBJECT_SORTS)[number];

export const SORT_NAMES: Record<ObjectSort, string> = {
  'id-asc': 'ID ascending',
  'id-desc': 'ID descending',
  updated: 'Updated time',
  label: 'Label',
};

/** Fields the sidebar edits. `color` is the per-object (instance) colour. */
export type ObjectPatch = Partial<
  Pick<Shape, 'label_id' | 'attributes' | 'occluded' | 'outside' | 'z_order'>
> & {
  color?: string;
};

export type ObjectMenuAction =
  'copy' | 'paste' | 'to-front' | 'to-back' | 'forward' | 'backward' | 'object-url' | 'redraw' | 'delete';

const byId = (a: FrameObject, b: FrameObject) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Objects in sidebar order. IDs are ULIDs, so ID order is creation order. "Updated time" puts
 * the latest change first, as CVAT does; label order is by label name, then creation.
 */
export function sortObjects(
  objects: readonly FrameObject[],
  sort: ObjectSort,
  labels: readonly LabelSpec[],
): FrameObject[] {
  const list = [...objects];
  switch (sort) {
    case 'id-asc':
      return list.sort(byId);
    case 'id-desc':
      return list.sort((a, b) => byId(b, a));
    case 'updated':
      return list.sort((a, b) =>
        a.updated_date === b.updated_date ? byId(b, a) : a.updated_date < b.updated_date ? 1 : -1,
      );
    case 'label': {
      const names = new Map(labels.map((l) => [l.id, l.name]));
      const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
      return list.sort(
        (a, b) => collator.compare(names.get(a.label_id) ?? '', names.get(b.label_id) ?? '') || byId(a, b),
      );
    }
  }
}

export interface LabelCount {
  label: LabelSpec;
  count: number;
  /** IDs of the label's objects, for hiding or locking them together. */
  ids: Id[];
  hidden: number;
  locked: number;
}

/** Objects per label in label order, with how many of them are hidden and locked. */
export function countByLabel(
  objects: readonly FrameObject[],
  labels: readonly LabelSpec[],
  hidden: ReadonlySet<Id>,
  locked: ReadonlySet<Id>,
): LabelCount[] {
  const counts = new Map<Id, LabelCount>(
    labels.map((label) => [label.id, { label, count: 0, ids: [], hidden: 0, locked: 0 }]),
  );
  for (const object of objects) {
    const entry = counts.get(object.label_id);
    if (!entry) continue;
    entry.count++;
    entry.ids.push(object.id);
    if (hidden.has(object.id)) entry.hidden++;
    if (locked.has(object.id)) entry.locked++;
  }
  return [...counts.values()];
}

/** `values` of a number attribute are `[min, max, step]`, as in CVAT. */
export function numberRange(spec: AttributeSpec): { min: number; max: number; step: number } {
  const [min, max, step] = spec.values.map(Number);
  return {
    min: Number.isFinite(min) ? (min as number) : 0,
    max: Number.isFinite(max) ? (max as number) : 100,
    step: Number.isFinite(step) && (step as number) > 0 ? (step as number) : 1,
  };
}

/** The value the object has for an attribute, or the attribute's default. */
export function attributeValue(attributes: readonly AttributeValue[], spec: AttributeSpec): string {
  return attributes.find((a) => a.spec_id === spec.id)?.value ?? spec.default_value;
}

/** The attributes with one value set, keeping the order of the others. */
export function withAttribute(
  attributes: readonly AttributeValue[],
  specId: Id,
  value: string,
): AttributeValue[] {
  const found = attributes.some((a) => a.spec_id === specId);
  return found
    ? attributes.map((a) => (a.spec_id === specId ? { spec_id: specId, value } : a))
    : [...attributes, { spec_id: specId, value }];
}

/** The fields that change with an object's label: the label and its attributes' defaults. */
export function labelChange(label: LabelSpec): ObjectPatch {
  return {
    label_id: label.id,
    attributes: label.attributes.map((a) => ({ spec_id: a.id, value: a.default_value })),
  };
}

/** A number attribute's value clamped into its range and onto its step; null when not a number. */
export function clampNumber(spec: AttributeSpec, input: string): string | null {
  const value = Number(input);
  if (input.trim() === '' || !Number.isFinite(value)) return null;
  const { min, max, step } = numberRange(spec);
  const snapped = min + Math.round((value - min) / step) * step;
  const clamped = Math.min(max, Math.max(min, snapped));
  // Round away float noise from the step arithmetic (0.1 + 0.2).
  return String(Number(clamped.toFixed(10)));
}

/**
 * Row positions of a list whose rows have known heights. Offsets are prefix sums, so finding
 * the rows in view is a binary search, not a walk over 10,000 rows.
 */
export class RowLayout {
  /** offsets[i] is the top of row i; offsets[n] is the total height. */
  readonly offsets: Float64Array;

  constructor(heights: readonly number[]) {
    this.offsets = new Float64Array(heights.length + 1);
    for (let i = 0; i < heights.length; i++) this.offsets[i + 1] = (this.offsets[i] ?? 0) + (heights[i] ?? 0);
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  get total(): number {
    return this.offsets[this.count] ?? 0;
  }

  top(index: number): number {
    return this.offsets[index] ?? 0;
  }

  height(index: number): number {
    return this.top(index + 1) - this.top(index);
  }

  /** The row that contains `y`, clamped into the list. */
  indexAt(y: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.top(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  }

  /** Rows [start, end) to render for a viewport, with `overscan` extra rows on each side. */
  visibleRange(scrollTop: number, viewport: number, overscan = 4): { start: number; end: number } {
    if (this.count === 0) return { start: 0, end: 0 };
    const first = this.indexAt(scrollTop);
    const last = this.indexAt(scrollTop + Math.max(0, viewport - 1));
    return { start: Math.max(0, first - overscan), end: Math.min(this.count, last + 1 + overscan) };
  }

  /** The scroll position that brings a row fully into view, or null when it already is. */
  scrollToReveal(index: number, scrollTop: number, viewport: number): number | null {
    if (index < 0 || index >= this.count) return null;
    const top = this.top(index);
    const bottom = top + this.height(index);
    if (top < scrollTop) return top;
    if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
    return null;
  }
}
