/**
 * A one-line human-readable form of a filter for the sidebar header, e.g.
 * `label == "car" and (occluded == true or attr.car.color == "red")`.
 */
import { displayVar } from './fields';
import { isVarRef, unaryArgument, type FilterLogic, type JsonPrimitive, type Operand } from './model';

function operandText(operand: Operand): string {
  if (isVarRef(operand)) return displayVar(operand.var);
  return JSON.stringify(operand);
}

function listText(values: readonly JsonPrimitive[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
}

function isGroup(node: FilterLogic): boolean {
  return typeof node === 'object' && node !== null && ('and' in node || 'or' in node);
}

/** Text of the argument of `!`, when it reads as a negated rule; null otherwise. */
function negatedText(inner: FilterLogic): string | null {
  if (typeof inner !== 'object' || inner === null) return null;
  if (isVarRef(inner)) return `${operandText(inner)} is empty`;
  if ('<=' in inner && inner['<='].length === 3) {
    const [low, field, high] = inner['<='];
    return `${operandText(field)} not between ${operandText(low)} and ${operandText(high ?? null)}`;
  }
  if ('in' in inner) {
    const [a, b] = inner.in;
    if (Array.isArray(b)) return `${operandText(a)} not in ${listText(b)}`;
    return `${operandText(b)} not like ${operandText(a)}`;
  }
  return null;
}

function nodeText(node: FilterLogic, nested: boolean): string {
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  if (isVarRef(node)) return operandText(node);
  if ('and' in node || 'or' in node) {
    const conjunction = 'and' in node ? 'and' : 'or';
    const children = 'and' in node ? node.and : node.or;
    if (children.length === 0) return conjunction === 'and' ? 'true' : 'false';
    const [only] = children;
    if (children.length === 1 && only !== undefined) return nodeText(only, nested);
    const text = children.map((child) => nodeText(child, true)).join(` ${conjunction} `);
    return nested ? `(${text})` : text;
  }
  if ('!' in node) {
    const inner = unaryArgument(node['!']);
    const negated = negatedText(inner);
    if (negated !== null) return negated;
    const text = nodeText(inner, false);
    return isGroup(inner) || (typeof inner === 'object' && inner !== null && !isVarRef(inner))
      ? `not (${text})`
      : `not ${text}`;
  }
  if ('!!' in node) {
    const inner = unaryArgument(node['!!']);
    if (isVarRef(inner)) return `${operandText(inner)} is not empty`;
    return nodeText(inner, nested);
  }
  if ('in' in node) {
    const [a, b] = node.in;
    if (Array.isArray(b)) return `${operandText(a)} in ${listText(b)}`;
    return `${operandText(b)} like ${operandText(a)}`;
  }
  if ('startsWith' in node)
    return `${operandText(node.startsWith[0])} starts with ${operandText(node.startsWith[1])}`;
  if ('endsWith' in node)
    return `${operandText(node.endsWith[0])} ends with ${operandText(node.endsWith[1])}`;
  if (('<=' in node && node['<='].length === 3) || ('<' in node && node['<'].length === 3)) {
    const op = '<=' in node ? '<=' : '<';
    const [low, field, high] = '<=' in node ? node['<='] : node['<'];
    if (op === '<=')
      return `${operandText(field)} between ${operandText(low)} and ${operandText(high ?? null)}`;
    return `${operandText(low)} < ${operandText(field)} < ${operandText(high ?? null)}`;
  }
  const [op, [a, b]] = Object.entries(node)[0] as [string, [Operand, Operand]];
  return `${operandText(a)} ${op} ${operandText(b)}`;
}

/** The filter as one line of text; top-level groups are not parenthesised, nested ones are. */
export function filterToText(filter: FilterLogic): string {
  return nodeText(filter, false);
}
