import { clampPointToImage, type Point } from '../geometry';
import { minVertices } from '../vertexEdit';
import {
  CONTINUE,
  REJECTED,
  finished,
  isFinishKey,
  type DrawPreview,
  type DrawTool,
  type ToolInput,
  type ToolStep,
} from './drawTool';

export interface PolyshapeOptions {
  type: 'polygon' | 'polyline' | 'points';
  /** Finish on its own once this many points are placed (CVAT's "Number of points"). */
  numberOfPoints?: number;
  /** Screen pixels between points added while Shift is held and the pointer moves. */
  freehandStep?: number;
}

/**
 * Polygons, polylines and point sets, CVAT's way: a click adds a point; holding Shift while the
 * pointer moves adds points continuously; Enter, N or a double click finishes; Backspace,
 * Ctrl+Z or a right click removes the last point.
 */
export function createPolyshapeTool(options: PolyshapeOptions): DrawTool {
  const { type } = options;
  const freehandStep = options.freehandStep ?? 5;
  const min = minVertices(type);
  let points: number[] = [];
  let pointer: Point | null = null;
  /** A finish reached by a freehand move, reported on the next pointer release. */
  let pending: ToolStep = CONTINUE;

  const place = (i: ToolInput): Point => {
    const p = i.snap ? i.snap(i.world) : i.world;
    return i.image ? clampPointToImage(p, i.image) : p;
  };
  const count = (): number => points.length / 2;

  const finish = (): ToolStep => {
    const out = points;
    points = [];
    pointer = null;
    return out.length / 2 >= min ? finished({ type, points: out }) : REJECTED;
  };

  /** A double click lands two clicks on one spot: the repeat is dropped before finishing. */
  const dropRepeat = (scale: number): void => {
    const n = points.length;
    const tol = 2 / scale;
    if (
      n >= 4 &&
      Math.abs(points[n - 2]! - points[n - 4]!) <= tol &&
      Math.abs(points[n - 1]! - points[n - 3]!) <= tol
    ) {
      points.splice(-2, 2);
    }
  };

  const add = (p: Point, trace?: ToolInput['traceBorder']): ToolStep => {
    const n = points.length;
    // Both ends on one neighbour's outline: follow it between them (polygons and polylines).
    if (trace && type !== 'points' && n >= 2) {
      const between = trace({ x: points[n - 2]!, y: points[n - 1]! }, p);
      for (let k = 0; k + 1 < between.length; k += 2) {
        points.push(between[k]!, between[k + 1]!);
        if (options.numberOfPoints && count() >= options.numberOfPoints) return finish();
      }
    }
    points.push(p.x, p.y);
    if (options.numberOfPoints && count() >= options.numberOfPoints) return finish();
    return CONTINUE;
  };

  const removeLast = (): ToolStep => {
    points.splice(-2, 2);
    return CONTINUE;
  };

  return {
    get busy() {
      return points.length > 0;
    },
    down(i) {
      if (i.button === 2) return points.length > 0 ? removeLast() : CONTINUE;
      if (i.button !== 0) return CONTINUE;
      return add(place(i), i.traceBorder);
    },
    move(i) {
      pointer = place(i);
      if (!i.shift || points.length === 0) return;
      const n = points.length;
      const dx = (pointer.x - points[n - 2]!) * i.scale;
      const dy = (pointer.y - points[n - 1]!) * i.scale;
      if (Math.hypot(dx, dy) >= freehandStep) {
        const step = add(pointer, i.traceBorder);
        if (step.kind !== 'continue') pending = step;
      }
    },
    up() {
      const step = pending;
      pending = CONTINUE;
      return step;
    },
    key(key, i) {
      if (isFinishKey(key)) return points.length > 0 ? finish() : null;
      if (key === 'Backspace' || ((key === 'z' || key === 'Z') && i.ctrl)) {
        return points.length > 0 ? removeLast() : null;
      }
      return null;
    },
    doubleClick(i) {
      if (points.length === 0) return CONTINUE;
      dropRepeat(i.scale);
      return finish();
    },
    preview(): DrawPreview | null {
      if (points.length === 0) return null;
      const n = points.length;
      const rubber =
        pointer && type !== 'points' ? [points[n - 2]!, points[n - 1]!, pointer.x, pointer.y] : null;
      // While drawing a polygon is shown open; its closing edge appears on finish.
      const shape =
        type === 'points'
          ? { type, points: [...points] }
          : { type: 'polyline' as const, points: [...points] };
      return { shape, vertices: [...points], rubber };
    },
    reset() {
      points = [];
      pointer = null;
      pending = CONTINUE;
    },
  };
}
