/**
 * CVAT's attribute annotation mode, as pure state: the objects of the frame taken in order, the
 * active object and its active attribute, moving through them from the keyboard (Tab/Shift+Tab
 * for objects, Up/Down for attributes), digit keys choosing a value, and the box to zoom to.
 */
import { shapeBounds } from '$lib/core/shapes';
import type { AttributeSpec, AttributeValue, FrameObject, Id, LabelSpec } from '$lib/core/types';

export interface AamState {
  objectId: Id | null;
  attributeIndex: number;
}

/** The default zoom margin around the active object, image pixels (CVAT's default is 100). */
export const DEFAULT_AAM_MARGIN = 100;
export const MARGIN_KEY = 'loupe:aam-zoom-margin';

/** The objects the mode walks through: the frame's objects in the order they are listed. */
export function aamObjects(objects: readonly FrameObject[]): FrameObject[] {
  return [...objects].sort((a, b) => {
    const za = a.kind === 'shape' ? a.z_order : -Infinity;
    const zb = b.kind === 'shape' ? b.z_order : -Infinity;
    return za - zb || a.id.localeCompare(b.id);
  });
}

/** The state kept valid against the frame's objects: a present object, an attribute in range. */
export function normalizeState(
  state: AamState,
  objects: readonly FrameObject[],
  labels: readonly LabelSpec[],
): AamState {
  const object = objects.find((o) => o.id === state.objectId) ?? objects[0];
  if (!object) return { objectId: null, attributeIndex: 0 };
  const count = attributesOf(object, labels).length;
  const attributeIndex =
    object.id === state.objectId ? Math.min(Math.max(state.attributeIndex, 0), Math.max(count - 1, 0)) : 0;
  return { objectId: object.id, attributeIndex };
}

/** The next (delta 1) or previous (-1) object, wrapping around; the attribute starts at the first. */
export function stepObject(state: AamState, objects: readonly FrameObject[], delta: 1 | -1): AamState {
  if (objects.length === 0) return { objectId: null, attributeIndex: 0 };
  const at = objects.findIndex((o) => o.id === state.objectId);
  const next =
    at < 0 ? (delta === 1 ? 0 : objects.length - 1) : (at + delta + objects.length) % objects.length;
  return { objectId: objects[next]!.id, attributeIndex: 0 };
}

/** The next or previous attribute of the active object, wrapping around. */
export function stepAttribute(state: AamState, count: number, delta: 1 | -1): AamState {
  if (count === 0) return { ...state, attributeIndex: 0 };
  return { ...state, attributeIndex: (state.attributeIndex + delta + count) % count };
}

export function attributesOf(object: FrameObject, labels: readonly LabelSpec[]): AttributeSpec[] {
  return labels.find((l) => l.id === object.label_id)?.attributes ?? [];
}

/** The value an object has for an attribute (its default when it has none). */
export function valueOf(object: FrameObject, spec: AttributeSpec): string {
  return object.attributes.find((a) => a.spec_id === spec.id)?.value ?? spec.default_value;
}

/** Values with a number key: select and radio values, checkbox false/true, small number ranges. */
export const MAX_CHOICES = 10;

export function valueChoices(spec: AttributeSpec): string[] {
  switch (spec.input_type) {
    case 'select':
    case 'radio':
      return spec.values.slice(0, MAX_CHOICES);
    case 'checkbox':
      return ['false', 'true'];
    case 'number': {
      const [min, max, step] = spec.values.map(Number) as [number, number, number];
      if (![min, max, step].every(Number.isFinite) || step <= 0) return [];
      const count = Math.floor((max - min) / step + 1e-9) + 1;
      if (count > MAX_CHOICES) return [];
      return Array.from({ length: count }, (_v, i) => String(min + i * step));
    }
    default:
      return [];
  }
}

/** The digit key of the n-th choice: 1 … 9, then 0 for the tenth. */
export function keyOfChoice(index: number): string {
  return index === 9 ? '0' : String(index + 1);
}

/** The value a digit key picks for an attribute, or null when it picks none. */
export function valueForKey(spec: AttributeSpec, key: string): string | null {
  if (!/^[0-9]$/.test(key)) return null;
  const index = key === '0' ? 9 : Number(key) - 1;
  return valueChoices(spec)[index] ?? null;
}

/** The attributes with one value set (added when the object had none for it). */
export function withValue(
  attributes: readonly AttributeValue[],
  specId: Id,
  value: string,
): AttributeValue[] {
  const found = attributes.some((a) => a.spec_id === specId);
  return found
    ? attributes.map((a) => (a.spec_id === specId ? { ...a, value } : a))
    : [...attributes, { spec_id: specId, value }];
}

/** The image box to zoom to for an object (null for tags and shapes without geometry). */
export function zoomBox(
  object: FrameObject,
): { minX: number; minY: number; maxX: number; maxY: number } | null {
  if (object.kind !== 'shape') return null;
  const b = shapeBounds(object);
  return b ? { minX: b.xtl, minY: b.ytl, maxX: b.xbr, maxY: b.ybr } : null;
}

/** A stored margin, or the default when it is missing or not a non-negative number. */
export function readMargin(storage: Pick<Storage, 'getItem'> | undefined): number {
  const value = Number(storage?.getItem(MARGIN_KEY) ?? NaN);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_AAM_MARGIN;
}
