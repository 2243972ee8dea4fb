import { describe, expect, it } from 'vitest';
import { LABELS, rect, tag } from '$lib/core/filter/testFixtures';
import type { AttributeSpec } from '$lib/core/types';
import {
  aamObjects,
  attributesOf,
  DEFAULT_AAM_MARGIN,
  keyOfChoice,
  normalizeState,
  readMargin,
  stepAttribute,
  stepObject,
  valueChoices,
  valueForKey,
  valueOf,
  withValue,
  zoomBox,
  type AamState,
} from './attributeMode';

const spec = (input_type: AttributeSpec['input_type'], values: string[]): AttributeSpec => ({
  id: 's',
  name: 'n',
  input_type,
  mutable: true,
  values,
  default_value: values[0] ?? '',
});

const a = { ...rect('a', 'L-car', [10, 20, 30, 60]), z_order: 2 } as ReturnType<typeof rect>;
const b = { ...rect('b', 'L-person', [0, 0, 5, 5]), z_order: 1 } as ReturnType<typeof rect>;
const objects = aamObjects([a, b]);

describe('walking objects and attributes', () => {
  it('takes the objects bottom to top', () => {
    expect(objects.map((o) => o.id)).toEqual(['b', 'a']);
  });

  it('moves to the next and previous object, wrapping, and starts at the first attribute', () => {
    let state = normalizeState({ objectId: null, attributeIndex: 3 }, objects, LABELS);
    expect(state).toEqual({ objectId: 'b', attributeIndex: 0 });
    state = stepObject({ ...state, attributeIndex: 2 }, objects, 1);
    expect(state).toEqual({ objectId: 'a', attributeIndex: 0 });
    expect(stepObject(state, objects, 1).objectId).toBe('b');
    expect(stepObject(state, objects, -1).objectId).toBe('b');
    expect(stepObject(state, [], 1)).toEqual({ objectId: null, attributeIndex: 0 });
  });

  it('moves through the attributes of the active object, wrapping', () => {
    const count = attributesOf(a, LABELS).length;
    expect(count).toBe(5);
    let state: AamState = { objectId: 'a', attributeIndex: 0 };
    state = stepAttribute(state, count, -1);
    expect(state.attributeIndex).toBe(4);
    expect(stepAttribute(state, count, 1).attributeIndex).toBe(0);
    expect(stepAttribute(state, 0, 1).attributeIndex).toBe(0);
  });

  it('keeps the attribute in range when the object changes under it', () => {
    expect(normalizeState({ objectId: 'a', attributeIndex: 9 }, objects, LABELS)).toEqual({
      objectId: 'a',
      attributeIndex: 4,
    });
    expect(normalizeState({ objectId: 'gone', attributeIndex: 3 }, objects, LABELS)).toEqual({
      objectId: 'b',
      attributeIndex: 0,
    });
    expect(normalizeState({ objectId: 'a', attributeIndex: 0 }, [], LABELS).objectId).toBeNull();
  });
});

describe('values from the keyboard', () => {
  it('numbers the choices 1 to 9 then 0', () => {
    expect(keyOfChoice(0)).toBe('1');
    expect(keyOfChoice(9)).toBe('0');
    const select = spec('select', ['male', 'female']);
    expect(valueForKey(select, '2')).toBe('female');
    expect(valueForKey(select, '3')).toBeNull();
    expect(valueForKey(select, 'x')).toBeNull();
    const ten = spec(
      'radio',
      Array.from({ length: 12 }, (_v, i) => `v${i}`),
    );
    expect(valueChoices(ten)).toHaveLength(10);
    expect(valueForKey(ten, '0')).toBe('v9');
  });

  it('offers false/true for checkboxes, small number ranges, nothing for text', () => {
    expect(valueChoices(spec('checkbox', ['false']))).toEqual(['false', 'true']);
    expect(valueChoices(spec('number', ['0', '4', '2']))).toEqual(['0', '2', '4']);
    expect(valueChoices(spec('number', ['0', '300', '1']))).toEqual([]);
    expect(valueChoices(spec('text', []))).toEqual([]);
  });

  it('reads and sets values, falling back to the default', () => {
    const color = LABELS[0]!.attributes[0]!;
    expect(valueOf(a, color)).toBe('red');
    const set = withValue(a.attributes, color.id, 'blue');
    expect(valueOf({ ...a, attributes: set }, color)).toBe('blue');
    expect(withValue(set, color.id, 'red')).toEqual([{ spec_id: color.id, value: 'red' }]);
  });
});

describe('zoom', () => {
  it('zooms to a shape’s bounds and not to tags', () => {
    expect(zoomBox(a)).toEqual({ minX: 10, minY: 20, maxX: 30, maxY: 60 });
    expect(zoomBox(tag('t', 'L-car'))).toBeNull();
  });

  it('reads the stored margin or the default', () => {
    expect(readMargin({ getItem: () => '40' })).toBe(40);
    expect(readMargin({ getItem: () => '-3' })).toBe(DEFAULT_AAM_MARGIN);
    expect(readMargin({ getItem: () => null })).toBe(DEFAULT_AAM_MARGIN);
    expect(readMargin(undefined)).toBe(DEFAULT_AAM_MARGIN);
  });
});
