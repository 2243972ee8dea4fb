/**
 * The filter panel's logic: editing the builder tree by path, reading the text form with
 * clear errors, the recent-filters list kept in localStorage, and the frame search behind the
 * "next/previous frame with a matching object" buttons. Everything filter-specific lives in
 * `$lib/core/filter`; this module only wires it for the panel.
 */
import {
  addRecentFilter,
  anyObjectMatches,
  findFrame,
  newRule,
  parseFilter,
  parseFilterText,
  RECENT_FILTERS_MAX,
  valuesFor,
  type FieldInfo,
  type FilterContext,
  type FilterError,
  type FilterGroup,
  type FilterLogic,
  type FilterNode,
  type FilterPredicate,
  type FilterRule,
  type OperatorId,
} from '$lib/core/filter';
import type { FrameObject } from '$lib/core/types';

/** Where a node sits in the tree: child indices from the root group. */
export type NodePath = readonly number[];

function mapGroupAt(
  root: FilterGroup,
  path: NodePath,
  change: (group: FilterGroup) => FilterGroup,
): FilterGroup {
  if (path.length === 0) return change(root);
  const [head, ...rest] = path;
  return {
    ...root,
    children: root.children.map((child, index) => {
      if (index !== head) return child;
      if (child.type !== 'group') throw new Error(`node ${path.join('.')} is not a group`);
      return mapGroupAt(child, rest, change);
    }),
  };
}

/** The node at `path`, or undefined. */
export function nodeAt(root: FilterGroup, path: NodePath): FilterNode | undefined {
  let node: FilterNode = root;
  for (const index of path) {
    if (node.type !== 'group') return undefined;
    const next: FilterNode | undefined = node.children[index];
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** A new tree with `node` appended to the group at `groupPath`. */
export function addNode(root: FilterGroup, groupPath: NodePath, node: FilterNode): FilterGroup {
  return mapGroupAt(root, groupPath, (group) => ({ ...group, children: [...group.children, node] }));
}

/** A new tree with the node at `path` replaced; the root cannot be removed, only replaced. */
export function replaceNode(root: FilterGroup, path: NodePath, node: FilterNode): FilterGroup {
  if (path.length === 0) {
    if (node.type !== 'group') throw new Error('the root of a filter is a group');
    return node;
  }
  const parent = path.slice(0, -1);
  const index = path[path.length - 1]!;
  return mapGroupAt(root, parent, (group) => ({
    ...group,
    children: group.children.map((child, i) => (i === index ? node : child)),
  }));
}

export function removeNode(root: FilterGroup, path: NodePath): FilterGroup {
  if (path.length === 0) return { ...root, children: [] };
  const parent = path.slice(0, -1);
  const index = path[path.length - 1]!;
  return mapGroupAt(root, parent, (group) => ({
    ...group,
    children: group.children.filter((_child, i) => i !== index),
  }));
}

/** The rule for another field: the first operator offered for its type, values reset. */
export function ruleForField(info: FieldInfo): FilterRule {
  return newRule(info.field, info.valueType);
}

/** The rule with another operator, keeping the values that still fit. */
export function withOperator(
  rule: FilterRule,
  operator: OperatorId,
  valueType: FieldInfo['valueType'],
): FilterRule {
  const blank = valueType === 'number' ? 0 : valueType === 'boolean' ? true : '';
  return { ...rule, operator, value: valuesFor(operator, rule.value, blank) };
}

/** A value typed into a rule's input, converted to the field's type. */
export function parseValue(text: string, valueType: FieldInfo['valueType']): string | number | boolean {
  if (valueType === 'number') {
    const n = Number(text);
    return text.trim() === '' || Number.isNaN(n) ? 0 : n;
  }
  if (valueType === 'boolean') return text === 'true';
  return text;
}

/** Whether every rule has the values its operator needs (a group with no rules is incomplete). */
export function isComplete(node: FilterNode): boolean {
  if (node.type === 'group') return node.children.length > 0 && node.children.every(isComplete);
  if (node.operator === 'any_in' || node.operator === 'not_any_in') return node.value.length > 0;
  return node.value.every((value) => value !== '' && value !== null);
}

/** An error of the text form as one line: where it is and what is wrong. */
export function describeFilterError(error: FilterError): string {
  return error.path === '' ? error.message : `at ${error.path}: ${error.message}`;
}

export type TextResult = { ok: true; filter: FilterLogic } | { ok: false; message: string };

/** Reads the text form (JsonLogic as JSON); the error says where and what. */
export function readFilterText(text: string): TextResult {
  if (text.trim() === '')
    return { ok: false, message: 'Type a filter, e.g. {"==": [{"var": "label"}, "car"]}' };
  const parsed = parseFilterText(text);
  return parsed.ok ? parsed : { ok: false, message: describeFilterError(parsed.error) };
}

// ---- recent filters ----

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export const RECENT_KEY = 'loupe:recent-filters';

/** The stored recent filters; entries that are not valid filters are dropped. */
export function loadRecent(storage: StorageLike | undefined, key = RECENT_KEY): FilterLogic[] {
  const raw = storage?.getItem(key);
  if (!raw) return [];
  try {
    const items: unknown = JSON.parse(raw);
    if (!Array.isArray(items)) return [];
    return items
      .map((item) => parseFilter(item))
      .filter((result) => result.ok)
      .map((result) => result.filter)
      .slice(0, RECENT_FILTERS_MAX);
  } catch {
    return [];
  }
}

/** Puts `filter` first in the stored list and returns the list. */
export function rememberFilter(
  storage: StorageLike | undefined,
  filter: FilterLogic,
  key = RECENT_KEY,
): FilterLogic[] {
  const next = addRecentFilter(loadRecent(storage, key), filter);
  try {
    storage?.setItem(key, JSON.stringify(next));
  } catch {
    // A full or unavailable storage only loses the list.
  }
  return next;
}

// ---- frame search ----

/** The frames in `[start, stop]` that have objects, with them (what `findFrame` searches). */
export function framesWithObjects(
  start: number,
  stop: number,
  objectsOn: (frame: number) => readonly FrameObject[],
): [number, readonly FrameObject[]][] {
  const frames: [number, readonly FrameObject[]][] = [];
  for (let frame = start; frame <= stop; frame++) {
    const objects = objectsOn(frame);
    if (objects.length > 0) frames.push([frame, objects]);
  }
  return frames;
}

/**
 * The nearest frame after (or before) `from` with an object matching `predicate`, skipping the
 * frames `skip` says to (deleted ones); null when there is none.
 */
export function searchFrame(options: {
  from: number;
  direction: 'next' | 'previous';
  start: number;
  stop: number;
  objectsOn: (frame: number) => readonly FrameObject[];
  predicate: FilterPredicate;
  contextOf?: (frame: number) => FilterContext;
  skip?: (frame: number) => boolean;
}): number | null {
  const frames = framesWithObjects(options.start, options.stop, options.objectsOn).filter(
    ([frame]) => !options.skip?.(frame),
  );
  const context = options.contextOf;
  return findFrame(
    frames,
    options.from,
    options.direction,
    anyObjectMatches(options.predicate, context ? (frame) => context(frame) : undefined),
  );
}
