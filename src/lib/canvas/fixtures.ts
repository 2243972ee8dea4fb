import type { PolygonShape, PolylineShape, PointsShape, RectangleShape, Shape } from '../core/types';

/** Shape builders for the canvas tests: only geometry and stacking vary. */
type Extra = Partial<Pick<Shape, 'z_order' | 'rotation' | 'occluded' | 'outside' | 'label_id'>>;

function base(id: string, extra: Extra) {
  return {
    id,
    updated_date: '2024-01-01T00:00:00.000Z',
    author: 'test',
    frame: 0,
    label_id: extra.label_id ?? 'label',
    occluded: extra.occluded ?? false,
    outside: extra.outside ?? false,
    z_order: extra.z_order ?? 0,
    rotation: extra.rotation ?? 0,
    group: 0,
    source: 'manual' as const,
    attributes: [],
  };
}

export function rect(
  id: string,
  points: [number, number, number, number],
  extra: Extra = {},
): RectangleShape {
  return { ...base(id, extra), type: 'rectangle', points };
}

export function polygon(id: string, points: number[], extra: Extra = {}): PolygonShape {
  return { ...base(id, extra), type: 'polygon', points };
}

export function polyline(id: string, points: number[], extra: Extra = {}): PolylineShape {
  return { ...base(id, extra), type: 'polyline', points };
}

export function points(id: string, pts: number[], extra: Extra = {}): PointsShape {
  return { ...base(id, extra), type: 'points', points: pts };
}
