import { newId, now } from './ids';
import type { AttributeValue, Id, LabelSpec, RectangleShape, Shape, ShapeType, Source } from './types';

export type RectanglePoints = [number, number, number, number];

/** Axis-aligned bounds in image pixels. */
export interface Bounds {
  xtl: number;
  ytl: number;
  xbr: number;
  ybr: number;
}

/** The attribute values a new object of `label` starts with: each attribute's default. */
export function defaultAttributeValues(label: Pick<LabelSpec, 'attributes'>): AttributeValue[] {
  return label.attributes.map((attribute) => ({ spec_id: attribute.id, value: attribute.default_value }));
}

export interface NewRectangle {
  frame: number;
  label_id: Id;
  points: RectanglePoints;
  /** The label, to take attribute defaults from when `attributes` is not given. */
  label?: Pick<LabelSpec, 'id' | 'attributes'>;
  attributes?: AttributeValue[];
  id?: Id;
  author?: string;
  occluded?: boolean;
  outside?: boolean;
  z_order?: number;
  rotation?: number;
  group?: number;
  source?: Source;
}

/** `[xtl, ytl, xbr, ybr]` with the corners ordered (x1 ≤ x2, y1 ≤ y2). */
export function normalizeRectanglePoints([x1, y1, x2, y2]: readonly number[]): RectanglePoints {
  const a = x1 ?? 0;
  const b = y1 ?? 0;
  const c = x2 ?? 0;
  const d = y2 ?? 0;
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

/** A new rectangle with CVAT's defaults and ordered corners. */
export function createRectangle(input: NewRectangle): RectangleShape {
  if (input.label && input.label.id !== input.label_id) {
    throw new Error(`label ${input.label.id} does not match label_id ${input.label_id}`);
  }
  return {
    type: 'rectangle',
    id: input.id ?? newId(),
    updated_date: now(),
    author: input.author ?? '',
    frame: input.frame,
    label_id: input.label_id,
    points: normalizeRectanglePoints(input.points),
    occluded: input.occluded ?? false,
    outside: input.outside ?? false,
    z_order: input.z_order ?? 0,
    rotation: input.rotation ?? 0,
    group: input.group ?? 0,
    source: input.source ?? 'manual',
    attributes: input.attributes ?? (input.label ? defaultAttributeValues(input.label) : []),
  };
}

/** Rectangle points clamped into a `width` × `height` image, corners ordered. */
export function clampRectangle(points: readonly number[], width: number, height: number): RectanglePoints {
  const [xtl, ytl, xbr, ybr] = normalizeRectanglePoints(points);
  const clamp = (value: number, max: number): number => Math.min(Math.max(value, 0), max);
  return [clamp(xtl, width), clamp(ytl, height), clamp(xbr, width), clamp(ybr, height)];
}

function boundsOfPairs(points: readonly number[]): Bounds | null {
  if (points.length < 2) return null;
  let xtl = Infinity;
  let ytl = Infinity;
  let xbr = -Infinity;
  let ybr = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] ?? 0;
    const y = points[i + 1] ?? 0;
    xtl = Math.min(xtl, x);
    ytl = Math.min(ytl, y);
    xbr = Math.max(xbr, x);
    ybr = Math.max(ybr, y);
  }
  return { xtl, ytl, xbr, ybr };
}

/** Bounds of a box of half-sizes `halfWidth` × `halfHeight` about a centre, rotated by degrees. */
function rotatedBounds(
  cx: number,
  cy: number,
  halfWidth: number,
  halfHeight: number,
  degrees: number,
): Bounds {
  const radians = (degrees * Math.PI) / 180;
  const cos = Math.abs(Math.cos(radians));
  const sin = Math.abs(Math.sin(radians));
  const dx = halfWidth * cos + halfHeight * sin;
  const dy = halfWidth * sin + halfHeight * cos;
  return { xtl: cx - dx, ytl: cy - dy, xbr: cx + dx, ybr: cy + dy };
}

function rotatedEllipseBounds(cx: number, cy: number, rx: number, ry: number, degrees: number): Bounds {
  const radians = (degrees * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const dx = Math.hypot(rx * cos, ry * sin);
  const dy = Math.hypot(rx * sin, ry * cos);
  return { xtl: cx - dx, ytl: cy - dy, xbr: cx + dx, ybr: cy + dy };
}

/**
 * Axis-aligned bounds of a shape, rotation included. Masks give the pixel extent of their
 * inclusive `[left, top, right, bottom]` trailer (right + 1, bottom + 1). Skeletons bound their
 * visible keypoints (all keypoints when none is visible). Null when there is no geometry.
 */
export function shapeBounds(shape: Shape): Bounds | null {
  switch (shape.type) {
    case 'rectangle': {
      const [xtl, ytl, xbr, ybr] = normalizeRectanglePoints(shape.points);
      if (shape.rotation % 360 === 0) return { xtl, ytl, xbr, ybr };
      return rotatedBounds(
        (xtl + xbr) / 2,
        (ytl + ybr) / 2,
        (xbr - xtl) / 2,
        (ybr - ytl) / 2,
        shape.rotation,
      );
    }
    case 'ellipse': {
      const [cx, cy, rightX, topY] = shape.points;
      return rotatedEllipseBounds(cx, cy, Math.abs(rightX - cx), Math.abs(cy - topY), shape.rotation);
    }
    case 'mask': {
      if (shape.points.length < 4) return null;
      const [left, top, right, bottom] = shape.points.slice(-4) as RectanglePoints;
      return { xtl: left, ytl: top, xbr: right + 1, ybr: bottom + 1 };
    }
    case 'skeleton': {
      const visible = shape.elements.filter((element) => !element.outside);
      const elements = visible.length > 0 ? visible : shape.elements;
      return boundsOfPairs(elements.flatMap((element) => element.points));
    }
    default:
      return boundsOfPairs(shape.points);
  }
}

function shiftPairs(points: readonly number[], dx: number, dy: number): number[] {
  return points.map((value, index) => value + (index % 2 === 0 ? dx : dy));
}

/**
 * The shape moved by `(dx, dy)`. A mask moves its bounding trailer only (its RLE is relative).
 * Metadata (`updated_date`, `author`) is left to the caller.
 */
export function translateShape<S extends Shape>(shape: S, dx: number, dy: number): S {
  switch (shape.type) {
    case 'skeleton':
      return {
        ...shape,
        elements: shape.elements.map((element) => ({
          ...element,
          points: [element.points[0] + dx, element.points[1] + dy],
        })),
      };
    case 'mask': {
      const rle = shape.points.slice(0, -4);
      return { ...shape, points: [...rle, ...shiftPairs(shape.points.slice(-4), dx, dy)] };
    }
    default:
      return { ...shape, points: shiftPairs(shape.points, dx, dy) };
  }
}

/** What a drawing tool produced: the geometry of a new shape, before it has an id. */
export interface DrawnGeometry {
  type: ShapeType;
  points: number[];
  rotation?: number;
  elements?: { label_id: Id; points: [number, number]; outside: boolean; occluded: boolean }[];
}

export interface NewShape extends DrawnGeometry {
  frame: number;
  label: Pick<LabelSpec, 'id' | 'attributes'>;
  z_order?: number;
  author?: string;
  source?: Source;
}

/** A new shape of any type with CVAT's defaults; rectangles get ordered corners. */
export function createShape(input: NewShape): Shape {
  const base = {
    id: newId(),
    updated_date: now(),
    author: input.author ?? '',
    frame: input.frame,
    label_id: input.label.id,
    occluded: false,
    outside: false,
    z_order: input.z_order ?? 0,
    rotation: input.rotation ?? 0,
    group: 0,
    source: input.source ?? 'manual',
    attributes: defaultAttributeValues(input.label),
  };
  switch (input.type) {
    case 'rectangle':
      return { ...base, type: 'rectangle', points: normalizeRectanglePoints(input.points) };
    case 'ellipse': {
      const [cx = 0, cy = 0, rx = 0, ty = 0] = input.points;
      return { ...base, type: 'ellipse', points: [cx, cy, rx, ty] };
    }
    case 'skeleton':
      return {
        ...base,
        type: 'skeleton',
        points: [],
        elements: (input.elements ?? []).map((e) => ({ ...e, type: 'points' as const, attributes: [] })),
      };
    default:
      return { ...base, type: input.type, points: [...input.points] };
  }
}
