/**
 * Compiles a JsonLogic filter once into a predicate over frame objects. Semantics follow
 * JsonLogic applied to CVAT's per-object record (loose `==`, JavaScript ordering, a missing
 * property is `undefined`), so filters written for CVAT select the same objects.
 */
import { shapeBounds } from '../shapes';
import type { FrameObject, LabelSpec } from '../types';
import { parseAttributeVar, type FilterObjectType } from './fields';
import { isVarRef, unaryArgument, type FilterLogic, type JsonPrimitive, type Operand } from './model';

export interface FilterContext {
  /** When given, width and height are measured inside the frame (the visible part). */
  frameWidth?: number;
  frameHeight?: number;
  /** `track` for objects taken from a track; by default shapes are `shape` and tags `tag`. */
  objectType?: FilterObjectType;
  /** What the sidebar shows as the object's ID; the object's `id` by default. */
  objectID?: number | string;
  /** The object's ID on a server, when it has one. */
  serverID?: number | string | null;
}

export type FilterPredicate = (object: FrameObject, ctx?: FilterContext) => boolean;

export interface CompileOptions {
  labels: readonly LabelSpec[];
}

type Value = JsonPrimitive | undefined;
type Getter = (object: FrameObject, ctx: FilterContext) => Value;
type Test = (object: FrameObject, ctx: FilterContext) => boolean;

const NO_CONTEXT: FilterContext = {};

function truthy(value: Value): boolean {
  return (
    value !== undefined &&
    value !== null &&
    value !== false &&
    value !== 0 &&
    value !== '' &&
    !(typeof value === 'number' && Number.isNaN(value))
  );
}

function toNumber(value: Exclude<Value, undefined>): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' ? value : Number(value);
}

/** JavaScript's `==` on JSON primitives. */
function looseEqual(a: Value, b: Value): boolean {
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a === undefined || a === null) && (b === undefined || b === null);
  }
  if (typeof a === typeof b) return a === b;
  return toNumber(a) === toNumber(b);
}

/** JavaScript's `<` on JSON primitives (strings compare as strings, the rest as numbers). */
function less(a: Value, b: Value, orEqual: boolean): boolean {
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'string' && typeof b === 'string') return orEqual ? a <= b : a < b;
  const x = toNumber(a);
  const y = toNumber(b);
  return orEqual ? x <= y : x < y;
}

function measure(object: FrameObject, ctx: FilterContext, axis: 'x' | 'y'): number | undefined {
  if (object.kind !== 'shape') return undefined;
  const bounds = shapeBounds(object);
  if (bounds === null) return undefined;
  const limit = axis === 'x' ? ctx.frameWidth : ctx.frameHeight;
  let low = axis === 'x' ? bounds.xtl : bounds.ytl;
  let high = axis === 'x' ? bounds.xbr : bounds.ybr;
  if (limit !== undefined) {
    low = Math.min(Math.max(low, 0), limit);
    high = Math.min(Math.max(high, 0), limit);
  }
  return Math.max(0, high - low);
}

function attributeGetter(name: string, labels: readonly LabelSpec[]): Getter {
  const wanted = parseAttributeVar(name);
  if (wanted === null) return () => undefined;
  // label id → the attribute spec of that name on that label
  const specs = new Map<string, LabelSpec['attributes'][number]>();
  for (const label of labels) {
    if (wanted.label !== null && label.name !== wanted.label) continue;
    const spec = label.attributes.find((candidate) => candidate.name === wanted.name);
    if (spec) specs.set(label.id, spec);
  }
  if (specs.size === 0) return () => undefined;
  return (object) => {
    const spec = specs.get(object.label_id);
    if (spec === undefined) return undefined;
    let raw = spec.default_value;
    for (const attribute of object.attributes) {
      if (attribute.spec_id === spec.id) {
        raw = attribute.value;
        break;
      }
    }
    if (spec.input_type === 'number') return raw.trim() === '' ? undefined : Number(raw);
    if (spec.input_type === 'checkbox') return raw === 'true';
    return raw;
  };
}

function varGetter(name: string, labels: readonly LabelSpec[]): Getter {
  switch (name) {
    case 'label': {
      const names = new Map(labels.map((label) => [label.id, label.name]));
      return (object) => names.get(object.label_id);
    }
    case 'type':
      return (object, ctx) => ctx.objectType ?? (object.kind === 'tag' ? 'tag' : 'shape');
    case 'shape':
      return (object) => (object.kind === 'shape' ? object.type : undefined);
    case 'occluded':
      return (object) => (object.kind === 'shape' ? object.occluded : undefined);
    case 'width':
      return (object, ctx) => measure(object, ctx, 'x');
    case 'height':
      return (object, ctx) => measure(object, ctx, 'y');
    case 'objectID':
      return (object, ctx) => ctx.objectID ?? object.id;
    case 'serverID':
      return (_object, ctx) => ctx.serverID ?? undefined;
    case 'source':
      return (object) => object.source;
    default:
      return attributeGetter(name, labels);
  }
}

function compileOperand(operand: Operand, labels: readonly LabelSpec[]): Getter {
  if (isVarRef(operand)) return varGetter(operand.var, labels);
  return () => operand;
}

function compileNode(node: FilterLogic, labels: readonly LabelSpec[]): Test {
  if (node === null || typeof node !== 'object') return truthy(node) ? () => true : () => false;
  if ('var' in node) {
    const get = varGetter(node.var, labels);
    return (object, ctx) => truthy(get(object, ctx));
  }
  if ('and' in node) {
    const tests = node.and.map((child) => compileNode(child, labels));
    return (object, ctx) => {
      for (const test of tests) if (!test(object, ctx)) return false;
      return true;
    };
  }
  if ('or' in node) {
    const tests = node.or.map((child) => compileNode(child, labels));
    return (object, ctx) => {
      for (const test of tests) if (test(object, ctx)) return true;
      return false;
    };
  }
  if ('!' in node) {
    const test = compileNode(unaryArgument(node['!']), labels);
    return (object, ctx) => !test(object, ctx);
  }
  if ('!!' in node) return compileNode(unaryArgument(node['!!']), labels);
  if ('in' in node) {
    const [needle, haystack] = node.in;
    const get = compileOperand(needle, labels);
    if (Array.isArray(haystack)) {
      const set = new Set<Value>(haystack);
      return (object, ctx) => {
        const value = get(object, ctx);
        return value !== undefined && set.has(value);
      };
    }
    const getHaystack = compileOperand(haystack, labels);
    return (object, ctx) => {
      const text = getHaystack(object, ctx);
      const value = get(object, ctx);
      return typeof text === 'string' && value !== undefined && text.includes(String(value));
    };
  }
  if ('<' in node || '<=' in node) {
    const orEqual = '<=' in node;
    const args = '<=' in node ? node['<='] : node['<'];
    const a = compileOperand(args[0], labels);
    const b = compileOperand(args[1], labels);
    const c = args[2] === undefined ? undefined : compileOperand(args[2], labels);
    if (c === undefined) return (object, ctx) => less(a(object, ctx), b(object, ctx), orEqual);
    return (object, ctx) => {
      const middle = b(object, ctx);
      return less(a(object, ctx), middle, orEqual) && less(middle, c(object, ctx), orEqual);
    };
  }
  if ('startsWith' in node || 'endsWith' in node) {
    const starts = 'startsWith' in node;
    const [left, right] = 'startsWith' in node ? node.startsWith : node.endsWith;
    const a = compileOperand(left, labels);
    const b = compileOperand(right, labels);
    return (object, ctx) => {
      const text = a(object, ctx);
      const part = b(object, ctx);
      if (text === undefined || text === null || part === undefined || part === null) return false;
      return starts ? String(text).startsWith(String(part)) : String(text).endsWith(String(part));
    };
  }
  const [op, [left, right]] = Object.entries(node)[0] as [string, [Operand, Operand]];
  const a = compileOperand(left, labels);
  const b = compileOperand(right, labels);
  switch (op) {
    case '==':
      return (object, ctx) => looseEqual(a(object, ctx), b(object, ctx));
    case '!=':
      return (object, ctx) => !looseEqual(a(object, ctx), b(object, ctx));
    case '===':
      return (object, ctx) => a(object, ctx) === b(object, ctx);
    case '!==':
      return (object, ctx) => a(object, ctx) !== b(object, ctx);
    case '>':
      return (object, ctx) => less(b(object, ctx), a(object, ctx), false);
    case '>=':
      return (object, ctx) => less(b(object, ctx), a(object, ctx), true);
    default:
      throw new Error(`unsupported filter operator ${JSON.stringify(op)}`);
  }
}

/**
 * Compiles a validated filter (see `parseFilter`). No filter (null or undefined) matches every
 * object. Labels are looked up by name once, here; recompile when the labels change.
 */
export function compileFilter(
  filter: FilterLogic | null | undefined,
  { labels }: CompileOptions,
): FilterPredicate {
  if (filter === null || filter === undefined) return () => true;
  const test = compileNode(filter, labels);
  return (object, ctx) => test(object, ctx ?? NO_CONTEXT);
}
