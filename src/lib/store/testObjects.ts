/** Builders of small valid documents for the store's tests. */
import type { FrameMeta, RectangleShape } from '../core/types';

export type RectangleObject = { kind: 'shape' } & RectangleShape;

export function rectangle(
  id: string,
  frame: number,
  updated_date = '2024-01-01T00:00:00.000Z',
  x = 0,
): RectangleObject {
  return {
    kind: 'shape',
    type: 'rectangle',
    id,
    frame,
    label_id: 'label-1',
    occluded: false,
    outside: false,
    z_order: 0,
    rotation: 0,
    group: 0,
    source: 'manual',
    attributes: [],
    points: [x, 0, x + 10, 10],
    updated_date,
    author: 'tester',
  };
}

export function frameMetas(count: number): FrameMeta[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `img_${String(i).padStart(5, '0')}.jpg`,
    width: 640,
    height: 480,
    blob: i.toString(16).padStart(64, '0'),
    mime: 'image/jpeg',
    related_files: 0,
  }));
}
