import type { AttributeSpec, FrameObject, LabelSpec, Source } from '../types';

function attribute(
  id: string,
  name: string,
  input_type: AttributeSpec['input_type'],
  values: string[],
  default_value: string,
): AttributeSpec {
  return { id, name, input_type, mutable: true, values, default_value };
}

export const LABELS: LabelSpec[] = [
  {
    id: 'L-car',
    name: 'car',
    color: '#ff0000',
    type: 'any',
    sublabels: [],
    svg: '',
    attributes: [
      attribute('A-color', 'color', 'select', ['red', 'blue'], 'red'),
      attribute('A-speed', 'speed', 'number', ['0', '300', '1'], '0'),
      attribute('A-parked', 'parked', 'checkbox', ['false'], 'false'),
      attribute('A-plate', 'plate', 'text', [], ''),
      attribute('A-dot', 'make.model', 'text', [], ''),
    ],
  },
  {
    id: 'L-person',
    name: 'person',
    color: '#00ff00',
    type: 'any',
    sublabels: [],
    svg: '',
    attributes: [attribute('A-pcolor', 'color', 'radio', ['green', 'red'], 'green')],
  },
];

const META = { updated_date: '2024-01-01T00:00:00Z', author: 'test' };

export function rect(
  id: string,
  label_id: string,
  points: [number, number, number, number],
  extra: { occluded?: boolean; source?: Source; attributes?: { spec_id: string; value: string }[] } = {},
): FrameObject {
  return {
    kind: 'shape',
    type: 'rectangle',
    id,
    ...META,
    frame: 0,
    label_id,
    occluded: extra.occluded ?? false,
    outside: false,
    z_order: 0,
    rotation: 0,
    group: 0,
    source: extra.source ?? 'manual',
    attributes: extra.attributes ?? [],
    points,
  };
}

export function tag(id: string, label_id: string): FrameObject {
  return { kind: 'tag', id, ...META, frame: 0, label_id, group: 0, source: 'auto', attributes: [] };
}
