/**
 * CVAT's shapes converter and "remove filtered shapes", on the shapes that pass the filter in a
 * frame range. Conversions are planned first (mask work runs in the mask worker, off the main
 * thread) and then applied as one undo step through the job session's `transaction`.
 *
 * A converted shape keeps its id, label, attributes, z-order, group and flags when it becomes
 * one shape; when a mask falls apart into several polygons, the first keeps the id and the
 * others are added beside it with the same properties.
 */
import type { FilterContext, FilterPredicate } from '$lib/core/filter';
import { maskToRectangle } from '$lib/core/mask';
import type { DrawnGeometry } from '$lib/core/shapes';
import type { FrameObject, Id, LabelSpec, ShapeType } from '$lib/core/types';

export const ACTIONS = [
  'masks-to-polygons',
  'polygons-to-masks',
  'masks-to-rectangles',
  'polygons-to-rectangles',
  'rectangles-to-polygons',
  'rectangles-to-masks',
  'remove-filtered',
] as const;
export type ConverterAction = (typeof ACTIONS)[number];

export const ACTION_TITLES: Record<ConverterAction, string> = {
  'masks-to-polygons': 'Shapes converter: masks to polygons',
  'polygons-to-masks': 'Shapes converter: polygons to masks',
  'masks-to-rectangles': 'Shapes converter: masks to rectangles',
  'polygons-to-rectangles': 'Shapes converter: polygons to rectangles',
  'rectangles-to-polygons': 'Shapes converter: rectangles to polygons',
  'rectangles-to-masks': 'Shapes converter: rectangles to masks',
  'remove-filtered': 'Remove filtered shapes',
};

/** The shape type an action reads (null: any shape) and the type it makes (null: removes). */
export function actionTypes(action: ConverterAction): { from: ShapeType | null; to: ShapeType | null } {
  switch (action) {
    case 'masks-to-polygons':
      return { from: 'mask', to: 'polygon' };
    case 'polygons-to-masks':
      return { from: 'polygon', to: 'mask' };
    case 'masks-to-rectangles':
      return { from: 'mask', to: 'rectangle' };
    case 'polygons-to-rectangles':
      return { from: 'polygon', to: 'rectangle' };
    case 'rectangles-to-polygons':
      return { from: 'rectangle', to: 'polygon' };
    case 'rectangles-to-masks':
      return { from: 'rectangle', to: 'mask' };
    case 'remove-filtered':
      return { from: null, to: null };
  }
}

export type ShapeObject = Extract<FrameObject, { kind: 'shape' }>;

/** The shapes an action applies to: of its input type, in `[from, to]`, passing the filter. */
export function selectShapes(
  objects: Iterable<FrameObject>,
  action: ConverterAction,
  options: {
    predicate: FilterPredicate;
    from: number;
    to: number;
    contextOf?: (object: FrameObject) => FilterContext;
  },
): ShapeObject[] {
  const { from: type } = actionTypes(action);
  const picked: ShapeObject[] = [];
  for (const object of objects) {
    if (object.kind !== 'shape' || object.frame < options.from || object.frame > options.to) continue;
    if (type !== null && object.type !== type) continue;
    if (!options.predicate(object, options.contextOf?.(object))) continue;
    picked.push(object);
  }
  return picked.sort((a, b) => a.frame - b.frame || a.z_order - b.z_order);
}

/** The mask work, as the mask worker offers it (`getMaskWorker()`), or the core functions in tests. */
export interface MaskOps {
  maskToPolygons(points: number[], width: number, height: number, accuracy: number): Promise<number[][]>;
  polygonsToMask(polygons: number[][], width: number, height: number): Promise<number[] | null>;
}

/** The corners of a (possibly rotated) rectangle as a polygon, clockwise on screen. */
export function rectangleToPolygon(points: readonly number[], rotation = 0): number[] {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = points;
  const corners = [
    [x1, y1],
    [x2, y1],
    [x2, y2],
    [x1, y2],
  ] as const;
  if (rotation % 360 === 0) return corners.flat();
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const a = (rotation * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return corners.flatMap(([x, y]) => [
    cx + (x - cx) * cos - (y - cy) * sin,
    cy + (x - cx) * sin + (y - cy) * cos,
  ]);
}

/** The bounding rectangle of polygon points. */
export function polygonToRectangle(points: readonly number[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    minX = Math.min(minX, points[i]!);
    maxX = Math.max(maxX, points[i]!);
    minY = Math.min(minY, points[i + 1]!);
    maxY = Math.max(maxY, points[i + 1]!);
  }
  return [minX, minY, maxX, maxY];
}

export interface PlannedChange {
  source: ShapeObject;
  /** New geometries; the first replaces the source, the rest are added. Empty: the source is removed. */
  results: { type: ShapeType; points: number[] }[];
}

export interface ConversionPlan {
  action: ConverterAction;
  changes: PlannedChange[];
}

/**
 * What an action does to the selected shapes. `frameSize` gives the image size of a frame
 * (masks are encoded against it); `accuracy` is the polygon approximation tolerance in pixels.
 * `onprogress(done, total)` is called as shapes are processed; `signal` cancels before the end.
 */
export async function planConversion(
  shapes: readonly ShapeObject[],
  action: ConverterAction,
  options: {
    ops: MaskOps;
    frameSize: (frame: number) => { width: number; height: number };
    accuracy: number;
    onprogress?: (done: number, total: number) => void;
    signal?: AbortSignal;
  },
): Promise<ConversionPlan> {
  const { to } = actionTypes(action);
  const changes: PlannedChange[] = [];
  let done = 0;
  for (const source of shapes) {
    if (options.signal?.aborted) throw new DOMException('The conversion was cancelled.', 'AbortError');
    const { width, height } = options.frameSize(source.frame);
    let results: PlannedChange['results'] = [];
    if (to === null) results = [];
    else if (to === 'rectangle') {
      const box = source.type === 'mask' ? maskToRectangle(source.points) : polygonToRectangle(source.points);
      results = [{ type: 'rectangle', points: box }];
    } else if (to === 'polygon') {
      results =
        source.type === 'mask'
          ? (await options.ops.maskToPolygons(source.points, width, height, options.accuracy))
              .filter((polygon) => polygon.length >= 6)
              .map((points) => ({ type: 'polygon' as const, points }))
          : [{ type: 'polygon', points: rectangleToPolygon(source.points, source.rotation) }];
    } else if (to === 'mask') {
      const polygon =
        source.type === 'rectangle' ? rectangleToPolygon(source.points, source.rotation) : source.points;
      const mask = await options.ops.polygonsToMask([polygon], width, height);
      results = mask ? [{ type: 'mask', points: mask }] : [];
    }
    changes.push({ source, results });
    options.onprogress?.(++done, shapes.length);
  }
  return { action, changes };
}

/** What the converter needs of the job session (`JobSession` has all of it). */
export interface ConverterTarget {
  frame: number;
  readonly labels: readonly LabelSpec[];
  transaction(label: string, changes: () => void): void;
  update(id: Id, patch: (object: FrameObject) => FrameObject, label: string): void;
  remove(id: Id): void;
  draw(geometry: DrawnGeometry, label: LabelSpec, frame?: number): FrameObject;
}

function withGeometry(source: ShapeObject, result: PlannedChange['results'][number]): ShapeObject {
  return { ...source, type: result.type, points: result.points, rotation: 0 } as ShapeObject;
}

export interface ApplyResult {
  converted: number;
  removed: number;
  added: number;
}

/** Applies a plan as one undo step. */
export function applyPlan(target: ConverterTarget, plan: ConversionPlan): ApplyResult {
  const result: ApplyResult = { converted: 0, removed: 0, added: 0 };
  if (plan.changes.length === 0) return result;
  target.transaction(ACTION_TITLES[plan.action], () => {
    for (const { source, results } of plan.changes) {
      const [first, ...rest] = results;
      if (!first) {
        target.remove(source.id);
        result.removed++;
        continue;
      }
      target.update(source.id, () => withGeometry(source, first), 'Convert shape');
      result.converted++;
      const label = target.labels.find((l) => l.id === source.label_id);
      if (!label) continue;
      for (const extra of rest) {
        const made = target.draw({ type: extra.type, points: extra.points }, label, source.frame);
        target.update(
          made.id,
          (o) =>
            ({
              ...withGeometry(source, extra),
              id: o.id,
              updated_date: o.updated_date,
            }) as FrameObject,
          'Convert shape',
        );
        result.added++;
      }
    }
  });
  return result;
}
