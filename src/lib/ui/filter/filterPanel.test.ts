import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  emptyGroup,
  fieldInfo,
  toJsonLogic,
  type FilterGroup,
  type FilterLogic,
} from '$lib/core/filter';
import { LABELS, rect } from '$lib/core/filter/testFixtures';
import type { FrameObject } from '$lib/core/types';
import {
  addNode,
  isComplete,
  loadRecent,
  nodeAt,
  parseValue,
  readFilterText,
  rememberFilter,
  removeNode,
  replaceNode,
  ruleForField,
  searchFrame,
  withOperator,
} from './filterPanel';
import { MemoryStorage } from '../testStorage';

describe('builder tree editing', () => {
  it('adds rules and nested groups, replaces and removes them by path', () => {
    const label = fieldInfo('label', LABELS)!;
    let tree: FilterGroup = emptyGroup();
    tree = addNode(tree, [], { ...ruleForField(label), value: ['car'] });
    tree = addNode(tree, [], { ...emptyGroup('or'), not: true });
    tree = addNode(tree, [1], { type: 'rule', field: 'occluded', operator: 'equal', value: [true] });
    tree = addNode(tree, [1], { type: 'rule', field: 'width', operator: 'greater', value: [10] });
    expect(toJsonLogic(tree)).toEqual({
      and: [
        { '==': [{ var: 'label' }, 'car'] },
        { '!': { or: [{ '==': [{ var: 'occluded' }, true] }, { '>': [{ var: 'width' }, 10] }] } },
      ],
    });
    tree = replaceNode(tree, [1, 1], { type: 'rule', field: 'width', operator: 'less', value: [5] });
    expect(nodeAt(tree, [1, 1])).toMatchObject({ operator: 'less', value: [5] });
    tree = removeNode(tree, [1, 0]);
    expect(nodeAt(tree, [1])).toMatchObject({ type: 'group', children: [{ field: 'width' }] });
    expect(nodeAt(tree, [5])).toBeUndefined();
    expect(() => addNode(tree, [0], emptyGroup())).toThrow(/not a group/);
  });

  it('keeps the values that fit when the operator changes', () => {
    const rule = { type: 'rule' as const, field: 'width', operator: 'equal' as const, value: [7] };
    expect(withOperator(rule, 'between', 'number').value).toEqual([7, 0]);
    expect(withOperator(rule, 'is_empty', 'number').value).toEqual([]);
  });

  it('converts typed values to the field type and tells complete rules from blank ones', () => {
    expect(parseValue('12.5', 'number')).toBe(12.5);
    expect(parseValue('x', 'number')).toBe(0);
    expect(parseValue('true', 'boolean')).toBe(true);
    expect(parseValue('red', 'select')).toBe('red');
    expect(isComplete(emptyGroup())).toBe(false);
    expect(isComplete(addNode(emptyGroup(), [], ruleForField(fieldInfo('label', LABELS)!)))).toBe(false);
    expect(
      isComplete(
        addNode(emptyGroup(), [], { type: 'rule', field: 'label', operator: 'equal', value: ['car'] }),
      ),
    ).toBe(true);
  });
});

describe('text form', () => {
  it('reads JsonLogic text', () => {
    expect(readFilterText('{"==": [{"var": "label"}, "car"]}')).toEqual({
      ok: true,
      filter: { '==': [{ var: 'label' }, 'car'] },
    });
  });

  it('says where a filter is wrong', () => {
    const bad = readFilterText('{"and": [{"==": [{"var": "label"}]}]}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/^at and\[0\]\["=="\]: == takes 2 arguments, got 1/);
    const json = readFilterText('{"and": [');
    expect(json.ok).toBe(false);
    if (!json.ok) expect(json.message).toMatch(/invalid JSON/);
    expect(readFilterText('  ').ok).toBe(false);
  });
});

describe('recent filters in storage', () => {
  it('keeps the latest first without duplicates, and drops what is not a filter', () => {
    const storage = new MemoryStorage();
    const a: FilterLogic = { '==': [{ var: 'label' }, 'car'] };
    const b: FilterLogic = { '>': [{ var: 'width' }, 5] };
    rememberFilter(storage, a);
    rememberFilter(storage, b);
    expect(rememberFilter(storage, a)).toEqual([a, b]);
    expect(loadRecent(storage)).toEqual([a, b]);
    storage.setItem('loupe:recent-filters', JSON.stringify([a, { nope: 1 }, b]));
    expect(loadRecent(storage)).toEqual([a, b]);
    storage.setItem('loupe:recent-filters', '{oops');
    expect(loadRecent(storage)).toEqual([]);
    expect(loadRecent(undefined)).toEqual([]);
  });
});

describe('frame search', () => {
  const objects = new Map<number, FrameObject[]>([
    [1, [rect('a', 'L-person', [0, 0, 10, 10])]],
    [3, [rect('b', 'L-car', [0, 0, 10, 10])]],
    [6, [rect('c', 'L-car', [0, 0, 10, 10])]],
  ]);
  const predicate = compileFilter({ '==': [{ var: 'label' }, 'car'] }, { labels: LABELS });
  const base = { start: 0, stop: 9, objectsOn: (f: number) => objects.get(f) ?? [], predicate };

  it('finds the next and previous frames with a matching object', () => {
    expect(searchFrame({ ...base, from: 0, direction: 'next' })).toBe(3);
    expect(searchFrame({ ...base, from: 3, direction: 'next' })).toBe(6);
    expect(searchFrame({ ...base, from: 6, direction: 'next' })).toBeNull();
    expect(searchFrame({ ...base, from: 6, direction: 'previous' })).toBe(3);
    expect(searchFrame({ ...base, from: 3, direction: 'previous' })).toBeNull();
  });

  it('skips deleted frames and stays in the job', () => {
    expect(searchFrame({ ...base, from: 0, direction: 'next', skip: (f) => f === 3 })).toBe(6);
    expect(searchFrame({ ...base, stop: 5, from: 3, direction: 'next' })).toBeNull();
  });

  it('measures sizes inside the frame it is given', () => {
    const wide = compileFilter({ '>': [{ var: 'width' }, 8] }, { labels: LABELS });
    const found = searchFrame({
      ...base,
      predicate: wide,
      from: 0,
      direction: 'next',
      contextOf: (f) => (f === 1 ? { frameWidth: 5, frameHeight: 5 } : {}),
    });
    expect(found).toBe(3);
  });
});
