import { cuboidFromRect, defaultCuboidDepth } from '../cuboid';
import { clampPointToImage, type Point, type RectPoints } from '../geometry';
import { placeTemplate, type SkeletonTemplate } from '../skeletonTemplate';
import {
  drawRectanglePointerDown,
  drawRectanglePointerMove,
  drawRectanglePointerUp,
  drawRectanglePreview,
  initialDrawRectangleState,
  type DrawRectangleState,
} from './drawRectangle';
import {
  CONTINUE,
  REJECTED,
  finished,
  isFinishKey,
  type DrawPreview,
  type DrawTool,
  type DrawnGeometry,
  type ToolStep,
} from './drawTool';

const DRAG = { dragThreshold: 4, minSize: 1 };

/**
 * Tools drawn as a box, by press-drag-release or two clicks: the rectangle itself, the ellipse
 * (centre, then a corner), the skeleton (its template placed into the box) and the first stage
 * of the cuboid.
 */
function boxTool(toGeometry: (start: Point, end: Point, rect: RectPoints) => DrawnGeometry | null): DrawTool {
  let state: DrawRectangleState = initialDrawRectangleState();
  const tool: DrawTool = {
    get busy() {
      return state.phase !== 'idle';
    },
    down(i) {
      if (i.button !== 0) return CONTINUE;
      state = drawRectanglePointerDown(state, i.world, i.screen, i.image);
      return CONTINUE;
    },
    move(i) {
      state = drawRectanglePointerMove(state, i.world, i.screen, i.image, DRAG);
    },
    up(i) {
      if (i.button !== 0) return CONTINUE;
      const start = state.start;
      const step = drawRectanglePointerUp(state, i.world, i.image, DRAG);
      state = step.state;
      if (step.kind === 'rejected') return REJECTED;
      if (step.kind !== 'finished' || !start) return CONTINUE;
      const end = i.image ? clampPointToImage(i.world, i.image) : i.world;
      const shape = toGeometry(start, end, step.points);
      return shape ? finished(shape) : REJECTED;
    },
    key() {
      return null;
    },
    preview(): DrawPreview | null {
      const rect = drawRectanglePreview(state);
      if (!rect || !state.start || !state.current) return null;
      return { shape: toGeometry(state.start, state.current, rect), vertices: [], rubber: null };
    },
    reset() {
      state = initialDrawRectangleState();
    },
  };
  return tool;
}

export function createRectangleTool(): DrawTool {
  return boxTool((_a, _b, rect) => ({ type: 'rectangle', points: [...rect], rotation: 0 }));
}

/** CVAT's ellipse encoding: `[cx, cy, rx, ty]`, the right-most x and the top y. */
export function ellipseFromCenterCorner(center: Point, corner: Point): [number, number, number, number] {
  const rx = Math.abs(corner.x - center.x);
  const ry = Math.abs(corner.y - center.y);
  return [center.x, center.y, center.x + rx, center.y - ry];
}

export function createEllipseTool(): DrawTool {
  return boxTool((center, corner) => {
    const points = ellipseFromCenterCorner(center, corner);
    if (points[2] - points[0] < 1 || points[1] - points[3] < 1) return null;
    return { type: 'ellipse', points, rotation: 0 };
  });
}

export function createSkeletonTool(template: SkeletonTemplate): DrawTool {
  const inner = boxTool((_a, _b, [xtl, ytl, xbr, ybr]) => ({
    type: 'skeleton',
    points: [],
    elements: placeTemplate(template, { minX: xtl, minY: ytl, maxX: xbr, maxY: ybr }).map((e) => ({
      label_id: e.label_id,
      points: e.points,
      outside: false,
      occluded: false,
    })),
  }));
  return {
    ...inner,
    get busy() {
      return inner.busy;
    },
    preview() {
      const p = inner.preview();
      return p ? { ...p, edges: template.edges } : null;
    },
  };
}

/**
 * CVAT's cuboid "from rectangle": the front face as a box, then the pointer sets the depth (the
 * back face's offset from the front) and a click places it. Enter or N keeps CVAT's default depth.
 */
export function createCuboidTool(): DrawTool {
  let front: RectPoints | null = null;
  let depth: Point = { x: 0, y: 0 };
  let pressed = false;
  const rect = boxTool((_a, _b, r) => ({ type: 'rectangle', points: [...r] }));
  const done = (): ToolStep => {
    if (!front) return CONTINUE;
    const points = cuboidFromRect(front, depth);
    front = null;
    return finished({ type: 'cuboid', points });
  };
  const depthAt = (p: Point): Point => (front ? { x: p.x - front[2], y: p.y - front[1] } : depth);
  return {
    get busy() {
      return front !== null || rect.busy;
    },
    down(i) {
      if (!front) return rect.down(i);
      if (i.button === 0) pressed = true;
      return CONTINUE;
    },
    move(i) {
      if (!front) rect.move(i);
      else depth = depthAt(i.world);
    },
    up(i) {
      if (!front) {
        const step = rect.up(i);
        if (step.kind !== 'finished') return step;
        front = step.shape.points as RectPoints;
        depth = defaultCuboidDepth(front);
        pressed = false;
        return CONTINUE;
      }
      if (!pressed || i.button !== 0) return CONTINUE;
      pressed = false;
      depth = depthAt(i.world);
      return done();
    },
    key(key) {
      if (front && isFinishKey(key)) return done();
      return null;
    },
    preview() {
      if (!front) {
        const p = rect.preview();
        const r = p?.shape?.points as RectPoints | undefined;
        return r
          ? {
              shape: { type: 'cuboid', points: cuboidFromRect(r, defaultCuboidDepth(r)) },
              vertices: [],
              rubber: null,
            }
          : null;
      }
      return { shape: { type: 'cuboid', points: cuboidFromRect(front, depth) }, vertices: [], rubber: null };
    },
    reset() {
      front = null;
      pressed = false;
      rect.reset();
    },
  };
}
