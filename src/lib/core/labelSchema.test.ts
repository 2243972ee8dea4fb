import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_PALETTE } from './colors';
import {
  labelsToRawJson,
  labelsToRawText,
  parseLabels,
  parseLabelsText,
  type LabelError,
} from './labelSchema';
import type { LabelSpec } from './types';

let counter = 0;
const makeId = (): string => `gen-${(counter += 1)}`;

function parseOk(json: unknown): LabelSpec[] {
  const result = parseLabels(json, { makeId });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.labels;
}

function parseErrors(json: unknown): LabelError[] {
  const result = parseLabels(json, { makeId });
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

function errorAt(json: unknown, path: string): LabelError {
  const errors = parseErrors(json);
  const found = errors.find((error) => error.path === path);
  if (!found) throw new Error(`no error at ${path}; got ${JSON.stringify(errors)}`);
  return found;
}

const cvatRaw = [
  {
    name: 'car',
    id: 1,
    color: '#fa3253',
    type: 'rectangle',
    attributes: [
      {
        id: 10,
        name: 'model',
        input_type: 'select',
        mutable: false,
        values: ['bmw', 'audi'],
        default_value: 'audi',
      },
      {
        id: 11,
        name: 'speed',
        input_type: 'number',
        mutable: true,
        values: ['0', '300', '5'],
        default_value: '0',
      },
      {
        id: 12,
        name: 'parked',
        input_type: 'checkbox',
        mutable: true,
        values: ['false'],
        default_value: 'false',
      },
      { id: 13, name: 'plate', input_type: 'text', mutable: false, values: [''], default_value: '' },
      {
        id: 14,
        name: 'color',
        input_type: 'radio',
        mutable: false,
        values: ['red', 'blue'],
        default_value: 'red',
      },
    ],
  },
  {
    name: 'person',
    id: 2,
    color: '#33ddff',
    type: 'skeleton',
    attributes: [],
    sublabels: [
      { name: 'head', id: 3, color: '#d12345', type: 'points', attributes: [] },
      { name: 'hand', id: 4, color: '#350dea', type: 'points', attributes: [] },
    ],
    svg: '<line x1="10" y1="10" x2="20" y2="20" data-node-from="1" data-node-to="2"></line>',
    has_parent: false,
  },
];

describe('parseLabels: valid input', () => {
  it('reads CVAT raw labels and keeps their ids as strings', () => {
    const labels = parseOk(cvatRaw);
    expect(labels).toHaveLength(2);
    expect(labels[0]).toMatchObject({
      id: '1',
      name: 'car',
      color: '#fa3253',
      type: 'rectangle',
      sublabels: [],
      svg: '',
    });
    expect(labels[0]!.attributes.map((a) => a.id)).toEqual(['10', '11', '12', '13', '14']);
    expect(labels[1]!.sublabels.map((s) => [s.id, s.name, s.type])).toEqual([
      ['3', 'head', 'points'],
      ['4', 'hand', 'points'],
    ]);
    expect(labels[1]!.svg).toContain('data-node-from');
  });

  it('fills defaults: ids, type any, attributes, mutable, default values, colors', () => {
    const [label] = parseOk([
      {
        name: '  dog ',
        attributes: [
          { name: 'breed', input_type: 'select', values: ['lab', 'pug'] },
          { name: 'age', input_type: 'number', values: ['1', '20', '1'] },
          { name: 'wet', input_type: 'checkbox' },
          { name: 'note', input_type: 'text' },
        ],
      },
    ]);
    expect(label).toMatchObject({
      name: 'dog',
      type: 'any',
      sublabels: [],
      svg: '',
      color: LABEL_PALETTE[0],
    });
    expect(label!.id).toMatch(/^gen-/);
    expect(label!.attributes.map((a) => [a.name, a.mutable, a.values, a.default_value])).toEqual([
      ['breed', false, ['lab', 'pug'], 'lab'],
      ['age', false, ['1', '20', '1'], '1'],
      ['wet', false, ['false'], 'false'],
      ['note', false, [], ''],
    ]);
  });

  it('generates colors distinct from those given anywhere in the input', () => {
    const labels = parseOk([{ name: 'a' }, { name: 'b', color: LABEL_PALETTE[0] }, { name: 'c' }]);
    expect(labels.map((l) => l.color)).toEqual([LABEL_PALETTE[1], LABEL_PALETTE[0], LABEL_PALETTE[2]]);
  });

  it('accepts an empty list', () => {
    expect(parseOk([])).toEqual([]);
  });

  it('makes ids with newId by default', () => {
    const result = parseLabels([{ name: 'a' }]);
    expect(result.ok && result.labels[0]!.id).toHaveLength(26);
  });
});

describe('parseLabels: error paths', () => {
  it('rejects a non-array', () => {
    expect(parseErrors({ name: 'car' })).toEqual([
      { path: '', message: expect.stringContaining('labels must be a JSON array') },
    ]);
  });

  it('rejects a label that is not an object', () => {
    expect(errorAt(['car'], '[0]').message).toContain('a label must be an object');
  });

  it('requires a non-empty name', () => {
    expect(errorAt([{}], '[0].name').message).toBe('name is required');
    expect(errorAt([{ name: '  ' }], '[0].name').message).toBe('name must not be empty');
    expect(errorAt([{ name: 5 }], '[0].name').message).toContain('must be a string');
  });

  it('rejects duplicate label names, pointing at the repeat', () => {
    const error = errorAt([{ name: 'car' }, { name: 'bus' }, { name: 'car ' }], '[2].name');
    expect(error.message).toBe('duplicate label name "car" (also at [0])');
  });

  it('rejects duplicate ids across labels and sublabels', () => {
    const json = [
      { name: 'a', id: 1 },
      { name: 'b', id: 2, type: 'skeleton', sublabels: [{ name: 'k', id: '1' }] },
    ];
    expect(errorAt(json, '[1].sublabels[0].id').message).toContain('duplicate id "1" (also at [0])');
    expect(errorAt([{ name: 'a', id: '' }], '[0].id').message).toContain('non-empty string or an integer');
  });

  it('rejects bad colors and label types', () => {
    expect(errorAt([{ name: 'a', color: 'red' }], '[0].color').message).toContain('hex color');
    expect(errorAt([{ name: 'a', type: 'circle' }], '[0].type').message).toContain('type must be one of');
  });

  it('names the bad input_type', () => {
    const json = [
      {
        name: 'car',
        attributes: [
          { name: 'ok', input_type: 'text' },
          { name: 'bad', input_type: 'dropdown', values: ['x'] },
        ],
      },
    ];
    const error = errorAt(json, '[0].attributes[1].input_type');
    expect(error.message).toContain('input_type must be one of select, radio, checkbox, text, number');
    expect(error.message).toContain('"dropdown"');
    expect(
      errorAt([{ name: 'a', attributes: [{ name: 'x' }] }], '[0].attributes[0].input_type').message,
    ).toBe('input_type is required');
  });

  it('rejects duplicate attribute names in one label, not across labels', () => {
    const attrs = [
      { name: 'size', input_type: 'text' },
      { name: 'size', input_type: 'text' },
    ];
    expect(errorAt([{ name: 'a', attributes: attrs }], '[0].attributes[1].name').message).toContain(
      'duplicate attribute name "size"',
    );
    const split = [
      { name: 'a', attributes: [attrs[0]] },
      { name: 'b', attributes: [attrs[0]] },
    ];
    expect(parseLabels(split, { makeId }).ok).toBe(true);
  });

  it('limits attribute names to 64 characters', () => {
    expect(
      errorAt(
        [{ name: 'a', attributes: [{ name: 'x'.repeat(65), input_type: 'text' }] }],
        '[0].attributes[0].name',
      ),
    );
  });

  describe('select and radio', () => {
    for (const input_type of ['select', 'radio']) {
      it(`${input_type} needs at least one value`, () => {
        const json = [{ name: 'a', attributes: [{ name: 'x', input_type, values: [] }] }];
        expect(errorAt(json, '[0].attributes[0].values').message).toContain('at least one value');
      });

      it(`${input_type} default must be among the values`, () => {
        const json = [
          { name: 'a', attributes: [{ name: 'x', input_type, values: ['p', 'q'], default_value: 'r' }] },
        ];
        expect(errorAt(json, '[0].attributes[0].default_value').message).toContain(
          '"r" is not one of the values',
        );
      });
    }

    it('rejects duplicate values at the repeated one', () => {
      const json = [
        { name: 'a', attributes: [{ name: 'x', input_type: 'select', values: ['p', 'q', 'p'] }] },
      ];
      expect(errorAt(json, '[0].attributes[0].values[2]').message).toBe('duplicate value "p"');
    });

    it('rejects non-string values at the element', () => {
      const json = [{ name: 'a', attributes: [{ name: 'x', input_type: 'select', values: ['p', 3] }] }];
      expect(errorAt(json, '[0].attributes[0].values[1]').message).toContain('must be a string');
    });
  });

  describe('number', () => {
    const numberAttr = (values: unknown, default_value?: string) => [
      { name: 'a', attributes: [{ name: 'n', input_type: 'number', values, default_value }] },
    ];

    it('needs exactly [min, max, step]', () => {
      expect(errorAt(numberAttr(['1', '2']), '[0].attributes[0].values').message).toContain(
        '[min, max, step]',
      );
    });

    it('needs numeric strings', () => {
      expect(errorAt(numberAttr(['1', 'ten', '1']), '[0].attributes[0].values[1]').message).toBe(
        '"ten" is not a number',
      );
      expect(errorAt(numberAttr(['1', '', '1']), '[0].attributes[0].values[1]'));
    });

    it('needs min <= max', () => {
      expect(errorAt(numberAttr(['10', '1', '1']), '[0].attributes[0].values').message).toContain(
        'min (10) must not be greater than max (1)',
      );
    });

    it('needs step > 0', () => {
      expect(errorAt(numberAttr(['0', '10', '0']), '[0].attributes[0].values').message).toContain(
        'step must be greater than 0',
      );
      expect(errorAt(numberAttr(['0', '10', '-1']), '[0].attributes[0].values'));
    });

    it('needs the default within range', () => {
      expect(
        errorAt(numberAttr(['0', '10', '1'], '11'), '[0].attributes[0].default_value').message,
      ).toContain('from 0 to 10');
      expect(errorAt(numberAttr(['0', '10', '1'], 'x'), '[0].attributes[0].default_value'));
      expect(parseOk(numberAttr(['-1.5', '2.5', '0.5'], '0'))[0]!.attributes[0]!.default_value).toBe('0');
    });
  });

  describe('checkbox', () => {
    it('accepts ["true"] or ["false"] only', () => {
      const json = [{ name: 'a', attributes: [{ name: 'c', input_type: 'checkbox', values: ['yes'] }] }];
      expect(errorAt(json, '[0].attributes[0].values').message).toContain('["true"] or ["false"]');
      const two = [
        { name: 'a', attributes: [{ name: 'c', input_type: 'checkbox', values: ['true', 'false'] }] },
      ];
      expect(errorAt(two, '[0].attributes[0].values'));
    });

    it('needs a boolean default', () => {
      const json = [
        {
          name: 'a',
          attributes: [{ name: 'c', input_type: 'checkbox', values: ['true'], default_value: '1' }],
        },
      ];
      expect(errorAt(json, '[0].attributes[0].default_value').message).toContain('"true" or "false"');
    });

    it('defaults to the value given', () => {
      const json = [{ name: 'a', attributes: [{ name: 'c', input_type: 'checkbox', values: ['true'] }] }];
      expect(parseOk(json)[0]!.attributes[0]).toMatchObject({ values: ['true'], default_value: 'true' });
    });
  });

  describe('skeletons', () => {
    it('need sublabels', () => {
      expect(errorAt([{ name: 's', type: 'skeleton' }], '[0].sublabels').message).toContain(
        'at least one sublabel',
      );
      expect(errorAt([{ name: 's', type: 'skeleton', sublabels: [] }], '[0].sublabels'));
    });

    it('need unique sublabel names', () => {
      const json = [{ name: 's', type: 'skeleton', sublabels: [{ name: 'k' }, { name: 'k' }] }];
      expect(errorAt(json, '[0].sublabels[1].name').message).toContain('duplicate sublabel name "k"');
    });

    it('sublabels are points with valid attributes', () => {
      const json = [
        {
          name: 's',
          type: 'skeleton',
          sublabels: [{ name: 'k', type: 'rectangle', attributes: [{ name: 'v', input_type: 'nope' }] }],
        },
      ];
      expect(errorAt(json, '[0].sublabels[0].type').message).toContain('"points"');
      expect(errorAt(json, '[0].sublabels[0].attributes[0].input_type'));
    });

    it('other label types have no sublabels', () => {
      expect(
        errorAt([{ name: 'r', type: 'rectangle', sublabels: [{ name: 'k' }] }], '[0].sublabels').message,
      ).toContain('only skeleton labels have sublabels');
    });
  });

  it('reports every problem at once', () => {
    const json = [
      { name: '' },
      { name: 'b', color: 'blue', attributes: [{ name: 'x', input_type: 'select', values: [] }] },
    ];
    expect(parseErrors(json).map((e) => e.path)).toEqual([
      '[0].name',
      '[1].color',
      '[1].attributes[0].values',
    ]);
  });
});

describe('parseLabelsText', () => {
  it('reports JSON syntax errors with line and column', () => {
    const result = parseLabelsText('[\n  {"name": "car",}\n]');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        path: '',
        line: 2,
        column: 18,
        message: 'JSON syntax error at line 2, column 18: trailing comma before "}"',
      },
    ]);
  });

  it('puts field errors at the line of the bad field', () => {
    const text = [
      '[',
      '  {',
      '    "name": "car",',
      '    "attributes": [',
      '      {"name": "a", "input_type": "dropdown"}',
      '    ]',
      '  }',
      ']',
    ].join('\n');
    const result = parseLabelsText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ path: '[0].attributes[0].input_type', line: 5, column: 35 });
  });

  it('locates a missing field at its enclosing object', () => {
    const result = parseLabelsText('[\n  {"color": "#ffffff"}\n]');
    expect(!result.ok && result.errors[0]).toMatchObject({ path: '[0].name', line: 2, column: 3 });
  });

  it('parses valid text', () => {
    const result = parseLabelsText(JSON.stringify(cvatRaw));
    expect(result.ok && result.labels.map((l) => l.name)).toEqual(['car', 'person']);
  });
});

describe('labelsToRawJson', () => {
  it('writes CVAT raw format, with or without ids', () => {
    const labels = parseOk(cvatRaw);
    const raw = labelsToRawJson(labels);
    expect(raw[0]).toMatchObject({ id: '1', name: 'car', color: '#fa3253', type: 'rectangle' });
    expect(raw[0]).not.toHaveProperty('sublabels');
    expect(raw[1]).toHaveProperty('sublabels');
    expect(raw[1]).toHaveProperty('svg');
    const withoutIds = labelsToRawJson(labels, { keepIds: false });
    expect(JSON.stringify(withoutIds)).not.toContain('"id"');
    expect(JSON.parse(labelsToRawText(labels))).toEqual(raw);
  });

  it('round-trips losslessly through parseLabels', () => {
    const labels = parseOk(cvatRaw);
    expect(parseOk(labelsToRawJson(labels))).toEqual(labels);
    expect(parseOk(JSON.parse(labelsToRawText(labels)))).toEqual(labels);
  });

  it('property: any valid label set round-trips', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9 ]{0,8}[a-z0-9]$/);
    const attribute = fc.oneof(
      fc.record({
        input_type: fc.constantFrom('select', 'radio'),
        values: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        mutable: fc.boolean(),
      }),
      fc.record({
        input_type: fc.constant('checkbox'),
        values: fc.constantFrom(['true'], ['false']),
        mutable: fc.boolean(),
      }),
      fc.record({
        input_type: fc.constant('text'),
        values: fc.array(fc.string(), { maxLength: 1 }),
        mutable: fc.boolean(),
      }),
      fc
        .tuple(
          fc.integer({ min: -50, max: 50 }),
          fc.integer({ min: 0, max: 50 }),
          fc.integer({ min: 1, max: 5 }),
        )
        .map(([min, span, step]) => ({
          input_type: 'number',
          values: [String(min), String(min + span), String(step)],
          mutable: false,
        })),
    );
    const label = fc.record({
      name,
      type: fc.constantFrom('any', 'rectangle', 'polygon', 'tag'),
      attributes: fc.uniqueArray(fc.tuple(name, attribute), { selector: ([n]) => n, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(label, { selector: (l) => l.name, maxLength: 5 }), (drafts) => {
        const json = drafts.map((d) => ({
          ...d,
          attributes: d.attributes.map(([attrName, spec]) => ({ name: attrName, ...spec })),
        }));
        const labels = parseOk(json);
        expect(parseOk(labelsToRawJson(labels))).toEqual(labels);
      }),
    );
  });
});
