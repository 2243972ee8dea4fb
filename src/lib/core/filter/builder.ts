/**
 * The filter builder's model: groups joined by And/Or (optionally negated) holding rules
 * (field, operator, values), converted to and from CVAT's JsonLogic form.
 */
import type { PathSegment } from '../jsonPositions';
import { OPERATORS_BY_TYPE, operatorArity, type OperatorId, type ValueType } from './fields';
import {
  FilterPathError,
  isVarRef,
  unaryArgument,
  type FilterError,
  type FilterLogic,
  type JsonPrimitive,
  type Operand,
  type VarRef,
} from './model';

export interface FilterRule {
  type: 'rule';
  /** The JsonLogic variable, e.g. `label` or `attr.car.color`. */
  field: string;
  operator: OperatorId;
  /**
   * None for `is_empty`/`is_not_empty`, `[low, high]` for the between operators, the listed
   * constants for `any_in`/`not_any_in`, one value otherwise. A value may be another field
   * (`{"var": "height"}`) for the comparison operators.
   */
  value: Operand[];
}

export interface FilterGroup {
  type: 'group';
  conjunction: 'and' | 'or';
  not: boolean;
  children: FilterNode[];
}

export type FilterNode = FilterRule | FilterGroup;

export function emptyGroup(conjunction: 'and' | 'or' = 'and'): FilterGroup {
  return { type: 'group', conjunction, not: false, children: [] };
}

/** A rule with the first operator offered for the value type and blank values. */
export function newRule(field: string, valueType: ValueType): FilterRule {
  const operator = OPERATORS_BY_TYPE[valueType][0] ?? 'equal';
  const blank: JsonPrimitive = valueType === 'number' ? 0 : valueType === 'boolean' ? true : '';
  return { type: 'rule', field, operator, value: valuesFor(operator, [], blank) };
}

/** The rule's values adjusted to the arity of another operator (kept where they fit). */
export function valuesFor(
  operator: OperatorId,
  current: readonly Operand[],
  blank: JsonPrimitive = '',
): Operand[] {
  const arity = operatorArity(operator);
  if (arity === 'list') return current.filter((value) => !isVarRef(value));
  if (arity === 0) return [];
  return Array.from({ length: arity }, (_unused, index) => current[index] ?? blank);
}

// ---- to JsonLogic ----

const constants = (values: readonly Operand[]): JsonPrimitive[] =>
  values.filter((value): value is JsonPrimitive => !isVarRef(value));

function ruleToJsonLogic(rule: FilterRule): FilterLogic {
  const field: VarRef = { var: rule.field };
  const first = rule.value[0] ?? null;
  const second = rule.value[1] ?? null;
  switch (rule.operator) {
    case 'equal':
      return { '==': [field, first] };
    case 'not_equal':
      return { '!=': [field, first] };
    case 'less':
      return { '<': [field, first] };
    case 'less_or_equal':
      return { '<=': [field, first] };
    case 'greater':
      return { '>': [field, first] };
    case 'greater_or_equal':
      return { '>=': [field, first] };
    case 'between':
      return { '<=': [first, field, second] };
    case 'not_between':
      return { '!': { '<=': [first, field, second] } };
    case 'is_empty':
      return { '!': field };
    case 'is_not_empty':
      return { '!!': field };
    case 'like':
      return { in: [first, field] };
    case 'not_like':
      return { '!': { in: [first, field] } };
    case 'starts_with':
      return { startsWith: [field, first] };
    case 'ends_with':
      return { endsWith: [field, first] };
    case 'any_in':
      return { in: [field, constants(rule.value)] };
    case 'not_any_in':
      return { '!': { in: [field, constants(rule.value)] } };
  }
}

/** The JsonLogic of a builder tree, in the form CVAT's filter panel writes. */
export function toJsonLogic(node: FilterNode): FilterLogic {
  if (node.type === 'rule') return ruleToJsonLogic(node);
  const children = node.children.map(toJsonLogic);
  const group: FilterLogic = node.conjunction === 'and' ? { and: children } : { or: children };
  return node.not ? { '!': group } : group;
}

// ---- from JsonLogic ----

function isObject(node: FilterLogic): node is Exclude<FilterLogic, JsonPrimitive> {
  return typeof node === 'object' && node !== null;
}

function fieldOf(operand: Operand, path: readonly PathSegment[]): string {
  if (!isVarRef(operand)) throw new FilterPathError(path, 'expected a field ({"var": name})');
  return operand.var;
}

function rule(field: string, operator: OperatorId, value: Operand[]): FilterRule {
  return { type: 'rule', field, operator, value };
}

/** A negated rule (`not_between`, `not_like`, `not_any_in`, `is_empty`), or null. */
function negatedRule(inner: FilterLogic, path: readonly PathSegment[]): FilterRule | null {
  if (!isObject(inner)) return null;
  if (isVarRef(inner)) return rule(inner.var, 'is_empty', []);
  if ('<=' in inner && inner['<='].length === 3) {
    const [low, field, high] = inner['<='];
    return rule(fieldOf(field, [...path, '<=', 1]), 'not_between', [low, high ?? null]);
  }
  if ('in' in inner) {
    const parsed = inRule(inner.in, [...path, 'in']);
    return { ...parsed, operator: parsed.operator === 'like' ? 'not_like' : 'not_any_in' };
  }
  return null;
}

function inRule([a, b]: [Operand, Operand | JsonPrimitive[]], path: readonly PathSegment[]): FilterRule {
  if (Array.isArray(b)) return rule(fieldOf(a, [...path, 0]), 'any_in', [...b]);
  return rule(fieldOf(b, [...path, 1]), 'like', [a]);
}

function binaryRule(
  operator: OperatorId,
  [field, value]: readonly [Operand, Operand, Operand?],
  path: readonly PathSegment[],
): FilterRule {
  return rule(fieldOf(field, [...path, 0]), operator, [value]);
}

function nodeFromJsonLogic(node: FilterLogic, path: readonly PathSegment[]): FilterNode {
  if (!isObject(node)) throw new FilterPathError(path, 'a constant cannot be shown as a rule');
  if (isVarRef(node)) throw new FilterPathError(path, 'a bare field cannot be shown as a rule');
  if ('and' in node || 'or' in node) {
    const conjunction = 'and' in node ? 'and' : 'or';
    const items = 'and' in node ? node.and : node.or;
    return {
      type: 'group',
      conjunction,
      not: false,
      children: items.map((child, index) => nodeFromJsonLogic(child, [...path, conjunction, index])),
    };
  }
  if ('!' in node) {
    const at = Array.isArray(node['!']) ? [...path, '!', 0] : [...path, '!'];
    const inner = unaryArgument(node['!']);
    if (isObject(inner) && ('and' in inner || 'or' in inner)) {
      const group = nodeFromJsonLogic(inner, at) as FilterGroup;
      return { ...group, not: !group.not };
    }
    const negated = negatedRule(inner, at);
    if (negated) return negated;
    throw new FilterPathError(at, 'only groups and fields can be negated in the builder');
  }
  if ('!!' in node) {
    const at = Array.isArray(node['!!']) ? [...path, '!!', 0] : [...path, '!!'];
    const inner = unaryArgument(node['!!']);
    if (isVarRef(inner)) return rule(inner.var, 'is_not_empty', []);
    throw new FilterPathError(at, 'expected a field ({"var": name})');
  }
  if ('in' in node) return inRule(node.in, [...path, 'in']);
  if ('<' in node || '<=' in node) {
    const op = '<=' in node ? '<=' : '<';
    const args = '<=' in node ? node['<='] : node['<'];
    if (args.length === 3) {
      if (op === '<') throw new FilterPathError([...path, op], 'the builder writes ranges with "<="');
      return rule(fieldOf(args[1], [...path, op, 1]), 'between', [args[0], args[2] ?? null]);
    }
    return binaryRule(op === '<' ? 'less' : 'less_or_equal', args, [...path, op]);
  }
  if ('startsWith' in node) return binaryRule('starts_with', node.startsWith, [...path, 'startsWith']);
  if ('endsWith' in node) return binaryRule('ends_with', node.endsWith, [...path, 'endsWith']);
  if ('==' in node) return binaryRule('equal', node['=='], [...path, '==']);
  if ('!=' in node) return binaryRule('not_equal', node['!='], [...path, '!=']);
  if ('>' in node) return binaryRule('greater', node['>'], [...path, '>']);
  if ('>=' in node) return binaryRule('greater_or_equal', node['>='], [...path, '>=']);
  const op = Object.keys(node)[0] ?? '';
  throw new FilterPathError([...path, op], `the builder has no operator for ${JSON.stringify(op)}`);
}

export type FromJsonLogicResult = { ok: true; group: FilterGroup } | { ok: false; error: FilterError };

/**
 * The builder tree of a validated filter. A filter that is a single rule comes back inside an
 * And group. Filters the builder cannot show (e.g. `===`, constants) are errors with a path.
 */
export function fromJsonLogic(filter: FilterLogic): FromJsonLogicResult {
  try {
    const node = nodeFromJsonLogic(filter, []);
    const group: FilterGroup = node.type === 'group' ? node : { ...emptyGroup(), children: [node] };
    return { ok: true, group };
  } catch (error) {
    if (error instanceof FilterPathError) return { ok: false, error: error.toFilterError() };
    throw error;
  }
}
