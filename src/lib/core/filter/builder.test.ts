import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromJsonLogic,
  newRule,
  toJsonLogic,
  valuesFor,
  type FilterGroup,
  type FilterNode,
  type FilterRule,
} from './builder';
import { fieldInfo, filterFields, OPERATORS, operatorArity, operatorsFor } from './fields';
import { parseFilter, type FilterLogic, type JsonPrimitive, type Operand } from './model';
import { addRecentFilter } from './recent';
import { LABELS } from './testFixtures';
import { filterToText } from './text';

const FIELDS = ['label', 'width', 'occluded', 'attr.car.color', 'attr.car.make\u2219model', 'attr.speed'];
const primitive: fc.Arbitrary<JsonPrimitive> = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  fc.constant(null),
);
const operand: fc.Arbitrary<Operand> = fc.oneof(
  { weight: 4, arbitrary: primitive },
  { weight: 1, arbitrary: fc.constantFrom(...FIELDS).map((name) => ({ var: name })) },
);

const ruleArb: fc.Arbitrary<FilterRule> = fc
  .record({ field: fc.constantFrom(...FIELDS), operator: fc.constantFrom(...OPERATORS) })
  .chain(({ field, operator }) => {
    const arity = operatorArity(operator);
    const values: fc.Arbitrary<Operand[]> =
      arity === 'list'
        ? fc.array(primitive, { maxLength: 4 })
        : arity === 0
          ? fc.constant([])
          : fc.array(operand, { minLength: arity, maxLength: arity });
    return values.map((value): FilterRule => ({ type: 'rule', field, operator, value }));
  });

const { group: groupArb } = fc.letrec<{ group: FilterGroup; node: FilterNode }>((tie) => ({
  group: fc.record({
    type: fc.constant('group' as const),
    conjunction: fc.constantFrom('and' as const, 'or' as const),
    not: fc.boolean(),
    children: fc.array(tie('node'), { maxLength: 4 }),
  }),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, ruleArb, tie('group')),
}));

describe('builder ⇄ JsonLogic', () => {
  it('round-trips generated builder trees', () => {
    fc.assert(
      fc.property(groupArb, (group) => {
        const logic = toJsonLogic(group);
        expect(parseFilter(JSON.parse(JSON.stringify(logic)))).toEqual({ ok: true, filter: logic });
        expect(fromJsonLogic(logic)).toEqual({ ok: true, group });
        expect(typeof filterToText(logic)).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('writes each operator as CVAT does', () => {
    const field = { var: 'width' };
    const cases: [FilterRule, unknown][] = [
      [{ type: 'rule', field: 'width', operator: 'equal', value: [3] }, { '==': [field, 3] }],
      [{ type: 'rule', field: 'width', operator: 'between', value: [1, 5] }, { '<=': [1, field, 5] }],
      [
        { type: 'rule', field: 'width', operator: 'not_between', value: [1, 5] },
        { '!': { '<=': [1, field, 5] } },
      ],
      [{ type: 'rule', field: 'width', operator: 'is_empty', value: [] }, { '!': field }],
      [{ type: 'rule', field: 'width', operator: 'is_not_empty', value: [] }, { '!!': field }],
      [{ type: 'rule', field: 'width', operator: 'like', value: ['a'] }, { in: ['a', field] }],
      [{ type: 'rule', field: 'width', operator: 'not_like', value: ['a'] }, { '!': { in: ['a', field] } }],
      [{ type: 'rule', field: 'width', operator: 'any_in', value: [1, 2] }, { in: [field, [1, 2]] }],
      [{ type: 'rule', field: 'width', operator: 'not_any_in', value: [1] }, { '!': { in: [field, [1]] } }],
      [{ type: 'rule', field: 'width', operator: 'starts_with', value: ['x'] }, { startsWith: [field, 'x'] }],
      [
        { type: 'rule', field: 'width', operator: 'greater_or_equal', value: [{ var: 'height' }] },
        { '>=': [field, { var: 'height' }] },
      ],
    ];
    for (const [rule, logic] of cases) expect(toJsonLogic(rule)).toEqual(logic);
  });

  it('wraps a single rule in an And group and negates groups with "!"', () => {
    expect(fromJsonLogic({ '==': [{ var: 'label' }, 'car'] })).toEqual({
      ok: true,
      group: {
        type: 'group',
        conjunction: 'and',
        not: false,
        children: [newRule('label', 'select')].map((r) => ({ ...r, value: ['car'] })),
      },
    });
    const negated = fromJsonLogic({ '!': { or: [] } });
    expect(negated.ok && negated.group.not).toBe(true);
  });

  it('reports what the builder cannot show, with a path', () => {
    expect(fromJsonLogic({ and: [{ '===': [{ var: 'label' }, 'car'] }] })).toEqual({
      ok: false,
      error: { path: 'and[0]["==="]', message: 'the builder has no operator for "==="' },
    });
    expect(fromJsonLogic({ or: [{ '==': ['car', { var: 'label' }] }] })).toEqual({
      ok: false,
      error: { path: 'or[0]["=="][0]', message: 'expected a field ({"var": name})' },
    });
    expect(fromJsonLogic({ and: [true] })).toEqual({
      ok: false,
      error: { path: 'and[0]', message: 'a constant cannot be shown as a rule' },
    });
  });
});

describe('fields and operators', () => {
  it('describes plain fields and attributes by type', () => {
    expect(fieldInfo('label', LABELS)?.options).toEqual(['car', 'person']);
    expect(fieldInfo('occluded', LABELS)?.valueType).toBe('boolean');
    expect(fieldInfo('attr.car.speed', LABELS)?.valueType).toBe('number');
    expect(fieldInfo('attr.car.parked', LABELS)?.valueType).toBe('boolean');
    expect(fieldInfo('attr.car.color', LABELS)?.options).toEqual(['red', 'blue']);
    expect(fieldInfo('attr.car.make\u2219model', LABELS)?.attribute).toEqual({
      label: 'car',
      name: 'make.model',
    });
    expect(fieldInfo('attr.truck.color', LABELS)).toBeNull();
    expect(filterFields(LABELS).map((field) => field.field)).toContain('attr.person.color');
  });
  it('offers operators per value type', () => {
    expect(operatorsFor('occluded', LABELS)).toEqual(['equal', 'not_equal']);
    expect(operatorsFor('width', LABELS)).toContain('between');
    expect(operatorsFor('label', LABELS)).toContain('any_in');
    expect(operatorsFor('attr.car.plate', LABELS)).toContain('starts_with');
  });
  it('adjusts values to an operator', () => {
    expect(valuesFor('between', [5])).toEqual([5, '']);
    expect(valuesFor('is_empty', [5])).toEqual([]);
    expect(valuesFor('any_in', [5, { var: 'x' }])).toEqual([5]);
  });
});

describe('filterToText', () => {
  it('reads like the sidebar header', () => {
    expect(
      filterToText({
        and: [
          { '==': [{ var: 'label' }, 'car'] },
          { or: [{ '==': [{ var: 'occluded' }, true] }, { '==': [{ var: 'attr.color' }, 'red'] }] },
        ],
      }),
    ).toBe('label == "car" and (occluded == true or attr.color == "red")');
  });
  it('names the builder operators', () => {
    const w = { var: 'width' };
    expect(filterToText({ '<=': [1, w, 5] })).toBe('width between 1 and 5');
    expect(filterToText({ '!': { '<=': [1, w, 5] } })).toBe('width not between 1 and 5');
    expect(filterToText({ '!': w })).toBe('width is empty');
    expect(filterToText({ '!!': w })).toBe('width is not empty');
    expect(filterToText({ in: [{ var: 'label' }, ['a', 'b']] })).toBe('label in ["a", "b"]');
    expect(filterToText({ '!': { in: ['x', { var: 'attr.car.make\u2219model' }] } })).toBe(
      'attr.car.make.model not like "x"',
    );
    expect(filterToText({ '!': { and: [{ '>': [w, 3] }, { '<': [w, 9] }] } })).toBe(
      'not (width > 3 and width < 9)',
    );
    expect(filterToText({ endsWith: [{ var: 'label' }, 'r'] })).toBe('label ends with "r"');
  });
});

describe('addRecentFilter', () => {
  const f = (n: number): FilterLogic => ({ '==': [{ var: 'width' }, n] });
  it('puts the newest first, dedupes and keeps at most 10', () => {
    expect(addRecentFilter([f(1), f(2)], f(2))).toEqual([f(2), f(1)]);
    let recent: FilterLogic[] = [];
    for (let n = 1; n <= 14; n++) recent = addRecentFilter(recent, f(n));
    expect(recent).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5].map(f));
  });
});
