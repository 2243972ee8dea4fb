import * as v from 'valibot';
import { ATTRIBUTE_NAME_MAX, attributeProblems } from './attributeRules';
import { HEX_COLOR, nextLabelColor } from './colors';
import { newId } from './ids';
import { formatPath, locatePath, parseJsonWithPositions, type PathSegment } from './jsonPositions';
import {
  INPUT_TYPES,
  LABEL_TYPES,
  type AttributeSpec,
  type Id,
  type LabelSpec,
  type SublabelSpec,
} from './types';

export { ATTRIBUTE_NAME_MAX, DEFAULT_VALUE_MAX, JOINED_VALUES_MAX } from './attributeRules';
export {
  labelsToRawJson,
  labelsToRawText,
  type RawAttribute,
  type RawJsonOptions,
  type RawLabel,
  type RawSublabel,
} from './labelsRaw';

export interface LabelError {
  /** Where the bad field is, e.g. `[2].attributes[0].values`; empty for the whole input. */
  path: string;
  message: string;
  /** Set by `parseLabelsText`: where the field (or its nearest enclosing value) starts. */
  line?: number;
  column?: number;
}

export type ParseLabelsResult = { ok: true; labels: LabelSpec[] } | { ok: false; errors: LabelError[] };

export interface ParseLabelsOptions {
  /** Makes ids for labels, sublabels and attributes given without one. Default: `newId`. */
  makeId?: () => Id;
}

// ---- messages ----

type Issue = v.BaseIssue<unknown>;

const describeReceived = (issue: Issue): string => issue.received;

function typeMessage(field: string, expected: string): (issue: Issue) => string {
  return (issue) =>
    issue.received === 'undefined'
      ? `${field} is required`
      : `${field} must be ${expected}, got ${describeReceived(issue)}`;
}

function objectMessage(what: string): (issue: Issue) => string {
  return (issue) =>
    issue.received === 'undefined' && issue.expected?.startsWith('"')
      ? `${issue.expected.slice(1, -1)} is required`
      : `${what} must be an object, got ${describeReceived(issue)}`;
}

const nameSchema = (field: string, max: number = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    v.string(typeMessage(field, 'a string')),
    v.trim(),
    v.nonEmpty(`${field} must not be empty`),
    v.maxLength(max, `${field} must be at most ${max} characters`),
  );

const idSchema = v.pipe(
  v.custom<string | number>(
    (input) => (typeof input === 'string' && input !== '') || Number.isSafeInteger(input),
    (issue) => `id must be a non-empty string or an integer, got ${issue.received}`,
  ),
  v.transform((id): Id => String(id)),
);

const colorSchema = v.pipe(
  v.string(typeMessage('color', 'a string')),
  v.regex(HEX_COLOR, (issue) => `color must be a hex color like "#ff6037", got ${issue.received}`),
);

const stringList = (field: string) =>
  v.array(v.string(typeMessage(`each of ${field}`, 'a string')), typeMessage(field, 'an array of strings'));

// ---- path items for issues added by raw checks ----

type PathItem = v.IssuePathItem;

function pathItems(root: unknown, segments: readonly PathSegment[]): [PathItem, ...PathItem[]] {
  const items: PathItem[] = [];
  let current: unknown = root;
  for (const segment of segments) {
    const next: unknown =
      typeof segment === 'number'
        ? (current as unknown[])[segment]
        : (current as Record<string, unknown>)[segment];
    items.push(
      typeof segment === 'number'
        ? { type: 'array', origin: 'value', input: current as unknown[], key: segment, value: next }
        : {
            type: 'object',
            origin: 'value',
            input: current as Record<string, unknown>,
            key: segment,
            value: next,
          },
    );
    current = next;
  }
  const [first, ...rest] = items;
  if (!first) throw new Error('an issue path needs at least one segment');
  return [first, ...rest];
}

function nameOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const name = (item as { name?: unknown }).name;
  return typeof name === 'string' ? name.trim() : undefined;
}

/** Adds an issue at `[index].name` for every repeated name in `list` (after the first). */
function duplicateNames(
  list: unknown,
  what: string,
  addIssue: (message: string, at: PathSegment[]) => void,
): void {
  if (!Array.isArray(list)) return;
  const firstIndex = new Map<string, number>();
  list.forEach((item, index) => {
    const name = nameOf(item);
    if (name === undefined || name === '') return;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, index);
    else addIssue(`duplicate ${what} name "${name}" (also at [${first}])`, [index, 'name']);
  });
}

// ---- schemas ----

export const AttributeSchema = v.pipe(
  v.object(
    {
      id: v.optional(idSchema),
      name: nameSchema('name', ATTRIBUTE_NAME_MAX),
      input_type: v.picklist(INPUT_TYPES, (issue) =>
        issue.received === 'undefined'
          ? 'input_type is required'
          : `input_type must be one of ${INPUT_TYPES.join(', ')}; got ${issue.received}`,
      ),
      mutable: v.optional(v.boolean(typeMessage('mutable', 'true or false')), false),
      values: v.optional(stringList('values'), []),
      default_value: v.optional(v.string(typeMessage('default_value', 'a string'))),
    },
    objectMessage('an attribute'),
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const problem of attributeProblems(dataset.value)) {
      addIssue({ message: problem.message, path: pathItems(dataset.value, problem.at) });
    }
  }),
);

const attributeList = v.pipe(
  v.array(AttributeSchema, typeMessage('attributes', 'an array')),
  v.rawCheck(({ dataset, addIssue }) =>
    duplicateNames(dataset.value, 'attribute', (message, at) =>
      addIssue({ message, path: pathItems(dataset.value, at) }),
    ),
  ),
);

export const SublabelSchema = v.object(
  {
    id: v.optional(idSchema),
    name: nameSchema('name'),
    color: v.optional(colorSchema),
    type: v.optional(
      v.literal('points', (issue) => `a sublabel's type must be "points", got ${issue.received}`),
      'points',
    ),
    attributes: v.optional(attributeList, []),
  },
  objectMessage('a sublabel'),
);

const sublabelList = v.pipe(
  v.array(SublabelSchema, typeMessage('sublabels', 'an array')),
  v.rawCheck(({ dataset, addIssue }) =>
    duplicateNames(dataset.value, 'sublabel', (message, at) =>
      addIssue({ message, path: pathItems(dataset.value, at) }),
    ),
  ),
);

export const LabelSchema = v.pipe(
  v.object(
    {
      id: v.optional(idSchema),
      name: nameSchema('name'),
      color: v.optional(colorSchema),
      type: v.optional(
        v.picklist(
          LABEL_TYPES,
          (issue) => `type must be one of ${LABEL_TYPES.join(', ')}; got ${issue.received}`,
        ),
        'any',
      ),
      attributes: v.optional(attributeList, []),
      sublabels: v.optional(sublabelList, []),
      svg: v.optional(v.string(typeMessage('svg', 'a string')), ''),
    },
    objectMessage('a label'),
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    const label = dataset.value as { type?: unknown; sublabels?: unknown };
    const sublabels = Array.isArray(label.sublabels) ? label.sublabels : [];
    if (label.type === 'skeleton' && sublabels.length === 0) {
      addIssue({
        message: 'a skeleton label needs at least one sublabel (keypoint)',
        path: pathItems(label, ['sublabels']),
      });
    }
    if (typeof label.type === 'string' && label.type !== 'skeleton' && sublabels.length > 0) {
      addIssue({
        message: `only skeleton labels have sublabels, this one is "${label.type}"`,
        path: pathItems(label, ['sublabels']),
      });
    }
  }),
);

type ParsedLabel = v.InferOutput<typeof LabelSchema>;
type ParsedAttribute = v.InferOutput<typeof AttributeSchema>;

/** Ids must be unique across labels and sublabels, as CVAT's label ids are. */
function duplicateIds(labels: unknown, addIssue: (message: string, at: PathSegment[]) => void): void {
  if (!Array.isArray(labels)) return;
  const seen = new Map<string, string>();
  const visit = (item: unknown, at: PathSegment[]): void => {
    if (typeof item !== 'object' || item === null) return;
    const id = (item as { id?: unknown }).id;
    if (typeof id !== 'string' && typeof id !== 'number') return;
    const key = String(id);
    const first = seen.get(key);
    if (first !== undefined) addIssue(`duplicate id ${JSON.stringify(id)} (also at ${first})`, [...at, 'id']);
    else seen.set(key, formatPath(at));
  };
  labels.forEach((label, index) => {
    visit(label, [index]);
    const sublabels = (label as { sublabels?: unknown } | null)?.sublabels;
    if (Array.isArray(sublabels))
      sublabels.forEach((sublabel, j) => visit(sublabel, [index, 'sublabels', j]));
  });
}

export const LabelsSchema = v.pipe(
  v.array(LabelSchema, (issue) => `labels must be a JSON array of label objects, got ${issue.received}`),
  v.rawCheck(({ dataset, addIssue }) => {
    const report = (message: string, at: PathSegment[]): void =>
      addIssue({ message, path: pathItems(dataset.value, at) });
    duplicateNames(dataset.value, 'label', report);
    duplicateIds(dataset.value, report);
  }),
);

// ---- normalisation ----

function defaultValueOf(attribute: ParsedAttribute): string {
  if (attribute.default_value !== undefined) return attribute.default_value;
  if (attribute.input_type === 'checkbox') return attribute.values[0] ?? 'false';
  return attribute.values[0] ?? '';
}

function toAttributeSpec(attribute: ParsedAttribute, makeId: () => Id): AttributeSpec {
  const default_value = defaultValueOf(attribute);
  const values =
    attribute.input_type === 'checkbox' && attribute.values.length === 0 ? [default_value] : attribute.values;
  return {
    id: attribute.id ?? makeId(),
    name: attribute.name,
    input_type: attribute.input_type,
    mutable: attribute.mutable,
    values,
    default_value,
  };
}

function toLabelSpecs(parsed: ParsedLabel[], makeId: () => Id): LabelSpec[] {
  const colors: string[] = parsed.flatMap((label) => [
    ...(label.color ? [label.color] : []),
    ...label.sublabels.flatMap((sublabel) => (sublabel.color ? [sublabel.color] : [])),
  ]);
  const colorFor = (given: string | undefined): string => {
    if (given) return given;
    const color = nextLabelColor(colors);
    colors.push(color);
    return color;
  };
  return parsed.map((label) => ({
    id: label.id ?? makeId(),
    name: label.name,
    color: colorFor(label.color),
    type: label.type,
    attributes: label.attributes.map((attribute) => toAttributeSpec(attribute, makeId)),
    sublabels: label.sublabels.map((sublabel): SublabelSpec => ({
      id: sublabel.id ?? makeId(),
      name: sublabel.name,
      color: colorFor(sublabel.color),
      type: 'points',
      attributes: sublabel.attributes.map((attribute) => toAttributeSpec(attribute, makeId)),
    })),
    svg: label.svg,
  }));
}

function issuePath(issue: Issue): string {
  return formatPath((issue.path ?? []).map((item) => item.key as PathSegment));
}

/**
 * Validates labels in CVAT's raw JSON format. Ids are optional (made with `makeId`), colors
 * are optional (generated, distinct from those given), and every problem is reported with the
 * path of the bad field.
 */
export function parseLabels(json: unknown, options: ParseLabelsOptions = {}): ParseLabelsResult {
  const result = v.safeParse(LabelsSchema, json);
  if (!result.success) {
    const errors = result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message }));
    const unique = errors.filter(
      (error, index) =>
        errors.findIndex((e) => e.path === error.path && e.message === error.message) === index,
    );
    return { ok: false, errors: unique };
  }
  return { ok: true, labels: toLabelSpecs(result.output, options.makeId ?? newId) };
}

/** `parseLabels` on JSON text; syntax errors and field errors carry line and column. */
export function parseLabelsText(text: string, options: ParseLabelsOptions = {}): ParseLabelsResult {
  const json = parseJsonWithPositions(text);
  if (!json.ok) {
    const { line, column } = json.position;
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `JSON syntax error at line ${line}, column ${column}: ${json.message}`,
          line,
          column,
        },
      ],
    };
  }
  const result = parseLabels(json.value, options);
  if (result.ok) return result;
  return {
    ok: false,
    errors: result.errors.map((error) => {
      const position = locatePath(json.positions, error.path);
      return position ? { ...error, line: position.line, column: position.column } : error;
    }),
  };
}
