import type { Id, LabelSpec, Shape, ShapeType, SkeletonShape } from '../core/types';
import type { ColorBy } from './appearance';
import { CUBOID_EDGES, CUBOID_FACES } from './cuboid';
import { boundsOfFlat, centredBox, type Box, type RectPoints } from './geometry';
import { HANDLES, handlePosition } from './handles';
import { simplifyFlat } from './simplify';
import type { IndexedShape } from './spatialIndex';
import type { Viewport } from './viewport';

type ShapeOf<T extends ShapeType> = Extract<Shape, { type: T }>;

/** Skeleton edges of a label as sublabel id pairs (from the label's template). */
export type EdgesOf = (labelId: Id) => readonly (readonly [Id, Id])[];

/** How one shape type is drawn. Outlines are world-space and cached per shape object. */
export interface ShapeRenderer<S extends Shape = Shape> {
  /** The outline in world coordinates, or null when there is nothing to stroke. */
  path(shape: S, edges: EdgesOf): Path2D | null;
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

/** The front face as a closed ring (the filled part), then the other edges as open segments. */
function cuboidPath(points: readonly number[]): Path2D | null {
  if (points.length < 16) return points.length >= 4 ? boxPath(boundsOfFlat(points)) : null;
  const path = new Path2D();
  const at = (i: number): [number, number] => [points[2 * i] as number, points[2 * i + 1] as number];
  CUBOID_FACES.front.forEach((v, k) => (k === 0 ? path.moveTo(...at(v)) : path.lineTo(...at(v))));
  path.closePath();
  const front = new Set<number>(CUBOID_FACES.front);
  for (const [a, b] of CUBOID_EDGES) {
    if (front.has(a) && front.has(b)) continue;
    path.moveTo(...at(a));
    path.lineTo(...at(b));
  }
  return path;
}

function skeletonPath(shape: SkeletonShape, edges: EdgesOf): Path2D | null {
  const pairs = edges(shape.label_id);
  if (pairs.length === 0) return null;
  const byLabel = new Map(shape.elements.map((e) => [e.label_id, e]));
  const path = new Path2D();
  for (const [from, to] of pairs) {
    const a = byLabel.get(from);
    const b = byLabel.get(to);
    if (!a || !b || a.outside || b.outside) continue;
    path.moveTo(a.points[0], a.points[1]);
    path.lineTo(b.points[0], b.points[1]);
  }
  return path;
}

/** Per-type drawing. Masks are drawn as their bounding box here: their bitmaps have their own layer. */
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
  cuboid: { filled: true, path: (shape) => cuboidPath(shape.points) },
  mask: {
    filled: true,
    path(shape) {
      const n = shape.points.length;
      if (n < 4) return null;
      const [l, t, r, b] = shape.points.slice(n - 4) as [number, number, number, number];
      return boxPath({ minX: l, minY: t, maxX: r + 1, maxY: b + 1 });
    },
  },
  skeleton: { filled: false, path: skeletonPath, markers: () => [] },
};

function rendererFor(shape: Shape): ShapeRenderer {
  return shapeRenderers[shape.type] as ShapeRenderer;
}

const NO_EDGES: EdgesOf = () => [];

/** Outlines with fewer vertices than this are always drawn in full. */
const LOD_MIN_VERTICES = 16;

interface CachedPaths {
  full: Path2D | null | undefined;
  lodTolerance: number;
  lod: Path2D | null;
}

/**
 * Outlines keyed by shape object: an edit replaces the object, which drops its stale path. Big
 * polygons and polylines also keep one simplified outline for the current zoom bucket.
 */
export class PathCache {
  private paths = new WeakMap<Shape, CachedPaths>();
  private edges: EdgesOf = NO_EDGES;

  setSkeletonEdges(edges: EdgesOf): void {
    this.edges = edges;
    this.clear();
  }

  get(shape: Shape, lodTolerance: number | null = null): Path2D | null {
    let entry = this.paths.get(shape);
    if (!entry) {
      entry = { full: undefined, lodTolerance: 0, lod: null };
      this.paths.set(shape, entry);
    }
    if (
      lodTolerance !== null &&
      (shape.type === 'polygon' || shape.type === 'polyline') &&
      shape.points.length >= 2 * LOD_MIN_VERTICES
    ) {
      if (entry.lodTolerance !== lodTolerance) {
        const closed = shape.type === 'polygon';
        entry.lod = polygonPath(simplifyFlat(shape.points, lodTolerance, closed), closed);
        entry.lodTolerance = lodTolerance;
      }
      return entry.lod;
    }
    if (entry.full === undefined) entry.full = rendererFor(shape).path(shape, this.edges);
    return entry.full;
  }

  /** A path for a shape that is not cached (a preview being dragged). */
  fresh(shape: Shape): Path2D | null {
    return rendererFor(shape).path(shape, this.edges);
  }

  edgesOf(labelId: Id): readonly (readonly [Id, Id])[] {
    return this.edges(labelId);
  }

  clear(): void {
    this.paths = new WeakMap();
  }
}

export interface CanvasStyle {
  /** Stroke width, CSS pixels. */
  strokeWidth: number;
  /** Fill opacity of unselected shapes, 0–1 (CVAT's "Opacity"). */
  fillOpacity: number;
  /** Fill opacity of the selected shape, 0–1 (CVAT's "Selected opacity"). */
  selectedFillOpacity: number;
  /** Radius of point markers, CSS pixels. */
  pointRadius: number;
  /** Side of a resize handle and vertex handles, CSS pixels (CVAT's "Control points size"). */
  handleSize: number;
  /** Colour of shapes whose label is unknown. */
  fallbackColor: string;
  /** Dash pattern of occluded shapes, CSS pixels. */
  occludedDash: [number, number];
  /** Draw every outline in `outlineColor` instead of the object's colour. */
  outlined: boolean;
  outlineColor: string;
  colorBy: ColorBy;
  /** Show text for every object, not just the hovered and selected ones. */
  showText: boolean;
  textFontSize: number;
  textShowId: boolean;
  textShowAttributes: boolean;
  /** Frame tags as chips in the top-left corner. */
  showTags: boolean;
  grid: boolean;
  /** Grid cell side, image pixels. */
  gridSize: number;
  gridColor: string;
  gridOpacity: number;
  /** Image adjustments; 1 leaves the image unchanged. */
  brightness: number;
  contrast: number;
  saturation: number;
  /** Simplify big outlines when zoomed out, to this screen tolerance (CSS pixels); 0 turns it off. */
  lodTolerancePx: number;
}

export const DEFAULT_STYLE: CanvasStyle = {
  strokeWidth: 2,
  fillOpacity: 0.15,
  selectedFillOpacity: 0.35,
  pointRadius: 4,
  handleSize: 8,
  fallbackColor: '#ff6a00',
  occludedDash: [6, 4],
  outlined: false,
  outlineColor: '#000000',
  colorBy: 'label',
  showText: false,
  textFontSize: 12,
  textShowId: false,
  textShowAttributes: true,
  showTags: true,
  grid: false,
  gridSize: 100,
  gridColor: '#ffffff',
  gridOpacity: 0.3,
  brightness: 1,
  contrast: 1,
  saturation: 1,
  lodTolerancePx: 0.5,
};

/** The CSS filter for the image adjustments; empty when nothing is adjusted (filters cost raster time). */
export function imageFilter(style: Pick<CanvasStyle, 'brightness' | 'contrast' | 'saturation'>): string {
  const parts: string[] = [];
  if (style.brightness !== 1) parts.push(`brightness(${style.brightness})`);
  if (style.contrast !== 1) parts.push(`contrast(${style.contrast})`);
  if (style.saturation !== 1) parts.push(`saturate(${style.saturation})`);
  return parts.join(' ');
}

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

export interface ShapePaint {
  color: string;
  /** Stroke colour when it differs from the fill (outlined borders). */
  stroke?: string;
  fillOpacity: number;
  strokeWidth: number;
  dashed: boolean;
}

function dotsPath(markers: readonly number[], r: number): Path2D {
  const dots = new Path2D();
  for (let i = 0; i + 1 < markers.length; i += 2) {
    const x = markers[i] as number;
    const y = markers[i + 1] as number;
    dots.moveTo(x + r, y);
    dots.arc(x, y, r, 0, 2 * Math.PI);
  }
  return dots;
}

/** Draws one shape in world coordinates; `scale` keeps strokes and markers a constant screen size. */
export function drawShape(
  ctx: CanvasRenderingContext2D,
  shape: Shape,
  path: Path2D | null,
  paint: ShapePaint,
  scale: number,
  style: CanvasStyle,
  colorOfElement?: (labelId: Id) => string,
): void {
  const renderer = rendererFor(shape);
  ctx.strokeStyle = paint.stroke ?? paint.color;
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
  const r = style.pointRadius / scale;
  if (shape.type === 'skeleton') {
    // Outside keypoints are not drawn; occluded ones are hollow.
    ctx.setLineDash([]);
    ctx.lineWidth = 1.5 / scale;
    for (const e of shape.elements) {
      if (e.outside) continue;
      const c = colorOfElement?.(e.label_id) ?? paint.color;
      const dot = dotsPath(e.points, r);
      if (e.occluded) {
        ctx.strokeStyle = c;
        ctx.stroke(dot);
      } else {
        ctx.fillStyle = c;
        ctx.fill(dot);
      }
    }
    return;
  }
  const markers = renderer.markers?.(shape);
  if (markers && markers.length > 0) ctx.fill(dotsPath(markers, r));
}

export interface ObjectsLayerInput {
  items: readonly IndexedShape[];
  colorOf: (shape: Shape) => string;
  colorOfElement: (labelId: Id) => string;
  paths: PathCache;
  style: CanvasStyle;
  vp: Viewport;
  dpr: number;
  /** Shapes not to draw here: hidden ones and the one being edited (the overlay shows it). */
  skip: (id: Id) => boolean;
  /** Redraw only this world box, leaving the rest of the layer as it is. */
  clip?: Box;
  /** World tolerance for simplified outlines, or null to draw them in full. */
  lodTolerance: number | null;
  /** Text lines per shape, when every object shows its text. */
  textOf?: (shape: Shape) => string[];
}

/**
 * Thin strokes are joined with bevels: below this width (device pixels) a round join adds less
 * than a third of a pixel's coverage at a corner, and rounding every vertex costs about a fifth
 * of the objects layer's raster time.
 */
const ROUND_JOIN_MIN_PX = 2.5;

export function strokeJoin(deviceWidth: number): CanvasLineJoin {
  return deviceWidth < ROUND_JOIN_MIN_PX ? 'bevel' : 'round';
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
  ctx.lineJoin = strokeJoin(style.strokeWidth * dpr);
  const tiny = DETAIL_MIN_PX / vp.scale;
  const stroke = style.outlined ? style.outlineColor : undefined;
  const lineWidth = style.strokeWidth / vp.scale;
  const dash = style.occludedDash.map((d) => d / vp.scale);
  const fillOpacity = style.fillOpacity;
  // Styles are set only when they change: most neighbours share a label colour and a dash.
  let fillStyle = '';
  let strokeStyle = '';
  let dashed = false;
  ctx.lineWidth = lineWidth;
  ctx.setLineDash([]);
  for (const item of input.items) {
    if (input.skip(item.id)) continue;
    const shape = item.shape;
    const color = input.colorOf(shape);
    if (item.maxX - item.minX < tiny && item.maxY - item.minY < tiny) {
      if (fillStyle !== color) ctx.fillStyle = fillStyle = color;
      ctx.fillRect(
        item.minX,
        item.minY,
        Math.max(item.maxX - item.minX, tiny),
        Math.max(item.maxY - item.minY, tiny),
      );
      continue;
    }
    const path = input.paths.get(shape, input.lodTolerance);
    const renderer = rendererFor(shape);
    if (shape.type === 'skeleton' || renderer.markers) {
      drawShape(
        ctx,
        shape,
        path,
        { color, stroke, fillOpacity, strokeWidth: style.strokeWidth, dashed: shape.occluded },
        vp.scale,
        style,
        input.colorOfElement,
      );
      // drawShape leaves its own styles behind.
      fillStyle = strokeStyle = '';
      dashed = false;
      ctx.lineWidth = lineWidth;
      ctx.setLineDash([]);
      continue;
    }
    if (!path) continue;
    if (renderer.filled && fillOpacity > 0) {
      if (fillStyle !== color) ctx.fillStyle = fillStyle = color;
      ctx.globalAlpha = fillOpacity;
      ctx.fill(path);
      ctx.globalAlpha = 1;
    }
    const s = stroke ?? color;
    if (strokeStyle !== s) ctx.strokeStyle = strokeStyle = s;
    if (dashed !== shape.occluded) {
      dashed = shape.occluded;
      ctx.setLineDash(dashed ? dash : []);
    }
    ctx.stroke(path);
  }
  if (input.textOf) {
    for (const item of input.items) {
      if (input.skip(item.id)) continue;
      drawText(ctx, item, input.textOf(item.shape), input.colorOf(item.shape), vp, dpr, style.textFontSize);
    }
  }
  ctx.restore();
}

/** Object text in screen space at the top-left of its bounds, on a dark backing for contrast. */
export function drawText(
  ctx: CanvasRenderingContext2D,
  box: Box,
  lines: readonly string[],
  color: string,
  vp: Viewport,
  dpr: number,
  fontSize: number,
): void {
  if (lines.length === 0) return;
  ctx.save();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = `${fontSize}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  const x = box.minX * vp.scale + vp.tx;
  const lineH = Math.round(fontSize * 1.25);
  const y = box.minY * vp.scale + vp.ty - lineH * lines.length - 2;
  let w = 0;
  for (const l of lines) w = Math.max(w, ctx.measureText(l).width);
  ctx.globalAlpha = 0.6;
  ctx.fillStyle = '#000000';
  ctx.fillRect(x - 2, y - 1, w + 4, lineH * lines.length + 2);
  ctx.globalAlpha = 1;
  ctx.fillStyle = color;
  lines.forEach((l, i) => ctx.fillText(l, x, y + i * lineH));
  ctx.restore();
}

/** The handles of the selected shape, world coordinates. */
export interface EditHandles {
  /** Resize box: eight square handles. */
  box: RectPoints | null;
  /** Rotation handle position and the point it hangs from. */
  rotate: { handle: { x: number; y: number }; anchor: { x: number; y: number } } | null;
  /** Vertex handles, flat. */
  vertices: readonly number[];
  /** Edge midpoints where a click adds a vertex, flat. */
  midpoints: readonly number[];
}

export interface OverlayTag {
  name: string;
  color: string;
}

export interface OverlayInput {
  vp: Viewport;
  dpr: number;
  style: CanvasStyle;
  colorOf: (shape: Shape) => string;
  colorOfElement: (labelId: Id) => string;
  paths: PathCache;
  hovered: Shape | null;
  /** The selected shape as it should look now: with preview points while it is dragged. */
  selected: Shape | null;
  /** Whether the selected shape was replaced by a preview (its cached path is then stale). */
  selectedIsPreview: boolean;
  handles: EditHandles | null;
  /** The shape being drawn. */
  drawing: Shape | null;
  drawingVertices: readonly number[];
  drawingRubber: readonly number[] | null;
  drawingColor: string;
  /** Crosshair position, screen coordinates. */
  crosshair: { x: number; y: number } | null;
  /** Text lines for the hovered and selected shapes. */
  textOf: (shape: Shape) => string[];
  tags: readonly OverlayTag[];
  /** Image size, for the grid. */
  image: { width: number; height: number } | null;
}

export function drawOverlayLayer(ctx: CanvasRenderingContext2D, o: OverlayInput): void {
  const { vp, dpr, style } = o;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (style.grid && o.image) drawGrid(ctx, o.image, vp, dpr, style);
  setWorldTransform(ctx, vp, dpr);
  ctx.lineJoin = 'round';
  const stroke = style.outlined ? style.outlineColor : undefined;

  if (o.hovered && o.hovered.id !== o.selected?.id) {
    drawShape(
      ctx,
      o.hovered,
      o.paths.get(o.hovered),
      {
        color: o.colorOf(o.hovered),
        stroke,
        fillOpacity: style.fillOpacity,
        strokeWidth: style.strokeWidth + 1,
        dashed: o.hovered.occluded,
      },
      vp.scale,
      style,
      o.colorOfElement,
    );
  }
  if (o.selected) {
    const path = o.selectedIsPreview ? o.paths.fresh(o.selected) : o.paths.get(o.selected);
    drawShape(
      ctx,
      o.selected,
      path,
      {
        color: o.colorOf(o.selected),
        stroke,
        fillOpacity: style.selectedFillOpacity,
        strokeWidth: style.strokeWidth + 1,
        dashed: o.selected.occluded,
      },
      vp.scale,
      style,
      o.colorOfElement,
    );
  }
  if (o.handles)
    drawHandles(ctx, o.handles, o.selected ? o.colorOf(o.selected) : style.fallbackColor, vp, style);
  if (o.drawing) {
    drawShape(
      ctx,
      o.drawing,
      o.paths.fresh(o.drawing),
      {
        color: o.drawingColor,
        fillOpacity: style.selectedFillOpacity,
        strokeWidth: style.strokeWidth,
        dashed: false,
      },
      vp.scale,
      style,
      o.colorOfElement,
    );
  }
  if (o.drawingRubber) {
    const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = o.drawingRubber;
    ctx.setLineDash([4 / vp.scale, 4 / vp.scale]);
    ctx.lineWidth = style.strokeWidth / vp.scale;
    ctx.strokeStyle = o.drawingColor;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  if (o.drawingVertices.length > 0) {
    ctx.fillStyle = o.drawingColor;
    ctx.fill(dotsPath(o.drawingVertices, style.handleSize / 2 / vp.scale));
  }
  for (const s of [o.hovered, o.selected]) {
    if (!s || (s === o.hovered && s.id === o.selected?.id)) continue;
    const item = boundsForText(s);
    if (item) drawText(ctx, item, o.textOf(s), o.colorOf(s), vp, dpr, style.textFontSize);
  }
  if (style.showTags && o.tags.length > 0) drawTags(ctx, o.tags, dpr, style.textFontSize);
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

function boundsForText(shape: Shape): Box | null {
  if (shape.type === 'skeleton') {
    const b = boundsOfFlat(shape.elements.flatMap((e) => (e.outside ? [] : e.points)));
    return Number.isFinite(b.minX) ? b : null;
  }
  const c = centredBox(shape);
  if (c) return { minX: c.cx - c.hw, minY: c.cy - c.hh, maxX: c.cx + c.hw, maxY: c.cy + c.hh };
  const b = boundsOfFlat(shape.points);
  return Number.isFinite(b.minX) ? b : null;
}

function drawHandles(
  ctx: CanvasRenderingContext2D,
  h: EditHandles,
  color: string,
  vp: Viewport,
  style: CanvasStyle,
): void {
  const size = style.handleSize / vp.scale;
  ctx.setLineDash([]);
  ctx.lineWidth = 1 / vp.scale;
  ctx.fillStyle = '#ffffff';
  ctx.strokeStyle = color;
  if (h.box) {
    for (const handle of HANDLES) {
      const p = handlePosition(h.box, handle);
      ctx.fillRect(p.x - size / 2, p.y - size / 2, size, size);
      ctx.strokeRect(p.x - size / 2, p.y - size / 2, size, size);
    }
  }
  if (h.rotate) {
    ctx.beginPath();
    ctx.moveTo(h.rotate.anchor.x, h.rotate.anchor.y);
    ctx.lineTo(h.rotate.handle.x, h.rotate.handle.y);
    ctx.stroke();
    const dot = dotsPath([h.rotate.handle.x, h.rotate.handle.y], size / 2);
    ctx.fill(dot);
    ctx.stroke(dot);
  }
  if (h.vertices.length > 0) {
    const dots = dotsPath(h.vertices, size / 2);
    ctx.fill(dots);
    ctx.stroke(dots);
  }
  if (h.midpoints.length > 0) {
    ctx.globalAlpha = 0.6;
    const dots = dotsPath(h.midpoints, size / 3);
    ctx.fill(dots);
    ctx.stroke(dots);
    ctx.globalAlpha = 1;
  }
}

/** Grid lines every `gridSize` image pixels, over the image only. */
function drawGrid(
  ctx: CanvasRenderingContext2D,
  image: { width: number; height: number },
  vp: Viewport,
  dpr: number,
  style: CanvasStyle,
): void {
  const step = style.gridSize;
  if (!(step > 0) || step * vp.scale < 4) return;
  ctx.save();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.globalAlpha = style.gridOpacity;
  ctx.strokeStyle = style.gridColor;
  ctx.lineWidth = 1;
  ctx.beginPath();
  const x0 = vp.tx;
  const y0 = vp.ty;
  const x1 = image.width * vp.scale + vp.tx;
  const y1 = image.height * vp.scale + vp.ty;
  for (let gx = 0; gx <= image.width; gx += step) {
    const x = Math.round(gx * vp.scale + vp.tx) + 0.5;
    ctx.moveTo(x, y0);
    ctx.lineTo(x, y1);
  }
  for (let gy = 0; gy <= image.height; gy += step) {
    const y = Math.round(gy * vp.scale + vp.ty) + 0.5;
    ctx.moveTo(x0, y);
    ctx.lineTo(x1, y);
  }
  ctx.stroke();
  ctx.restore();
}

/** Frame tags as coloured chips in the top-left corner, as CVAT shows them. */
function drawTags(
  ctx: CanvasRenderingContext2D,
  tags: readonly OverlayTag[],
  dpr: number,
  fontSize: number,
): void {
  ctx.save();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = `${fontSize}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  const h = Math.round(fontSize * 1.6);
  let x = 8;
  for (const t of tags) {
    const w = ctx.measureText(t.name).width + 12;
    ctx.fillStyle = t.color;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(x, 8, w, h);
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#000000';
    ctx.fillText(t.name, x + 6, 8 + h / 2);
    x += w + 6;
  }
  ctx.restore();
}
