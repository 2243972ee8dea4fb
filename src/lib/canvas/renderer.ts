import type { Id, LabelSpec, Shape, ShapeType } from '../core/types';
import { boundsOfFlat, centredBox, type Box, type RectPoints } from './geometry';
import { HANDLES, handlePosition } from './handles';
import type { IndexedShape } from './spatialIndex';
import type { Viewport } from './viewport';

type ShapeOf<T extends ShapeType> = Extract<Shape, { type: T }>;

/** How one shape type is drawn. Outlines are world-space and cached per shape object. */
export interface ShapeRenderer<S extends Shape = Shape> {
  /** The outline in world coordinates, or null when there is nothing to stroke. */
  path(shape: S): Path2D | null;
  /** Whether the outline encloses an area that gets the fill colour. */
  filled: boolean;
  /** Flat list of vertices drawn as screen-sized dots (points, skeleton keypoints). */
  markers?(shape: S): readonly number[];
}

export type ShapeRendererRegistry = { [T in ShapeType]: ShapeRenderer<ShapeOf<T>> };

function polygonPath(points: readonly number[], closed: boolean): Path2D | null {
  if (points.length < 4) return null;
  const path = new Path2D();
  path.moveTo(points[0] as number, points[1] as number);
  for (let i = 2; i + 1 < points.length; i += 2) path.lineTo(points[i] as number, points[i + 1] as number);
  if (closed) path.closePath();
  return path;
}

function rotatedRectPath(cx: number, cy: number, hw: number, hh: number, degrees: number): Path2D {
  const path = new Path2D();
  if (degrees % 360 === 0) {
    path.rect(cx - hw, cy - hh, 2 * hw, 2 * hh);
    return path;
  }
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const corners: [number, number][] = [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ];
  corners.forEach(([x, y], i) => {
    const px = cx + x * cos - y * sin;
    const py = cy + x * sin + y * cos;
    if (i === 0) path.moveTo(px, py);
    else path.lineTo(px, py);
  });
  path.closePath();
  return path;
}

function boxPath(box: Box): Path2D {
  const path = new Path2D();
  path.rect(box.minX, box.minY, box.maxX - box.minX, box.maxY - box.minY);
  return path;
}

/**
 * Per-type drawing. Masks and cuboids are drawn as their bounding box and skeletons as keypoints
 * only: full rendering of those needs bitmaps and the label SVG.
 */
export const shapeRenderers: ShapeRendererRegistry = {
  rectangle: {
    filled: true,
    path(shape) {
      const b = centredBox(shape);
      return b ? rotatedRectPath(b.cx, b.cy, b.hw, b.hh, shape.rotation) : null;
    },
  },
  ellipse: {
    filled: true,
    path(shape) {
      const b = centredBox(shape);
      if (!b) return null;
      const path = new Path2D();
      path.ellipse(b.cx, b.cy, b.hw, b.hh, (shape.rotation * Math.PI) / 180, 0, 2 * Math.PI);
      return path;
    },
  },
  polygon: { filled: true, path: (shape) => polygonPath(shape.points, true) },
  polyline: { filled: false, path: (shape) => polygonPath(shape.points, false) },
  points: { filled: false, path: () => null, markers: (shape) => shape.points },
  cuboid: {
    filled: true,
    path: (shape) => (shape.points.length < 4 ? null : boxPath(boundsOfFlat(shape.points))),
  },
  mask: {
    filled: true,
    path(shape) {
      const n = shape.points.length;
      if (n < 4) return null;
      const [l, t, r, b] = shape.points.slice(n - 4) as [number, number, number, number];
      return boxPath({ minX: l, minY: t, maxX: r + 1, maxY: b + 1 });
    },
  },
  skeleton: {
    filled: false,
    path: () => null,
    markers: (shape) => shape.elements.flatMap((e) => (e.outside ? [] : e.points)),
  },
};

function rendererFor(shape: Shape): ShapeRenderer {
  return shapeRenderers[shape.type] as ShapeRenderer;
}

/** Outlines keyed by shape object: an edit replaces the object, which drops its stale path. */
export class PathCache {
  private paths = new WeakMap<Shape, Path2D | null>();

  get(shape: Shape): Path2D | null {
    let path = this.paths.get(shape);
    if (path === undefined) {
      path = rendererFor(shape).path(shape);
      this.paths.set(shape, path);
    }
    return path;
  }

  clear(): void {
    this.paths = new WeakMap();
  }
}

export interface CanvasStyle {
  /** Stroke width, CSS pixels. */
  strokeWidth: number;
  /** Fill opacity of unselected shapes, 0–1. */
  fillOpacity: number;
  /** Fill opacity of the selected shape, 0–1. */
  selectedFillOpacity: number;
  /** Radius of point markers, CSS pixels. */
  pointRadius: number;
  /** Side of a resize handle, CSS pixels. */
  handleSize: number;
  /** Colour of shapes whose label is unknown. */
  fallbackColor: string;
  /** Dash pattern of occluded shapes, CSS pixels. */
  occludedDash: [number, number];
}

export const DEFAULT_STYLE: CanvasStyle = {
  strokeWidth: 2,
  fillOpacity: 0.15,
  selectedFillOpacity: 0.35,
  pointRadius: 4,
  handleSize: 8,
  fallbackColor: '#ff6a00',
  occludedDash: [6, 4],
};

export function labelColors(labels: readonly LabelSpec[]): Map<Id, string> {
  return new Map(labels.map((l) => [l.id, l.color]));
}

/** Sets a transform so drawing happens in world coordinates on a device-pixel canvas. */
export function setWorldTransform(ctx: CanvasRenderingContext2D, vp: Viewport, dpr: number): void {
  ctx.setTransform(vp.scale * dpr, 0, 0, vp.scale * dpr, vp.tx * dpr, vp.ty * dpr);
}

export function drawImageLayer(
  ctx: CanvasRenderingContext2D,
  image: CanvasImageSource | null,
  vp: Viewport,
  dpr: number,
): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (!image) return;
  setWorldTransform(ctx, vp, dpr);
  // Pixels stay crisp when zoomed in far enough to inspect them.
  ctx.imageSmoothingEnabled = vp.scale < 4;
  ctx.drawImage(image, 0, 0);
}

interface ShapePaint {
  color: string;
  fillOpacity: number;
  strokeWidth: number;
  dashed: boolean;
}

/** Draws one shape in world coordinates; `scale` keeps strokes and markers a constant screen size. */
export function drawShape(
  ctx: CanvasRenderingContext2D,
  shape: Shape,
  path: Path2D | null,
  paint: ShapePaint,
  scale: number,
  style: CanvasStyle,
): void {
  const renderer = rendererFor(shape);
  ctx.strokeStyle = paint.color;
  ctx.fillStyle = paint.color;
  if (path) {
    if (renderer.filled && paint.fillOpacity > 0) {
      ctx.globalAlpha = paint.fillOpacity;
      ctx.fill(path);
      ctx.globalAlpha = 1;
    }
    ctx.lineWidth = paint.strokeWidth / scale;
    ctx.setLineDash(paint.dashed ? style.occludedDash.map((d) => d / scale) : []);
    ctx.stroke(path);
  }
  const markers = renderer.markers?.(shape);
  if (markers && markers.length > 0) {
    const r = style.pointRadius / scale;
    const dots = new Path2D();
    for (let i = 0; i + 1 < markers.length; i += 2) {
      const x = markers[i] as number;
      const y = markers[i + 1] as number;
      dots.moveTo(x + r, y);
      dots.arc(x, y, r, 0, 2 * Math.PI);
    }
    ctx.fill(dots);
  }
}

export interface ObjectsLayerInput {
  items: readonly IndexedShape[];
  colors: ReadonlyMap<Id, string>;
  paths: PathCache;
  style: CanvasStyle;
  vp: Viewport;
  dpr: number;
  /** Shapes not to draw here: hidden ones and the one being edited (the overlay shows it). */
  skip: (id: Id) => boolean;
  /** Redraw only this world box, leaving the rest of the layer as it is. */
  clip?: Box;
}

/** Below this size on screen a shape is drawn as a filled box: its outline would be invisible anyway. */
const DETAIL_MIN_PX = 2;

export function drawObjectsLayer(ctx: CanvasRenderingContext2D, input: ObjectsLayerInput): void {
  const { vp, dpr, style } = input;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.save();
  if (input.clip) {
    const c = input.clip;
    const x = Math.floor((c.minX * vp.scale + vp.tx) * dpr);
    const y = Math.floor((c.minY * vp.scale + vp.ty) * dpr);
    const w = Math.ceil((c.maxX - c.minX) * vp.scale * dpr) + 2;
    const h = Math.ceil((c.maxY - c.minY) * vp.scale * dpr) + 2;
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.clip();
    ctx.clearRect(x, y, w, h);
  } else {
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  }
  setWorldTransform(ctx, vp, dpr);
  ctx.lineJoin = 'round';
  const tiny = DETAIL_MIN_PX / vp.scale;
  for (const item of input.items) {
    if (input.skip(item.id)) continue;
    const shape = item.shape;
    const color = input.colors.get(shape.label_id) ?? style.fallbackColor;
    if (item.maxX - item.minX < tiny && item.maxY - item.minY < tiny) {
      ctx.fillStyle = color;
      ctx.fillRect(
        item.minX,
        item.minY,
        Math.max(item.maxX - item.minX, tiny),
        Math.max(item.maxY - item.minY, tiny),
      );
      continue;
    }
    drawShape(
      ctx,
      shape,
      input.paths.get(shape),
      { color, fillOpacity: style.fillOpacity, strokeWidth: style.strokeWidth, dashed: shape.occluded },
      vp.scale,
      style,
    );
  }
  ctx.restore();
}

export interface OverlayInput {
  vp: Viewport;
  dpr: number;
  style: CanvasStyle;
  colors: ReadonlyMap<Id, string>;
  paths: PathCache;
  hovered: Shape | null;
  /** The selected shape as it should look now: with preview points while it is dragged. */
  selected: Shape | null;
  /** Whether the selected shape was replaced by a preview (its cached path is then stale). */
  selectedIsPreview: boolean;
  handles: RectPoints | null;
  drawing: RectPoints | null;
  drawingColor: string;
  /** Crosshair position, screen coordinates. */
  crosshair: { x: number; y: number } | null;
}

export function drawOverlayLayer(ctx: CanvasRenderingContext2D, o: OverlayInput): void {
  const { vp, dpr, style } = o;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  setWorldTransform(ctx, vp, dpr);
  ctx.lineJoin = 'round';
  const colorOf = (s: Shape): string => o.colors.get(s.label_id) ?? style.fallbackColor;

  if (o.hovered && o.hovered.id !== o.selected?.id) {
    drawShape(
      ctx,
      o.hovered,
      o.paths.get(o.hovered),
      {
        color: colorOf(o.hovered),
        fillOpacity: style.fillOpacity,
        strokeWidth: style.strokeWidth + 1,
        dashed: o.hovered.occluded,
      },
      vp.scale,
      style,
    );
  }
  if (o.selected) {
    const path = o.selectedIsPreview ? rendererFor(o.selected).path(o.selected) : o.paths.get(o.selected);
    drawShape(
      ctx,
      o.selected,
      path,
      {
        color: colorOf(o.selected),
        fillOpacity: style.selectedFillOpacity,
        strokeWidth: style.strokeWidth + 1,
        dashed: o.selected.occluded,
      },
      vp.scale,
      style,
    );
  }
  if (o.handles) {
    const size = style.handleSize / vp.scale;
    ctx.setLineDash([]);
    ctx.lineWidth = 1 / vp.scale;
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = o.selected ? colorOf(o.selected) : style.fallbackColor;
    for (const handle of HANDLES) {
      const p = handlePosition(o.handles, handle);
      ctx.fillRect(p.x - size / 2, p.y - size / 2, size, size);
      ctx.strokeRect(p.x - size / 2, p.y - size / 2, size, size);
    }
  }
  if (o.drawing) {
    const [x1, y1, x2, y2] = o.drawing;
    ctx.setLineDash([]);
    ctx.lineWidth = style.strokeWidth / vp.scale;
    ctx.strokeStyle = o.drawingColor;
    ctx.fillStyle = o.drawingColor;
    ctx.globalAlpha = style.fillOpacity;
    ctx.fillRect(x1, y1, x2 - x1, y2 - y1);
    ctx.globalAlpha = 1;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
  }
  if (o.crosshair) {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const w = ctx.canvas.width / dpr;
    const h = ctx.canvas.height / dpr;
    const x = Math.round(o.crosshair.x) + 0.5;
    const y = Math.round(o.crosshair.y) + 0.5;
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.8)';
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, h);
    ctx.moveTo(0, y);
    ctx.lineTo(w, y);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
