/**
 * The annotation filter in CVAT's JsonLogic form, e.g.
 * `{"and": [{"==": [{"var": "label"}, "car"]}, {"!": {"var": "attr.car.color"}}]}`.
 * The same value is stored, listed in recent filters, compiled and edited in the builder.
 */
import * as v from 'valibot';
import { formatPath, type PathSegment } from '../jsonPositions';

export type JsonPrimitive = string | number | boolean | null;

/** A property of the object, e.g. `{"var": "label"}` or `{"var": "attr.car.color"}`. */
export interface VarRef {
  var: string;
}

/** An argument of a comparison: a constant or a property. */
export type Operand = JsonPrimitive | VarRef;

export const BINARY_OPS = ['==', '!=', '===', '!==', '>', '>='] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];
/** `<` and `<=` take 2 arguments, or 3 for "between": `{"<=": [low, x, high]}`. */
export const RANGE_OPS = ['<', '<='] as const;
export type RangeOp = (typeof RANGE_OPS)[number];
export const STRING_OPS = ['startsWith', 'endsWith'] as const;
export type StringOp = (typeof STRING_OPS)[number];
export const GROUP_OPS = ['and', 'or'] as const;
export type GroupOp = (typeof GROUP_OPS)[number];
export const UNARY_OPS = ['!', '!!'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

type BinaryExpr = { [K in BinaryOp]: { [P in K]: [Operand, Operand] } }[BinaryOp];
type RangeExpr = {
  [K in RangeOp]: { [P in K]: [Operand, Operand] | [Operand, Operand, Operand] };
}[RangeOp];
type StringExpr = { [K in StringOp]: { [P in K]: [Operand, Operand] } }[StringOp];
/** `{"in": [x, [a, b]]}` (x is one of) or `{"in": ["sub", x]}` (x contains "sub"). */
export interface InExpr {
  in: [Operand, Operand | JsonPrimitive[]];
}
export type GroupExpr = { and: FilterLogic[] } | { or: FilterLogic[] };
/** JsonLogic also allows the argument wrapped in a one-element array; it is kept as given. */
export type UnaryExpr = { '!': FilterLogic | [FilterLogic] } | { '!!': FilterLogic | [FilterLogic] };

export type FilterLogic =
  JsonPrimitive | VarRef | GroupExpr | UnaryExpr | BinaryExpr | RangeExpr | StringExpr | InExpr;

export const FILTER_OPS = [
  'var',
  ...GROUP_OPS,
  ...UNARY_OPS,
  ...BINARY_OPS,
  ...RANGE_OPS,
  ...STRING_OPS,
  'in',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface FilterError {
  /** Where the bad value is, e.g. `and[1]["=="][0]`; empty for the whole input. */
  path: string;
  message: string;
}

export type ParseFilterResult = { ok: true; filter: FilterLogic } | { ok: false; error: FilterError };

/** Thrown inside the parsers and caught at their entry points. */
export class FilterPathError extends Error {
  constructor(
    readonly path: readonly PathSegment[],
    message: string,
  ) {
    super(message);
  }
  toFilterError(): FilterError {
    return { path: formatPath(this.path), message: this.message };
  }
}

// ---- schemas (one node at a time, so that every error has an exact path) ----

const PrimitiveSchema = v.union(
  [v.string(), v.pipe(v.number(), v.finite('numbers must be finite')), v.boolean(), v.null_()],
  (issue) => `expected a string, number, boolean, null or operation, got ${issue.received}`,
);

const OperationSchema = v.pipe(
  v.record(v.string(), v.unknown()),
  v.check((node) => Object.keys(node).length === 1, 'an operation is an object with exactly one key'),
  v.check(
    (node) => (FILTER_OPS as readonly string[]).includes(Object.keys(node)[0] ?? ''),
    (issue) => `unknown operator ${JSON.stringify(Object.keys(issue.input as object)[0])}`,
  ),
);

const VarNameSchema = v.pipe(
  v.string((issue) => `a variable name is a string, got ${issue.received}`),
  v.nonEmpty('a variable name is not empty'),
);

function arraySchema(min: number, max: number, what: string) {
  return v.pipe(
    v.array(v.unknown(), (issue) => `${what} takes an array of arguments, got ${issue.received}`),
    v.check(
      (args) => args.length >= min && args.length <= max,
      (issue) =>
        `${what} takes ${min === max ? min : `${min} to ${max}`} arguments, got ${(issue.input as unknown[]).length}`,
    ),
  );
}

const GroupArgsSchema = v.array(
  v.unknown(),
  (issue) => `expected an array of conditions, got ${issue.received}`,
);
const ListSchema = v.array(PrimitiveSchema);

function run<T>(schema: v.GenericSchema<unknown, T>, input: unknown, path: readonly PathSegment[]): T {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const extra: PathSegment[] = (issue.path ?? []).map((item) =>
    typeof item.key === 'number' ? item.key : String(item.key),
  );
  throw new FilterPathError([...path, ...extra], issue.message);
}

function isPlainObject(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function parseOperand(node: unknown, path: readonly PathSegment[]): Operand {
  if (isPlainObject(node)) {
    const keys = Object.keys(node);
    if (keys.length !== 1 || keys[0] !== 'var') {
      throw new FilterPathError(path, 'an argument is a constant or {"var": name}');
    }
    return { var: run(VarNameSchema, node.var, [...path, 'var']) };
  }
  return run(PrimitiveSchema, node, path);
}

function parseNode(node: unknown, path: readonly PathSegment[]): FilterLogic {
  if (!isPlainObject(node)) {
    if (Array.isArray(node)) throw new FilterPathError(path, 'expected a condition, got an array');
    return run(PrimitiveSchema, node, path);
  }
  const checked = run(OperationSchema, node, path);
  const op = Object.keys(checked)[0] as FilterOp;
  const arg = checked[op];
  const at = [...path, op];
  switch (op) {
    case 'var':
      return { var: run(VarNameSchema, arg, at) };
    case 'and':
    case 'or': {
      const children = run(GroupArgsSchema, arg, at).map((child, index) => parseNode(child, [...at, index]));
      return op === 'and' ? { and: children } : { or: children };
    }
    case '!':
    case '!!': {
      const inner = Array.isArray(arg)
        ? ([parseNode(run(arraySchema(1, 1, op), arg, at)[0], [...at, 0])] as [FilterLogic])
        : parseNode(arg, at);
      return op === '!' ? { '!': inner } : { '!!': inner };
    }
    case 'in': {
      const [a, b] = run(arraySchema(2, 2, op), arg, at);
      const first = parseOperand(a, [...at, 0]);
      const second = Array.isArray(b) ? run(ListSchema, b, [...at, 1]) : parseOperand(b, [...at, 1]);
      return { in: [first, second] };
    }
    case '<':
    case '<=': {
      const args = run(arraySchema(2, 3, op), arg, at).map((item, index) =>
        parseOperand(item, [...at, index]),
      );
      const tuple = args as [Operand, Operand] | [Operand, Operand, Operand];
      return op === '<' ? { '<': tuple } : { '<=': tuple };
    }
    default: {
      const [a, b] = run(arraySchema(2, 2, op), arg, at);
      const pair: [Operand, Operand] = [parseOperand(a, [...at, 0]), parseOperand(b, [...at, 1])];
      return { [op]: pair } as BinaryExpr | StringExpr;
    }
  }
}

/** Validates a filter value (already parsed JSON) as CVAT's JsonLogic. */
export function parseFilter(input: unknown): ParseFilterResult {
  try {
    return { ok: true, filter: parseNode(input, []) };
  } catch (error) {
    if (error instanceof FilterPathError) return { ok: false, error: error.toFilterError() };
    throw error;
  }
}

/** Parses and validates filter JSON text; malformed JSON is an error at the empty path. */
export function parseFilterText(text: string): ParseFilterResult {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: { path: '', message: `invalid JSON: ${(error as Error).message}` } };
  }
  return parseFilter(input);
}

export function isVarRef(node: unknown): node is VarRef {
  return isPlainObject(node) && typeof node.var === 'string' && Object.keys(node).length === 1;
}

/** The single operator key of an operation node, or null for constants. */
export function operatorOf(node: FilterLogic): FilterOp | null {
  if (!isPlainObject(node)) return null;
  return Object.keys(node)[0] as FilterOp;
}

/** The argument of `!`/`!!`, unwrapping the one-element array form. */
export function unaryArgument(arg: FilterLogic | [FilterLogic]): FilterLogic {
  return Array.isArray(arg) ? arg[0] : arg;
}

/** JSON text with object keys sorted, so equal filters give equal keys. */
export function filterKey(filter: FilterLogic): string {
  return JSON.stringify(filter, (_key, value: unknown) =>
    isPlainObject(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, value[key]]),
        )
      : value,
  );
}
