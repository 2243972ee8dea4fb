/**
 * The object properties a filter can test, under the names CVAT uses in its JsonLogic `var`s,
 * and the operators the builder offers for each kind of value.
 */
import { SHAPE_TYPES, type AttributeSpec, type InputType, type LabelSpec } from '../types';

export const OBJECT_TYPES = ['shape', 'track', 'tag'] as const;
export type FilterObjectType = (typeof OBJECT_TYPES)[number];

export const SOURCES = ['manual', 'auto', 'semi-auto', 'file', 'consensus'] as const;

/** Plain (non-attribute) properties, as CVAT names them. `source` is a Loupe addition. */
export const BASE_FIELDS = [
  'label',
  'type',
  'shape',
  'occluded',
  'width',
  'height',
  'objectID',
  'serverID',
  'source',
] as const;
export type BaseField = (typeof BASE_FIELDS)[number];

export type ValueType = 'select' | 'boolean' | 'number' | 'text';

export const OPERATORS = [
  'equal',
  'not_equal',
  'less',
  'less_or_equal',
  'greater',
  'greater_or_equal',
  'between',
  'not_between',
  'is_empty',
  'is_not_empty',
  'like',
  'not_like',
  'starts_with',
  'ends_with',
  'any_in',
  'not_any_in',
] as const;
export type OperatorId = (typeof OPERATORS)[number];

/** Operators offered per value type (CVAT's query builder offers the same sets). */
export const OPERATORS_BY_TYPE: Readonly<Record<ValueType, readonly OperatorId[]>> = {
  select: ['equal', 'not_equal', 'any_in', 'not_any_in', 'is_empty', 'is_not_empty'],
  boolean: ['equal', 'not_equal'],
  number: [
    'equal',
    'not_equal',
    'less',
    'less_or_equal',
    'greater',
    'greater_or_equal',
    'between',
    'not_between',
    'is_empty',
    'is_not_empty',
  ],
  text: [
    'equal',
    'not_equal',
    'like',
    'not_like',
    'starts_with',
    'ends_with',
    'any_in',
    'not_any_in',
    'is_empty',
    'is_not_empty',
  ],
};

/** How many values an operator takes: none, one, two (a range) or a list. */
export function operatorArity(operator: OperatorId): 0 | 1 | 2 | 'list' {
  switch (operator) {
    case 'is_empty':
    case 'is_not_empty':
      return 0;
    case 'between':
    case 'not_between':
      return 2;
    case 'any_in':
    case 'not_any_in':
      return 'list';
    default:
      return 1;
  }
}

export interface FieldInfo {
  /** The JsonLogic variable, e.g. `width` or `attr.car.color`. */
  field: string;
  /** For menus, e.g. `Width` or `car › color`. */
  title: string;
  valueType: ValueType;
  /** Allowed values of select fields. */
  options?: readonly string[];
  /** For attributes: the label (null: the attribute of that name on any label) and attribute names. */
  attribute?: { label: string | null; name: string };
}

/** Dots inside label and attribute names are written as U+2219 in variable names, as CVAT does. */
const DOT_STANDIN = '\u2219';
const escapeName = (name: string): string => name.replaceAll('.', DOT_STANDIN);
const unescapeName = (name: string): string => name.replaceAll(DOT_STANDIN, '.');

/** `attr.<label>.<attribute>` (CVAT), or `attr.<attribute>` for that attribute on any label. */
export function attributeVar(label: string | null, attribute: string): string {
  return label === null
    ? `attr.${escapeName(attribute)}`
    : `attr.${escapeName(label)}.${escapeName(attribute)}`;
}

/** Splits an attribute variable; null for other variables. */
export function parseAttributeVar(name: string): { label: string | null; name: string } | null {
  if (!name.startsWith('attr.')) return null;
  const [first = '', second, ...rest] = name.slice(5).split('.');
  if (first === '' || second === '' || rest.length > 0) return null;
  if (second === undefined) return { label: null, name: unescapeName(first) };
  return { label: unescapeName(first), name: unescapeName(second) };
}

/** A variable name for display: dot stand-ins shown as dots. */
export function displayVar(name: string): string {
  return unescapeName(name);
}

export function attributeValueType(inputType: InputType): ValueType {
  switch (inputType) {
    case 'number':
      return 'number';
    case 'checkbox':
      return 'boolean';
    case 'text':
      return 'text';
    default:
      return 'select';
  }
}

function attributeField(label: string | null, spec: AttributeSpec): FieldInfo {
  const valueType = attributeValueType(spec.input_type);
  return {
    field: attributeVar(label, spec.name),
    title: label === null ? spec.name : `${label} › ${spec.name}`,
    valueType,
    ...(valueType === 'select' ? { options: spec.values } : {}),
    attribute: { label, name: spec.name },
  };
}

const BASE_TITLES: Record<BaseField, string> = {
  label: 'Label',
  type: 'Type',
  shape: 'Shape',
  occluded: 'Occluded',
  width: 'Width',
  height: 'Height',
  objectID: 'ObjectID',
  serverID: 'ServerID',
  source: 'Source',
};

function baseField(field: BaseField, labels: readonly LabelSpec[]): FieldInfo {
  const title = BASE_TITLES[field];
  switch (field) {
    case 'label':
      return { field, title, valueType: 'select', options: labels.map((label) => label.name) };
    case 'type':
      return { field, title, valueType: 'select', options: OBJECT_TYPES };
    case 'shape':
      return { field, title, valueType: 'select', options: SHAPE_TYPES };
    case 'source':
      return { field, title, valueType: 'select', options: SOURCES };
    case 'occluded':
      return { field, title, valueType: 'boolean' };
    default:
      return { field, title, valueType: 'number' };
  }
}

/** Every field the builder can offer for these labels: plain ones, then attributes per label. */
export function filterFields(labels: readonly LabelSpec[]): FieldInfo[] {
  const fields = BASE_FIELDS.map((field) => baseField(field, labels));
  for (const label of labels) {
    for (const spec of label.attributes) fields.push(attributeField(label.name, spec));
  }
  return fields;
}

/** The description of one variable, or null when these labels do not define it. */
export function fieldInfo(field: string, labels: readonly LabelSpec[]): FieldInfo | null {
  if ((BASE_FIELDS as readonly string[]).includes(field)) return baseField(field as BaseField, labels);
  const attribute = parseAttributeVar(field);
  if (attribute === null) return null;
  for (const label of labels) {
    if (attribute.label !== null && label.name !== attribute.label) continue;
    const spec = label.attributes.find((candidate) => candidate.name === attribute.name);
    if (spec) return attributeField(attribute.label, spec);
  }
  return null;
}

/** The operators offered for a field; text operators for unknown fields. */
export function operatorsFor(field: string, labels: readonly LabelSpec[]): readonly OperatorId[] {
  return OPERATORS_BY_TYPE[fieldInfo(field, labels)?.valueType ?? 'text'];
}
