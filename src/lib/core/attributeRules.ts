import type { InputType } from './types';
import type { PathSegment } from './jsonPositions';

/** CVAT's limits on attribute fields. */
export const ATTRIBUTE_NAME_MAX = 64;
export const DEFAULT_VALUE_MAX = 128;
export const JOINED_VALUES_MAX = 4096;

export interface AttributeProblem {
  /** Path of the bad field inside the attribute, e.g. `['values', 1]`. */
  at: PathSegment[];
  message: string;
}

export interface CheckedAttribute {
  input_type: InputType;
  values: string[];
  default_value?: string | undefined;
}

const isNumeric = (text: string): boolean => text.trim() !== '' && Number.isFinite(Number(text));

function numberProblems(values: string[], defaultValue: string | undefined): AttributeProblem[] {
  if (values.length !== 3) {
    return [
      {
        at: ['values'],
        message: `a number attribute needs values [min, max, step], got ${values.length} value(s)`,
      },
    ];
  }
  const bad = values.findIndex((value) => !isNumeric(value));
  if (bad >= 0) return [{ at: ['values', bad], message: `"${values[bad]}" is not a number` }];
  const [min, max, step] = values.map(Number) as [number, number, number];
  const problems: AttributeProblem[] = [];
  if (min > max)
    problems.push({ at: ['values'], message: `min (${min}) must not be greater than max (${max})` });
  if (step <= 0) problems.push({ at: ['values'], message: `step must be greater than 0, got ${step}` });
  if (defaultValue !== undefined && problems.length === 0) {
    const value = Number(defaultValue);
    if (!isNumeric(defaultValue) || value < min || value > max) {
      problems.push({
        at: ['default_value'],
        message: `default_value must be a number from ${min} to ${max}, got "${defaultValue}"`,
      });
    }
  }
  return problems;
}

/** What is wrong with an attribute's values and default for its input type. */
export function attributeProblems({
  input_type,
  values,
  default_value,
}: CheckedAttribute): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  if (default_value !== undefined && default_value.length > DEFAULT_VALUE_MAX) {
    problems.push({
      at: ['default_value'],
      message: `default_value must be at most ${DEFAULT_VALUE_MAX} characters`,
    });
  }
  if (values.join('\n').length > JOINED_VALUES_MAX) {
    problems.push({ at: ['values'], message: `values must total at most ${JOINED_VALUES_MAX} characters` });
  }
  switch (input_type) {
    case 'select':
    case 'radio': {
      if (values.length === 0) {
        problems.push({ at: ['values'], message: `a ${input_type} attribute needs at least one value` });
        break;
      }
      const seen = new Set<string>();
      values.forEach((value, index) => {
        if (seen.has(value)) problems.push({ at: ['values', index], message: `duplicate value "${value}"` });
        seen.add(value);
      });
      if (default_value !== undefined && !values.includes(default_value)) {
        problems.push({
          at: ['default_value'],
          message: `default_value "${default_value}" is not one of the values`,
        });
      }
      break;
    }
    case 'checkbox': {
      if (values.length > 1 || values.some((value) => value !== 'true' && value !== 'false')) {
        problems.push({ at: ['values'], message: 'a checkbox attribute has values ["true"] or ["false"]' });
      }
      if (default_value !== undefined && default_value !== 'true' && default_value !== 'false') {
        problems.push({
          at: ['default_value'],
          message: `default_value of a checkbox must be "true" or "false", got "${default_value}"`,
        });
      }
      break;
    }
    case 'number':
      problems.push(...numberProblems(values, default_value));
      break;
    case 'text':
      break;
  }
  return problems;
}
