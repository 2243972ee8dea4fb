import { describe, expect, it } from 'vitest';
import {
  clampRectangle,
  createRectangle,
  defaultAttributeValues,
  normalizeRectanglePoints,
  shapeBounds,
  translateShape,
} from './shapes';
import type {
  AttributeSpec,
  EllipseShape,
  LabelSpec,
  MaskShape,
  PolygonShape,
  Shape,
  SkeletonShape,
} from './types';

const attribute = (id: string, default_value: string): AttributeSpec => ({
  id,
  name: `attr-${id}`,
  input_type: 'text',
  mutable: false,
  values: [],
  default_value,
});

const label: LabelSpec = {
  id: 'L1',
  name: 'car',
  color: '#ff0000',
  type: 'rectangle',
  attributes: [attribute('A1', 'red'), attribute('A2', '')],
  sublabels: [],
  svg: '',
};

function base(shape: Partial<Shape> & Pick<Shape, 'type' | 'points'>): Shape {
  return { ...createRectangle({ frame: 0, label_id: 'L1', points: [0, 0, 1, 1] }), ...shape } as Shape;
}

describe('createRectangle', () => {
  it('orders corners and fills CVAT defaults', () => {
    const shape = createRectangle({ frame: 3, label_id: 'L1', points: [50, 40, 10, 20] });
    expect(shape).toMatchObject({
      type: 'rectangle',
      frame: 3,
      label_id: 'L1',
      points: [10, 20, 50, 40],
      occluded: false,
      outside: false,
      z_order: 0,
      rotation: 0,
      group: 0,
      source: 'manual',
      attributes: [],
      author: '',
    });
    expect(shape.id).toHaveLength(26);
    expect(Number.isNaN(Date.parse(shape.updated_date))).toBe(false);
  });

  it('takes attribute defaults from the label', () => {
    const shape = createRectangle({ frame: 0, label_id: 'L1', label, points: [0, 0, 1, 1] });
    expect(shape.attributes).toEqual([
      { spec_id: 'A1', value: 'red' },
      { spec_id: 'A2', value: '' },
    ]);
  });

  it('keeps explicit fields over defaults', () => {
    const shape = createRectangle({
      frame: 1,
      label_id: 'L1',
      label,
      points: [0, 0, 1, 1],
      id: 'fixed',
      author: 'ann',
      occluded: true,
      z_order: 4,
      rotation: 30,
      group: 2,
      source: 'auto',
      attributes: [{ spec_id: 'A1', value: 'blue' }],
    });
    expect(shape).toMatchObject({
      id: 'fixed',
      author: 'ann',
      occluded: true,
      z_order: 4,
      rotation: 30,
      group: 2,
      source: 'auto',
      attributes: [{ spec_id: 'A1', value: 'blue' }],
    });
  });

  it('rejects a label that does not match label_id', () => {
    expect(() => createRectangle({ frame: 0, label_id: 'other', label, points: [0, 0, 1, 1] })).toThrow(
      /label/,
    );
  });
});

describe('defaultAttributeValues', () => {
  it('maps each attribute to its default', () => {
    expect(defaultAttributeValues(label)).toEqual([
      { spec_id: 'A1', value: 'red' },
      { spec_id: 'A2', value: '' },
    ]);
  });
});

describe('normalizeRectanglePoints / clampRectangle', () => {
  it('orders corners', () => {
    expect(normalizeRectanglePoints([5, 6, 1, 2])).toEqual([1, 2, 5, 6]);
  });

  it('clamps into the image', () => {
    expect(clampRectangle([-10, 5, 120, 90], 100, 80)).toEqual([0, 5, 100, 80]);
    expect(clampRectangle([120, 90, -10, -5], 100, 80)).toEqual([0, 0, 100, 80]);
    expect(clampRectangle([10, 10, 20, 20], 100, 80)).toEqual([10, 10, 20, 20]);
  });
});

describe('shapeBounds', () => {
  it('bounds an unrotated rectangle', () => {
    expect(shapeBounds(base({ type: 'rectangle', points: [30, 40, 10, 20] }))).toEqual({
      xtl: 10,
      ytl: 20,
      xbr: 30,
      ybr: 40,
    });
  });

  it('bounds a rotated rectangle', () => {
    const bounds = shapeBounds(base({ type: 'rectangle', points: [0, 0, 20, 10], rotation: 90 }));
    expect(bounds!.xtl).toBeCloseTo(5);
    expect(bounds!.ytl).toBeCloseTo(-5);
    expect(bounds!.xbr).toBeCloseTo(15);
    expect(bounds!.ybr).toBeCloseTo(15);
  });

  it('bounds polygons, polylines and points', () => {
    const polygon = base({ type: 'polygon', points: [5, 1, 9, 7, 2, 3] }) as PolygonShape;
    expect(shapeBounds(polygon)).toEqual({ xtl: 2, ytl: 1, xbr: 9, ybr: 7 });
    expect(shapeBounds(base({ type: 'points', points: [] }))).toBeNull();
  });

  it('bounds ellipses from centre, right x and top y', () => {
    const ellipse = base({ type: 'ellipse', points: [50, 50, 60, 45] }) as EllipseShape;
    expect(shapeBounds(ellipse)).toEqual({ xtl: 40, ytl: 45, xbr: 60, ybr: 55 });
    const rotated = shapeBounds({ ...ellipse, rotation: 90 });
    expect(rotated!.xtl).toBeCloseTo(45);
    expect(rotated!.ytl).toBeCloseTo(40);
  });

  it('bounds masks from their inclusive trailer', () => {
    const mask = base({ type: 'mask', points: [0, 4, 2, 10, 20, 13, 21] }) as MaskShape;
    expect(shapeBounds(mask)).toEqual({ xtl: 10, ytl: 20, xbr: 14, ybr: 22 });
  });

  it('bounds visible skeleton keypoints', () => {
    const skeleton = {
      ...base({ type: 'skeleton', points: [] }),
      type: 'skeleton',
      points: [],
      elements: [
        { label_id: 'k1', type: 'points', points: [1, 2], occluded: false, outside: false, attributes: [] },
        { label_id: 'k2', type: 'points', points: [5, 8], occluded: true, outside: false, attributes: [] },
        {
          label_id: 'k3',
          type: 'points',
          points: [100, 100],
          occluded: false,
          outside: true,
          attributes: [],
        },
      ],
    } as SkeletonShape;
    expect(shapeBounds(skeleton)).toEqual({ xtl: 1, ytl: 2, xbr: 5, ybr: 8 });
  });
});

describe('translateShape', () => {
  it('moves every point pair and leaves the original alone', () => {
    const polygon = base({ type: 'polygon', points: [0, 0, 10, 0, 10, 10] }) as PolygonShape;
    const moved = translateShape(polygon, 5, -2);
    expect(moved.points).toEqual([5, -2, 15, -2, 15, 8]);
    expect(polygon.points).toEqual([0, 0, 10, 0, 10, 10]);
    expect(moved.id).toBe(polygon.id);
  });

  it('moves ellipses and rectangles', () => {
    const rectangle = createRectangle({ frame: 0, label_id: 'L1', points: [0, 0, 4, 4] });
    expect(translateShape(rectangle, 1, 2).points).toEqual([1, 2, 5, 6]);
    const ellipse = base({ type: 'ellipse', points: [50, 50, 60, 45] });
    expect(translateShape(ellipse, 1, 1).points).toEqual([51, 51, 61, 46]);
  });

  it('moves only the mask trailer', () => {
    const mask = base({ type: 'mask', points: [0, 4, 2, 10, 20, 13, 21] });
    expect(translateShape(mask, 3, 4).points).toEqual([0, 4, 2, 13, 24, 16, 25]);
  });

  it('moves skeleton keypoints', () => {
    const skeleton = {
      ...base({ type: 'skeleton', points: [] }),
      elements: [
        { label_id: 'k1', type: 'points', points: [1, 2], occluded: false, outside: false, attributes: [] },
      ],
    } as SkeletonShape;
    expect(translateShape(skeleton, 1, 1).elements[0]!.points).toEqual([2, 3]);
  });
});
