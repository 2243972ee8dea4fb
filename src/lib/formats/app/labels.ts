/**
 * Label mapping between an imported dataset and the target project. Names match exactly first,
 * then ignoring case and surrounding spaces; what is left is for the user to map, add or skip.
 */
import { nextLabelColor } from '../../core/colors';
import { newId } from '../../core/ids';
import type { AttributeSpec, LabelSpec, SublabelSpec } from '../../core/types';

/**
 * What to do with a dataset label, by dataset label name: the name of a project label to map it
 * to, `'+'` to add it to the project, or `null` to skip its annotations.
 */
export type LabelMapping = Record<string, string | null>;

export const ADD_LABEL = '+';

const fold = (name: string) => name.trim().toLowerCase();

/** A project label for each dataset label name where one matches; unmatched names are absent. */
export function proposeLabelMapping(
  datasetLabels: readonly Pick<LabelSpec, 'name'>[],
  projectLabels: readonly Pick<LabelSpec, 'name'>[],
): { mapping: LabelMapping; unmatched: string[] } {
  const exact = new Set(projectLabels.map((l) => l.name));
  const folded = new Map<string, string>();
  for (const label of projectLabels)
    if (!folded.has(fold(label.name))) folded.set(fold(label.name), label.name);
  const mapping: LabelMapping = {};
  const unmatched: string[] = [];
  for (const { name } of datasetLabels) {
    if (exact.has(name)) mapping[name] = name;
    else if (folded.has(fold(name))) mapping[name] = folded.get(fold(name))!;
    else unmatched.push(name);
  }
  return { mapping, unmatched };
}

/** How dataset ids translate to project ids for one mapped label. */
export interface LabelTranslation {
  label: LabelSpec;
  /** Dataset attribute id → project attribute id (absent: the project label lacks it). */
  attributes: Map<string, AttributeSpec>;
  /** Dataset sublabel id → project sublabel. */
  sublabels: Map<string, SublabelSpec>;
  /** Per dataset sublabel id: its attribute ids → project attribute specs. */
  sublabelAttributes: Map<string, Map<string, AttributeSpec>>;
}

function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(item.name)) map.set(item.name, item);
  for (const item of items) if (!map.has(fold(item.name))) map.set(fold(item.name), item);
  return map;
}

function find<T>(map: Map<string, T>, name: string): T | undefined {
  return map.get(name) ?? map.get(fold(name));
}

/** Attribute specs of `from` matched by name in `to`. */
function translateAttributes(
  from: readonly AttributeSpec[],
  to: readonly AttributeSpec[],
): Map<string, AttributeSpec> {
  const names = byName(to);
  const out = new Map<string, AttributeSpec>();
  for (const spec of from) {
    const match = find(names, spec.name);
    if (match) out.set(spec.id, match);
  }
  return out;
}

export function translateLabel(from: LabelSpec, to: LabelSpec): LabelTranslation {
  const sublabelNames = byName(to.sublabels);
  const sublabels = new Map<string, SublabelSpec>();
  const sublabelAttributes = new Map<string, Map<string, AttributeSpec>>();
  for (const sub of from.sublabels) {
    const match = find(sublabelNames, sub.name);
    if (!match) continue;
    sublabels.set(sub.id, match);
    sublabelAttributes.set(sub.id, translateAttributes(sub.attributes, match.attributes));
  }
  return {
    label: to,
    attributes: translateAttributes(from.attributes, to.attributes),
    sublabels,
    sublabelAttributes,
  };
}

/** A copy of a dataset label with fresh ids and a colour that differs from `taken` when needed. */
export function copyLabel(label: LabelSpec, taken: readonly string[]): LabelSpec {
  const color = label.color && !taken.includes(label.color) ? label.color : nextLabelColor([...taken]);
  const attributes = (list: readonly AttributeSpec[]) =>
    list.map((a) => ({ ...a, values: [...a.values], id: newId() }));
  return {
    ...label,
    id: newId(),
    color,
    attributes: attributes(label.attributes),
    sublabels: label.sublabels.map((s) => ({ ...s, id: newId(), attributes: attributes(s.attributes) })),
  };
}

/**
 * Adds dataset attributes that an existing project label lacks (by name), so that mapping a
 * label never loses attribute values. Returns the label unchanged when nothing is missing.
 */
export function withMissingAttributes(target: LabelSpec, from: LabelSpec): LabelSpec {
  const have = byName(target.attributes);
  const missing = from.attributes.filter((a) => !find(have, a.name));
  if (missing.length === 0) return target;
  return {
    ...target,
    attributes: [...target.attributes, ...missing.map((a) => ({ ...a, values: [...a.values], id: newId() }))],
  };
}
