import type { AttributeSpec, Id, InputType, LabelSpec, LabelType } from './types';

/** An attribute as CVAT's "Raw" label editor shows it. */
export interface RawAttribute {
  id?: Id;
  name: string;
  input_type: InputType;
  mutable: boolean;
  values: string[];
  default_value: string;
}

export interface RawSublabel {
  id?: Id;
  name: string;
  color: string;
  type: 'points';
  attributes: RawAttribute[];
}

export interface RawLabel {
  id?: Id;
  name: string;
  color: string;
  type: LabelType;
  attributes: RawAttribute[];
  sublabels?: RawSublabel[];
  svg?: string;
}

export interface RawJsonOptions {
  /** Keep ids (default). Without them CVAT treats labels as new. */
  keepIds?: boolean;
}

function rawAttribute(attribute: AttributeSpec, keepIds: boolean): RawAttribute {
  return {
    ...(keepIds ? { id: attribute.id } : {}),
    name: attribute.name,
    input_type: attribute.input_type,
    mutable: attribute.mutable,
    values: [...attribute.values],
    default_value: attribute.default_value,
  };
}

/** Labels in CVAT's raw JSON format; `parseLabels` of the result gives the labels back. */
export function labelsToRawJson(labels: readonly LabelSpec[], options: RawJsonOptions = {}): RawLabel[] {
  const keepIds = options.keepIds ?? true;
  return labels.map((label) => ({
    ...(keepIds ? { id: label.id } : {}),
    name: label.name,
    color: label.color,
    type: label.type,
    attributes: label.attributes.map((attribute) => rawAttribute(attribute, keepIds)),
    ...(label.type === 'skeleton' || label.sublabels.length > 0
      ? {
          sublabels: label.sublabels.map((sublabel) => ({
            ...(keepIds ? { id: sublabel.id } : {}),
            name: sublabel.name,
            color: sublabel.color,
            type: sublabel.type,
            attributes: sublabel.attributes.map((attribute) => rawAttribute(attribute, keepIds)),
          })),
        }
      : {}),
    ...(label.type === 'skeleton' || label.svg !== '' ? { svg: label.svg } : {}),
  }));
}

/** `labelsToRawJson` as indented text, for the raw label editor. */
export function labelsToRawText(labels: readonly LabelSpec[], options: RawJsonOptions = {}): string {
  return JSON.stringify(labelsToRawJson(labels, options), null, 2);
}
