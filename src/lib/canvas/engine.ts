import type { FrameObject, Id, LabelSpec, Shape, ShapeType, SkeletonElement } from '../core/types';
import { colorResolver, objectText } from './appearance';
import { snapToBorders, traceBorder, type SnapTarget } from './autoborder';
import { cuboidFaceAt } from './cuboid';
import { createEmitter, type Listener } from './emitter';
import type { ExternalTool, ToolView } from './externalTool';
import {
  centredBox,
  clampPointToImage,
  expandBox,
  unionBox,
  type Box,
  type Point,
  type Size,
} from './geometry';
import { HANDLES, HANDLE_CURSORS, rotatedHandleAt, rotatedHandlePosition } from './handles';
import {
  DEFAULT_STYLE,
  PathCache,
  drawImageLayer,
  drawObjectsLayer,
  drawOverlayLayer,
  imageFilter,
  type CanvasStyle,
  type EditHandles,
  type OverlayTag,
} from './renderer';
import { rotationHandlePosition } from './rotation';
import { lodTolerance } from './simplify';
import { templateOfLabel, type SkeletonTemplate } from './skeletonTemplate';
import { ShapeIndex, type IndexedShape } from './spatialIndex';
import type {
  DrawPreview,
  DrawTool,
  DrawnElement,
  DrawnGeometry,
  ToolInput,
  ToolStep,
} from './tools/drawTool';
import {
  addCutPoint,
  cutPath,
  finishOutlineCut,
  removeCutPoint,
  startOutlineCut,
  type OutlineCut,
} from './tools/polygonCut';
import {
  applyPreview,
  beginSelectGesture,
  endSelectGesture,
  isResizable,
  isRotatable,
  resizeBox,
  selectGesturePreview,
  updateSelectGesture,
  type Grip,
  type SelectGesture,
} from './tools/select';
import { createDrawTool, type DrawToolSpec, type ToolSpec } from './tools/toolSpec';
import { edgeMidpoints, vertexAt } from './vertexEdit';
import {
  boxViewport,
  DEFAULT_SCALE_LIMITS,
  fitViewport,
  panBy,
  relativeTransform,
  sameViewport,
  screenToWorld,
  visibleWorldBox,
  wheelZoomFactor,
  worldToScreen,
  zoomAt,
  type ScaleLimits,
  type Viewport,
} from './viewport';

/** The tool as a single name, for data attributes and `setMode` (kept from the first API). */
export type CanvasMode =
  | 'select'
  | 'draw-rectangle'
  | 'draw-polygon'
  | 'draw-polyline'
  | 'draw-points'
  | 'draw-ellipse'
  | 'draw-cuboid'
  | 'draw-skeleton';

/** A frame image: anything Canvas2D can draw that knows its size. */
export type CanvasImage = CanvasImageSource & { width: number; height: number };

/** A finished drawing, image coordinates clamped to the image, in CVAT's `points` encodings. */
export interface DrawnShape {
  type: ShapeType;
  points: number[];
  /** Degrees, clockwise (rectangles and ellipses). */
  rotation?: number;
  /** Skeleton keypoints, one per sublabel of the template. */
  elements?: DrawnElement[];
}

/** A finished edit, image coordinates. Emitted once, on release. */
export interface EditedShape {
  id: Id;
  type: ShapeType;
  points: number[];
  rotation?: number;
  elements?: SkeletonElement[];
}

export interface CanvasEvents {
  drawn: DrawnShape;
  /** An object drawn again with `setTool({ …, redraw: id })`. */
  redrawn: DrawnShape & { id: Id };
  edited: EditedShape;
  /** A selection made by the user: an object id, or null when they clicked empty space. */
  select: Id | null;
  /** The object under the pointer, or null. */
  hover: Id | null;
  viewport: Viewport;
  /** The pointer in image coordinates, or null when it leaves the canvas. */
  cursor: Point | null;
  /** A right click on an object (the per-object menu); `vertex` when it was on a vertex handle. */
  contextmenu: { id: Id; screen: Point; vertex?: number };
  /** The tool changed (a redraw finished, or Escape left a tool). */
  tool: ToolSpec;
}

export interface CanvasEngineOptions {
  mode?: CanvasMode;
  minScale?: number;
  maxScale?: number;
  /** Space left around the image by `fit()`, CSS pixels. */
  fitMargin?: number;
  /** Idle time after a pan or zoom before the layers are redrawn sharp, ms. */
  settleMs?: number;
  /** How far from a stroke or point a hover or click still hits it, CSS pixels. */
  hitTolerance?: number;
  /** Pointer travel that turns a press into a drag, CSS pixels. */
  dragThreshold?: number;
  /** Hold Space to pan (off by default: in the annotation view Space plays and pauses, as in CVAT). */
  spacePan?: boolean;
  /** Overrides `window.devicePixelRatio`. */
  devicePixelRatio?: number;
  /** Colour of the shape being drawn. */
  drawingColor?: string;
  /** Snap new points to nearby shapes' vertices and edges (CVAT's automatic bordering). */
  autoborder?: boolean;
  style?: Partial<CanvasStyle>;
}

/** What the app tells the engine about how to show objects, beyond the objects themselves. */
export interface ObjectsView {
  /** Objects not to draw or hit (the UI's eye toggle). Shapes with `outside` are never drawn. */
  hidden?: ReadonlySet<Id>;
  /** Objects that can be selected but not edited. */
  locked?: ReadonlySet<Id>;
  /** Objects that can be edited but not moved. */
  pinned?: ReadonlySet<Id>;
}

/** Draws on the overlay; ctx is in CSS pixels (DPR applied), untransformed, as for external tools. */
export type OverlayDrawer = (ctx: CanvasRenderingContext2D, view: ToolView) => void;

export interface CanvasEngine {
  setImage(source: CanvasImage | null, options?: { fit?: boolean }): void;
  /** Shapes are drawn, tags are shown as chips. */
  setObjects(objects: readonly FrameObject[], labels: readonly LabelSpec[], view?: ObjectsView): void;
  setMode(mode: CanvasMode): void;
  getMode(): CanvasMode;
  setTool(tool: ToolSpec): void;
  getTool(): ToolSpec;
  /** Sets the highlighted object without emitting `select`. */
  setSelected(id: Id | null): void;
  getSelected(): Id | null;
  setStyle(style: Partial<CanvasStyle>): void;
  getStyle(): CanvasStyle;
  setAutoborder(enabled: boolean): void;
  /** Routes primary-button input to a tool outside the engine (brush, eraser), or back. */
  setExternalTool(tool: ExternalTool | null): void;
  /** Asks for the overlay (where external tools draw) to be redrawn on the next frame. */
  requestOverlay(): void;
  /**
   * Adds a drawing on the overlay layer above the objects (review issue regions, hints), drawn
   * on every overlay redraw after the engine's own overlay and before an external tool's.
   * Call `requestOverlay` when what it draws changes. Returns a function that removes it.
   */
  addOverlay(draw: OverlayDrawer): () => void;
  /**
   * Centres the view on a box of the image and zooms so that it fills the view with `margin`
   * image pixels around it (CVAT's zoom to the active object in attribute annotation mode).
   */
  zoomToBox(box: Box, margin?: number): void;
  /** Removes a vertex of a polygon, polyline or point set and emits `edited` (the menu's "Delete point"). */
  removeVertex(id: Id, index: number): void;
  getViewport(): Viewport;
  setViewport(viewport: Viewport): void;
  fit(): void;
  zoomAt(screenPoint: Point, factor: number): void;
  panBy(dx: number, dy: number): void;
  worldToScreen(world: Point): Point;
  screenToWorld(screen: Point): Point;
  /** The topmost visible object at a world point, with the hit tolerance applied. */
  hitTest(world: Point): Id | null;
  /** Abandons a drawing or a drag in progress (what Escape does). */
  cancel(): void;
  /** Schedules a full redraw on the next animation frame. */
  invalidate(): void;
  /** Draws what is pending now instead of on the next animation frame; `sharp` also ends a pan or zoom. */
  flush(options?: { sharp?: boolean }): void;
  on<K extends keyof CanvasEvents>(event: K, listener: Listener<CanvasEvents[K]>): () => void;
  destroy(): void;
}

type ObjectsDirty = { kind: 'none' } | { kind: 'boxes'; boxes: Box[] } | { kind: 'all' };

const MAX_PARTIAL_BOXES = 16;
/** Distance of the rotation handle above a box, CSS pixels. */
const ROTATE_HANDLE_OFFSET = 24;
/** Above this many vertices the midpoint handles are not offered (they would hide the outline). */
const MAX_MIDPOINT_HANDLES = 400;
/** Automatic bordering reach, CSS pixels. */
const SNAP_PX = 10;

function modeOf(tool: ToolSpec): CanvasMode {
  return tool.kind === 'select' ? 'select' : `draw-${tool.kind}`;
}

const EMPTY: ReadonlySet<Id> = new Set();

export function createCanvasEngine(container: HTMLElement, options: CanvasEngineOptions = {}): CanvasEngine {
  const limits: ScaleLimits = {
    minScale: options.minScale ?? DEFAULT_SCALE_LIMITS.minScale,
    maxScale: options.maxScale ?? DEFAULT_SCALE_LIMITS.maxScale,
  };
  const fitMargin = options.fitMargin ?? 16;
  const settleMs = options.settleMs ?? 100;
  const hitTolerancePx = options.hitTolerance ?? 4;
  const dragThreshold = options.dragThreshold ?? 4;
  const drawingColor = options.drawingColor ?? '#ffffff';
  let style: CanvasStyle = { ...DEFAULT_STYLE, ...options.style };
  let autoborder = options.autoborder ?? false;

  const emitter = createEmitter<CanvasEvents>();

  // DOM: a wrapper holding three stacked canvases.
  if (getComputedStyle(container).position === 'static') container.style.position = 'relative';
  const wrapper = document.createElement('div');
  wrapper.style.cssText = 'position:absolute;inset:0;overflow:hidden;touch-action:none;user-select:none;';
  const makeLayer = (name: string): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } => {
    const canvas = document.createElement('canvas');
    canvas.dataset.layer = name;
    canvas.style.cssText = 'position:absolute;left:0;top:0;transform-origin:0 0;';
    wrapper.appendChild(canvas);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    return { canvas, ctx };
  };
  const imageLayer = makeLayer('image');
  const objectsLayer = makeLayer('objects');
  const overlayLayer = makeLayer('overlay');
  container.appendChild(wrapper);

  // State.
  let destroyed = false;
  let view: Size = { width: 0, height: 0 };
  let dpr = 1;
  let vp: Viewport = { scale: 1, tx: 0, ty: 0 };
  /** True until the user moves the view: a resize or a new image size then refits. */
  let autoFit = true;
  let image: CanvasImage | null = null;
  let imageSize: Size | null = null;

  const index = new ShapeIndex();
  const paths = new PathCache();
  let labels: readonly LabelSpec[] = [];
  let labelById = new Map<Id, LabelSpec>();
  let colorOf: (shape: Shape) => string = colorResolver([], style.colorBy, style.fallbackColor);
  let elementColors = new Map<Id, string>();
  let templates = new Map<Id, SkeletonTemplate>();
  let hidden: ReadonlySet<Id> = EMPTY;
  let locked: ReadonlySet<Id> = EMPTY;
  let pinned: ReadonlySet<Id> = EMPTY;
  let tags: OverlayTag[] = [];

  let tool: ToolSpec = { kind: 'select' };
  let drawTool: DrawTool | null = null;
  let external: ExternalTool | null = null;
  const overlays = new Set<OverlayDrawer>();
  let externalDown = false;
  let selectedId: Id | null = null;
  let hoveredId: Id | null = null;
  let gesture: SelectGesture = { kind: 'idle' };
  /** Redrawing part of the selected outline (Shift+click on a vertex), across several clicks. */
  let cut: OutlineCut | null = null;
  let cutPointer: Point | null = null;
  /** Pan by middle button or space+drag, in any mode. */
  let pan: { last: Point } | null = null;
  /** An edit emitted but not yet reflected by `setObjects`: shown in its place meanwhile. */
  let pendingEdit: { id: Id; shape: Shape } | null = null;
  let spaceHeld = false;
  const spacePan = options.spacePan ?? false;
  let pointerInside = false;
  let pointerScreen: Point | null = null;
  let lastModifiers = { shift: false, alt: false, ctrl: false };

  // Rendering state.
  let rafId = 0;
  let needImage = true;
  let needOverlay = true;
  let objectsDirty: ObjectsDirty = { kind: 'all' };
  /** The viewports the objects and image layers were last drawn sharp under. */
  let objectsVp: Viewport | null = null;
  let imageVp: Viewport | null = null;
  let settleTimer: ReturnType<typeof setTimeout> | null = null;

  // ---------- attributes for tests ----------
  function syncAttributes(): void {
    container.dataset.scale = vp.scale.toFixed(4);
    container.dataset.mode = modeOf(tool);
    container.dataset.selected = selectedId ?? '';
  }

  // ---------- scheduling ----------
  function schedule(): void {
    if (destroyed || rafId) return;
    rafId = requestAnimationFrame(render);
  }

  function markObjects(dirty: ObjectsDirty): void {
    if (dirty.kind === 'none') return;
    schedule();
    if (objectsDirty.kind === 'all') return;
    if (dirty.kind === 'all') objectsDirty = dirty;
    else if (objectsDirty.kind === 'none') objectsDirty = { kind: 'boxes', boxes: [...dirty.boxes] };
    else objectsDirty.boxes.push(...dirty.boxes);
  }

  function markShapeDirty(id: Id): void {
    const item = index.get(id);
    if (item) markObjects({ kind: 'boxes', boxes: [item] });
  }

  function markOverlay(): void {
    needOverlay = true;
    schedule();
  }

  function isSkipped(id: Id): boolean {
    if (hidden.has(id)) return true;
    if (pendingEdit?.id === id) return true;
    if (tool.kind !== 'select' && tool.redraw === id) return true;
    const preview = selectGesturePreview(gesture);
    return preview?.id === id;
  }

  function isVisible(item: IndexedShape): boolean {
    return !item.shape.outside && !hidden.has(item.id);
  }

  function render(): void {
    rafId = 0;
    if (destroyed || view.width === 0 || view.height === 0) return;
    if (needImage) {
      drawImageLayer(imageLayer.ctx, image, vp, dpr);
      imageVp = { ...vp };
      imageLayer.canvas.style.transform = '';
      needImage = false;
    }
    renderObjects();
    if (needOverlay) {
      renderOverlay();
      needOverlay = false;
    }
  }

  function textOf(shape: Shape): string[] {
    return objectText(shape, labelById.get(shape.label_id), {
      id: style.textShowId,
      attributes: style.textShowAttributes,
    });
  }

  function renderObjects(): void {
    if (objectsDirty.kind === 'none') return;
    const layerIsSharp = objectsVp !== null && sameViewport(objectsVp, vp);
    // While the cached layer is transformed, partial redraws wait for the sharp redraw on settle.
    if (objectsDirty.kind === 'boxes' && !layerIsSharp) return;
    const base = {
      colorOf,
      colorOfElement: (labelId: Id) => elementColors.get(labelId) ?? style.fallbackColor,
      paths,
      style,
      vp,
      dpr,
      skip: isSkipped,
      lodTolerance: style.lodTolerancePx > 0 ? lodTolerance(vp.scale, style.lodTolerancePx) : null,
      textOf: style.showText ? textOf : undefined,
    };
    const bleed = (style.strokeWidth + style.pointRadius + 2) / vp.scale;
    if (objectsDirty.kind === 'all') {
      const visible = expandBox(visibleWorldBox(vp, view), bleed);
      drawObjectsLayer(objectsLayer.ctx, { ...base, items: index.search(visible).filter(isVisible) });
      objectsVp = { ...vp };
      objectsLayer.canvas.style.transform = '';
    } else {
      let boxes = objectsDirty.boxes.map((b) => expandBox(b, bleed));
      // Text sits above its shape, outside the shape's box.
      if (style.showText)
        boxes = boxes.map((b) => ({
          ...b,
          minY: b.minY - (style.textFontSize * 6) / vp.scale,
          maxX: b.maxX + 200 / vp.scale,
        }));
      if (boxes.length > MAX_PARTIAL_BOXES) boxes = [boxes.reduce(unionBox)];
      for (const clip of boxes) {
        drawObjectsLayer(objectsLayer.ctx, { ...base, items: index.search(clip).filter(isVisible), clip });
      }
    }
    objectsDirty = { kind: 'none' };
  }

  function selectedShapeForDisplay(): { shape: Shape; isPreview: boolean } | null {
    if (selectedId === null) return null;
    const item = index.get(selectedId);
    if (!item || !isVisible(item)) return null;
    const preview = selectGesturePreview(gesture);
    if (preview && preview.id === selectedId)
      return { shape: applyPreview(item.shape, preview), isPreview: true };
    if (pendingEdit && pendingEdit.id === selectedId) return { shape: pendingEdit.shape, isPreview: true };
    return { shape: item.shape, isPreview: false };
  }

  function handlesFor(shape: Shape): EditHandles | null {
    if (tool.kind !== 'select' || locked.has(shape.id)) return null;
    const h: EditHandles = { box: null, rotate: null, vertices: [], midpoints: [] };
    if (isResizable(shape)) {
      const box = resizeBox(shape);
      // A rotated box's handles turn with it: they are drawn as points at their rotated places.
      if (box && shape.rotation % 360 !== 0)
        h.vertices = HANDLES.flatMap((hd) => {
          const q = rotatedHandlePosition(box, shape.rotation, hd);
          return [q.x, q.y];
        });
      else h.box = box;
    }
    if (isRotatable(shape)) {
      const b = centredBox(shape);
      if (b) {
        const center = { x: b.cx, y: b.cy };
        const offset = ROTATE_HANDLE_OFFSET / vp.scale;
        h.rotate = {
          handle: rotationHandlePosition(center, b.hh, shape.rotation, offset),
          anchor: rotationHandlePosition(center, b.hh, shape.rotation, 0),
        };
      }
    }
    if (
      shape.type === 'polygon' ||
      shape.type === 'polyline' ||
      shape.type === 'points' ||
      shape.type === 'cuboid'
    ) {
      h.vertices = shape.points;
    }
    if (
      (shape.type === 'polygon' || shape.type === 'polyline') &&
      shape.points.length <= 2 * MAX_MIDPOINT_HANDLES
    ) {
      h.midpoints = edgeMidpoints(shape.points, shape.type === 'polygon');
    }
    if (shape.type === 'skeleton') h.vertices = shape.elements.flatMap((e) => (e.outside ? [] : e.points));
    return h;
  }

  function toolView(): ToolView {
    return {
      viewport: { ...vp },
      imageWidth: imageSize?.width ?? 0,
      imageHeight: imageSize?.height ?? 0,
      worldToScreen: (p) => worldToScreen(vp, p),
      screenToWorld: (p) => screenToWorld(vp, p),
    };
  }

  function previewShape(g: DrawnGeometry): Shape {
    const base = {
      id: '__drawing__',
      updated_date: '',
      author: '',
      frame: 0,
      label_id: '',
      occluded: false,
      outside: false,
      z_order: 0,
      rotation: g.rotation ?? 0,
      group: 0,
      source: 'manual' as const,
      attributes: [],
    };
    if (g.type === 'skeleton') {
      return {
        ...base,
        label_id: tool.kind === 'skeleton' ? skeletonLabelOf(tool.template) : '',
        type: 'skeleton',
        points: [],
        elements: (g.elements ?? []).map((e) => ({ ...e, type: 'points' as const, attributes: [] })),
      };
    }
    return { ...base, type: g.type, points: g.points } as Shape;
  }

  /** The label whose template is being drawn, so the preview gets its edges. */
  function skeletonLabelOf(template: SkeletonTemplate): Id {
    for (const [id, t] of templates) if (t === template) return id;
    templates.set('__drawing__', template);
    paths.setSkeletonEdges(edgesOf);
    return '__drawing__';
  }

  function edgesOf(labelId: Id): readonly (readonly [Id, Id])[] {
    return templates.get(labelId)?.edges ?? [];
  }

  function renderOverlay(): void {
    const selected = tool.kind === 'select' ? selectedShapeForDisplay() : null;
    const hoveredItem = hoveredId !== null ? index.get(hoveredId) : undefined;
    const preview = drawTool?.preview() ?? cutPreview();
    drawOverlayLayer(overlayLayer.ctx, {
      vp,
      dpr,
      style,
      colorOf,
      colorOfElement: (labelId) => elementColors.get(labelId) ?? style.fallbackColor,
      paths,
      hovered: hoveredItem && isVisible(hoveredItem) ? hoveredItem.shape : null,
      selected: selected?.shape ?? null,
      selectedIsPreview: selected?.isPreview ?? false,
      handles: selected ? handlesFor(selected.shape) : null,
      drawing: preview?.shape ? previewShape(preview.shape) : null,
      drawingVertices: preview?.vertices ?? [],
      drawingRubber: preview?.rubber ?? null,
      drawingColor,
      crosshair: drawTool && pointerInside && pointerScreen ? pointerScreen : null,
      textOf,
      tags,
      image: imageSize,
    });
    for (const draw of overlays) {
      const ctx = overlayLayer.ctx;
      ctx.save();
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      draw(ctx, toolView());
      ctx.restore();
    }
    if (external) {
      const ctx = overlayLayer.ctx;
      ctx.save();
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      external.drawOverlay(ctx, toolView());
      ctx.restore();
    }
  }

  // ---------- viewport ----------
  function applyViewport(next: Viewport, byUser: boolean): void {
    if (sameViewport(next, vp)) return;
    vp = next;
    if (byUser) autoFit = false;
    needOverlay = true;
    // Move the last sharp bitmaps with the view now; redraw them sharp once the view settles.
    if (imageVp) {
      const t = relativeTransform(imageVp, vp);
      imageLayer.canvas.style.transform = `matrix(${t.k},0,0,${t.k},${t.dx},${t.dy})`;
    } else {
      needImage = true;
    }
    if (objectsVp) {
      const t = relativeTransform(objectsVp, vp);
      objectsLayer.canvas.style.transform = `matrix(${t.k},0,0,${t.k},${t.dx},${t.dy})`;
    } else {
      markObjects({ kind: 'all' });
    }
    if (imageVp || objectsVp) {
      if (settleTimer !== null) clearTimeout(settleTimer);
      settleTimer = setTimeout(() => {
        settleTimer = null;
        needImage = true;
        markObjects({ kind: 'all' });
      }, settleMs);
    }
    syncAttributes();
    schedule();
    emitter.emit('viewport', { ...vp });
  }

  function fit(): void {
    autoFit = true;
    if (!imageSize) return;
    applyViewport(fitViewport(imageSize, view, fitMargin, limits), false);
  }

  // ---------- sizing ----------
  function resize(width: number, height: number): void {
    dpr = options.devicePixelRatio ?? window.devicePixelRatio ?? 1;
    view = { width, height };
    for (const layer of [imageLayer, objectsLayer, overlayLayer]) {
      layer.canvas.width = Math.max(1, Math.round(width * dpr));
      layer.canvas.height = Math.max(1, Math.round(height * dpr));
      layer.canvas.style.width = `${width}px`;
      layer.canvas.style.height = `${height}px`;
    }
    // Resizing a canvas clears it: everything is redrawn now, sharp.
    objectsVp = null;
    imageVp = null;
    objectsLayer.canvas.style.transform = '';
    imageLayer.canvas.style.transform = '';
    needImage = true;
    needOverlay = true;
    objectsDirty = { kind: 'all' };
    if (autoFit && imageSize) applyViewport(fitViewport(imageSize, view, fitMargin, limits), false);
    schedule();
  }

  const resizeObserver = new ResizeObserver((entries) => {
    const entry = entries[entries.length - 1];
    if (!entry) return;
    const { width, height } = entry.contentRect;
    if (width !== view.width || height !== view.height) resize(width, height);
  });
  resizeObserver.observe(container);
  resize(container.clientWidth, container.clientHeight);

  // ---------- hit testing ----------
  function hitTolerance(): number {
    return hitTolerancePx / vp.scale;
  }

  function hitTestItem(world: Point): IndexedShape | null {
    return index.hitTest(world, hitTolerance(), isVisible);
  }

  function selectedEditable(): Shape | null {
    if (selectedId === null || tool.kind !== 'select') return null;
    const item = index.get(selectedId);
    if (!item || !isVisible(item) || locked.has(item.id)) return null;
    return item.shape;
  }

  function handleUnder(world: Point): ReturnType<typeof rotatedHandleAt> {
    const shape = selectedEditable();
    const box = shape && isResizable(shape) ? resizeBox(shape) : null;
    if (!box || !shape) return null;
    return rotatedHandleAt(box, shape.rotation, world, (style.handleSize / 2 + 2) / vp.scale);
  }

  function gripUnder(world: Point): Grip | null {
    const shape = selectedEditable();
    if (!shape) return null;
    const h = handlesFor(shape);
    if (!h) return null;
    const tol = (style.handleSize / 2 + 2) / vp.scale;
    if (h.rotate && Math.hypot(world.x - h.rotate.handle.x, world.y - h.rotate.handle.y) <= tol) {
      return { kind: 'rotate' };
    }
    if (shape.type === 'skeleton') {
      let best: number | null = null;
      let bestD = tol;
      shape.elements.forEach((e, i) => {
        if (e.outside) return;
        const d = Math.hypot(world.x - e.points[0], world.y - e.points[1]);
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      });
      return best === null ? null : { kind: 'keypoint', index: best };
    }
    // A rotated box's resize handles ride in `vertices`; `handleUnder` answers for them.
    const v = isResizable(shape) ? null : vertexAt(h.vertices, world, tol);
    if (v !== null) return { kind: 'vertex', index: v };
    const m = vertexAt(h.midpoints, world, tol * 0.8);
    if (m !== null) return { kind: 'midpoint', edge: m };
    if (shape.type === 'cuboid') {
      // The front face moves the whole cuboid, like any body drag.
      const face = cuboidFaceAt(shape.points, world);
      if (face && face !== 'front') return { kind: 'cuboid-face', face };
    }
    return null;
  }

  /** Other shapes' outlines near `p` that automatic bordering follows; point sets only for snapping. */
  function borderTargets(p: Point, reach: number, withPoints: boolean): SnapTarget[] {
    const exclude = tool.kind !== 'select' ? tool.redraw : undefined;
    const targets: SnapTarget[] = [];
    for (const item of index.search(expandBox({ minX: p.x, minY: p.y, maxX: p.x, maxY: p.y }, reach))) {
      const s = item.shape;
      if (s.id === exclude || !isVisible(item)) continue;
      if (s.type === 'polygon' || s.type === 'polyline' || (withPoints && s.type === 'points')) {
        targets.push({ points: s.points, closed: s.type === 'polygon' });
      } else if (s.type === 'rectangle' && s.rotation % 360 === 0) {
        const [a, b, c, d] = s.points;
        targets.push({ points: [a, b, c, b, c, d, a, d], closed: true });
      }
    }
    return targets;
  }

  function snapper(): ((p: Point) => Point) | undefined {
    if (!(autoborder || lastModifiers.ctrl)) return undefined;
    const reach = SNAP_PX / vp.scale;
    return (p) => snapToBorders(p, borderTargets(p, reach, true), reach) ?? p;
  }

  /** Automatic bordering: the neighbour's vertices between two consecutive placed points. */
  function borderTracer(): ((a: Point, b: Point) => number[]) | undefined {
    if (!(autoborder || lastModifiers.ctrl)) return undefined;
    // Placed points were snapped onto the outline; this only absorbs rounding.
    const onLine = 0.5 / vp.scale;
    return (a, b) => traceBorder(a, b, borderTargets(a, onLine, false), onLine);
  }

  // ---------- outline cut ----------
  /** Shift+click on a vertex of the selected polygon or polyline starts redrawing part of it. */
  function startCut(grip: Grip | null): boolean {
    const shape = selectedEditable();
    if (!shape || grip?.kind !== 'vertex') return false;
    if (shape.type !== 'polygon' && shape.type !== 'polyline') return false;
    cut = startOutlineCut(shape.id, shape.points, shape.type === 'polygon', grip.index);
    cutPointer = null;
    markOverlay();
    return true;
  }

  function cutPress(button: number, world: Point): void {
    if (!cut) return;
    if (button === 2) {
      if (cut.drawn.length > 0) cut = removeCutPoint(cut);
      markOverlay();
      return;
    }
    if (button !== 0) return;
    const v = vertexAt(cut.original, world, (style.handleSize / 2 + 2) / vp.scale);
    if (v === cut.start) return;
    if (v !== null) {
      const points = finishOutlineCut(cut, v);
      const item = index.get(cut.id);
      cut = null;
      cutPointer = null;
      if (points && item) emitEdit(item.shape, { id: item.id, points });
      markOverlay();
      return;
    }
    cut = addCutPoint(cut, imageSize ? clampPointToImage(world, imageSize) : world);
    markOverlay();
  }

  function cutPreview(): DrawPreview | null {
    if (!cut) return null;
    const path = cutPath(cut, null);
    const n = path.length;
    const rubber = cutPointer ? [path[n - 2]!, path[n - 1]!, cutPointer.x, cutPointer.y] : null;
    return { shape: { type: 'polyline', points: path }, vertices: path, rubber };
  }

  // ---------- selection and hover ----------
  function dropPendingEdit(): void {
    if (!pendingEdit) return;
    markShapeDirty(pendingEdit.id);
    pendingEdit = null;
  }

  function setSelectedInternal(id: Id | null, emit: boolean): void {
    if (id === selectedId) return;
    selectedId = id;
    cut = null;
    dropPendingEdit();
    syncAttributes();
    markOverlay();
    if (emit) emitter.emit('select', id);
  }

  function setHovered(id: Id | null): void {
    if (id === hoveredId) return;
    hoveredId = id;
    markOverlay();
    emitter.emit('hover', id);
  }

  function updateCursor(world: Point | null): void {
    let cursor = 'default';
    if (pan || gesture.kind === 'panning') cursor = 'grabbing';
    else if (spaceHeld) cursor = 'grab';
    else if (external) cursor = 'crosshair';
    else if (drawTool) cursor = 'crosshair';
    else if (gesture.kind === 'resizing') cursor = HANDLE_CURSORS[gesture.handle];
    else if (gesture.kind === 'moving') cursor = 'move';
    else if (cut) cursor = 'crosshair';
    else if (
      gesture.kind === 'rotating' ||
      gesture.kind === 'vertex' ||
      gesture.kind === 'keypoint' ||
      gesture.kind === 'cuboid-face'
    )
      cursor = 'grabbing';
    else if (world) {
      const handle = handleUnder(world);
      const grip = handle ? null : gripUnder(world);
      if (handle) cursor = HANDLE_CURSORS[handle];
      else if (grip) cursor = grip.kind === 'midpoint' ? 'copy' : 'grab';
      else if (hoveredId !== null)
        cursor =
          hoveredId === selectedId && !pinned.has(hoveredId) && !locked.has(hoveredId) ? 'move' : 'pointer';
    }
    if (wrapper.style.cursor !== cursor) wrapper.style.cursor = cursor;
  }

  // ---------- tools ----------
  function setToolInternal(next: ToolSpec): void {
    cancel();
    const wasRedraw = tool.kind !== 'select' && tool.redraw !== undefined;
    tool = next;
    drawTool = next.kind === 'select' ? null : createDrawTool(next as DrawToolSpec);
    if (next.kind !== 'select') setHovered(null);
    if (wasRedraw || (next.kind !== 'select' && next.redraw !== undefined)) markObjects({ kind: 'all' });
    syncAttributes();
    markOverlay();
    updateCursor(null);
  }

  function toolInput(
    e: { shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean },
    screen: Point,
    button: number,
  ): ToolInput {
    lastModifiers = { shift: e.shiftKey, alt: e.altKey, ctrl: e.ctrlKey || e.metaKey };
    return {
      world: screenToWorld(vp, screen),
      screen,
      button,
      shift: e.shiftKey,
      alt: e.altKey,
      ctrl: e.ctrlKey || e.metaKey,
      image: imageSize,
      scale: vp.scale,
      snap: snapper(),
      traceBorder: borderTracer(),
    };
  }

  function handleToolStep(step: ToolStep): void {
    markOverlay();
    if (step.kind !== 'finished') return;
    const s = step.shape;
    const shape: DrawnShape = { type: s.type, points: s.points };
    if (s.rotation !== undefined) shape.rotation = s.rotation;
    if (s.elements) shape.elements = s.elements;
    if (tool.kind !== 'select' && tool.redraw !== undefined) {
      const id = tool.redraw;
      // A redraw is one shape: the tool goes back to selection with the object selected.
      setToolInternal({ kind: 'select' });
      emitter.emit('redrawn', { ...shape, id });
      emitter.emit('tool', tool);
      return;
    }
    emitter.emit('drawn', shape);
  }

  // ---------- input ----------
  function screenPointOf(e: { clientX: number; clientY: number }): Point {
    const r = wrapper.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  function cancel(): void {
    if (drawTool?.busy) {
      drawTool.reset();
      markOverlay();
    }
    external?.cancel();
    externalDown = false;
    if (cut) {
      cut = null;
      cutPointer = null;
      markOverlay();
    }
    const preview = selectGesturePreview(gesture);
    gesture = { kind: 'idle' };
    if (preview) {
      markShapeDirty(preview.id);
      markOverlay();
    }
  }

  function onPointerDown(e: PointerEvent): void {
    const screen = screenPointOf(e);
    const world = screenToWorld(vp, screen);
    pointerScreen = screen;
    if (e.button === 1 || (e.button === 0 && spaceHeld)) {
      e.preventDefault();
      pan = { last: screen };
      wrapper.setPointerCapture(e.pointerId);
      updateCursor(world);
      return;
    }
    if (external) {
      if (external.pointerDown(world, e, toolView())) {
        externalDown = true;
        wrapper.setPointerCapture(e.pointerId);
        e.preventDefault();
      }
      return;
    }
    if (drawTool) {
      if (e.button === 0) wrapper.setPointerCapture(e.pointerId);
      handleToolStep(drawTool.down(toolInput(e, screen, e.button)));
      return;
    }
    if (cut) {
      cutPress(e.button, world);
      updateCursor(world);
      return;
    }
    if (e.button !== 0) return;
    const handle = handleUnder(world);
    const grip = handle ? null : gripUnder(world);
    if (e.shiftKey && startCut(grip)) {
      updateCursor(world);
      return;
    }
    wrapper.setPointerCapture(e.pointerId);
    const hit = hitTestItem(world);
    const selected = selectedId !== null ? (index.get(selectedId)?.shape ?? null) : null;
    gesture = beginSelectGesture(
      {
        handle,
        grip,
        selected,
        hit: hit?.shape ?? null,
        locked: (id) => locked.has(id),
        pinned: (id) => pinned.has(id),
        alt: e.altKey,
        shift: e.shiftKey,
      },
      world,
      screen,
    );
    // Selecting on press lets a drag move an object that was not selected yet.
    if (gesture.kind === 'press-shape') setSelectedInternal(gesture.id, true);
    const preview = selectGesturePreview(gesture);
    if (preview) {
      markShapeDirty(preview.id);
      markOverlay();
    }
    if (gesture.kind === 'resizing') markShapeDirty(gesture.id);
    updateCursor(world);
  }

  function onPointerMove(e: PointerEvent): void {
    const screen = screenPointOf(e);
    const world = screenToWorld(vp, screen);
    pointerScreen = screen;
    emitter.emit('cursor', world);
    if (pan) {
      const last = pan.last;
      pan.last = screen;
      applyViewport(panBy(vp, screen.x - last.x, screen.y - last.y), true);
      return;
    }
    if (external) {
      external.pointerMove(world, e, toolView());
      return;
    }
    if (drawTool) {
      drawTool.move(toolInput(e, screen, e.button));
      markOverlay();
      updateCursor(world);
      return;
    }
    if (cut) {
      cutPointer = world;
      markOverlay();
      updateCursor(world);
      return;
    }
    if (gesture.kind === 'idle') {
      setHovered(hitTestItem(world)?.id ?? null);
      updateCursor(world);
      return;
    }
    const before = gesture.kind;
    gesture = updateSelectGesture(gesture, world, screen, imageSize, dragThreshold, { shift: e.shiftKey });
    if (gesture.kind === 'panning') {
      const last = gesture.lastScreen;
      gesture = { kind: 'panning', lastScreen: screen };
      applyViewport(panBy(vp, screen.x - last.x, screen.y - last.y), true);
    } else if (selectGesturePreview(gesture)) {
      // The shape leaves the objects layer while the overlay shows it being dragged.
      if (before !== gesture.kind)
        markShapeDirty(gesture.kind === 'idle' ? '' : selectGesturePreview(gesture)!.id);
      markOverlay();
    }
    updateCursor(world);
  }

  function onPointerUp(e: PointerEvent): void {
    const screen = screenPointOf(e);
    const world = screenToWorld(vp, screen);
    if (wrapper.hasPointerCapture(e.pointerId)) wrapper.releasePointerCapture(e.pointerId);
    if (pan) {
      pan = null;
      updateCursor(world);
      return;
    }
    if (external) {
      if (externalDown) external.pointerUp(world, e, toolView());
      externalDown = false;
      return;
    }
    if (drawTool) {
      handleToolStep(drawTool.up(toolInput(e, screen, e.button)));
      return;
    }
    const ended = gesture;
    const outcome = endSelectGesture(ended);
    gesture = { kind: 'idle' };
    if (outcome.kind === 'deselect') setSelectedInternal(null, true);
    else if (outcome.kind === 'select') setSelectedInternal(outcome.id, true);
    else if (outcome.kind === 'edited') {
      const item = index.get(outcome.id);
      if (item) emitEdit(item.shape, outcome);
    } else {
      // No change: put the shape back on the objects layer.
      const preview = selectGesturePreview(ended);
      if (preview) markShapeDirty(preview.id);
    }
    markOverlay();
    updateCursor(world);
  }

  function emitEdit(
    shape: Shape,
    edit: { id: Id; points: number[]; rotation?: number; elements?: SkeletonElement[] },
  ): void {
    const payload: EditedShape = { id: edit.id, type: shape.type, points: edit.points };
    if (edit.rotation !== undefined) payload.rotation = edit.rotation;
    if (edit.elements) payload.elements = edit.elements;
    pendingEdit = {
      id: edit.id,
      shape: applyPreview(shape, {
        id: edit.id,
        points: edit.points,
        rotation: edit.rotation,
        elements: edit.elements,
      }),
    };
    markShapeDirty(edit.id);
    markOverlay();
    emitter.emit('edited', payload);
  }

  function onPointerCancel(): void {
    pan = null;
    cancel();
  }

  function onPointerEnter(): void {
    pointerInside = true;
  }

  function onPointerLeave(): void {
    pointerInside = false;
    if (pan || gesture.kind !== 'idle' || externalDown) return;
    pointerScreen = null;
    setHovered(null);
    emitter.emit('cursor', null);
    markOverlay();
  }

  function onWheel(e: WheelEvent): void {
    e.preventDefault();
    applyViewport(zoomAt(vp, screenPointOf(e), wheelZoomFactor(e.deltaY, e.deltaMode), limits), true);
  }

  function onDoubleClick(e: MouseEvent): void {
    if (!drawTool?.doubleClick) return;
    e.preventDefault();
    handleToolStep(drawTool.doubleClick(toolInput(e, screenPointOf(e), 0)));
  }

  function isEditableTarget(target: EventTarget | null): boolean {
    if (!(target instanceof HTMLElement)) return false;
    return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
  }

  /** Keys a tool used are not seen by the app (N would otherwise also start a new drawing). */
  function consume(e: KeyboardEvent): void {
    e.preventDefault();
    e.stopImmediatePropagation();
  }

  function onKeyDown(e: KeyboardEvent): void {
    if (isEditableTarget(e.target)) return;
    if (external?.keyDown?.(e, toolView())) {
      consume(e);
      return;
    }
    if (e.key === 'Escape') {
      if (drawTool?.busy || selectGesturePreview(gesture) || cut) {
        cancel();
        consume(e);
      }
      return;
    }
    if (drawTool) {
      const screen = pointerScreen ?? { x: 0, y: 0 };
      const step = drawTool.key(e.key, toolInput(e, screen, 0));
      if (step) {
        consume(e);
        handleToolStep(step);
        return;
      }
    }
    if (e.key === 'Control' || e.key === 'Shift' || e.key === 'Alt')
      lastModifiers = { shift: e.shiftKey, alt: e.altKey, ctrl: e.ctrlKey };
    if (e.code === 'Space' && pointerInside && spacePan) {
      e.preventDefault();
      if (!spaceHeld) {
        spaceHeld = true;
        updateCursor(null);
      }
    }
  }

  function onKeyUp(e: KeyboardEvent): void {
    lastModifiers = { shift: e.shiftKey, alt: e.altKey, ctrl: e.ctrlKey };
    if (e.code === 'Space' && spaceHeld) {
      spaceHeld = false;
      updateCursor(null);
    }
  }

  function onBlur(): void {
    spaceHeld = false;
    pan = null;
  }

  function onContextMenu(e: MouseEvent): void {
    if (drawTool || external || cut) {
      e.preventDefault();
      return;
    }
    const screen = screenPointOf(e);
    const world = screenToWorld(vp, screen);
    const grip = gripUnder(world);
    const hitId = grip && selectedId !== null ? selectedId : (hitTestItem(world)?.id ?? null);
    if (hitId === null) return;
    e.preventDefault();
    const payload: CanvasEvents['contextmenu'] = { id: hitId, screen };
    // For skeletons `vertex` is the keypoint's index among the elements.
    if (grip?.kind === 'vertex' || grip?.kind === 'keypoint') payload.vertex = grip.index;
    emitter.emit('contextmenu', payload);
  }

  wrapper.addEventListener('pointerdown', onPointerDown);
  wrapper.addEventListener('pointermove', onPointerMove);
  wrapper.addEventListener('pointerup', onPointerUp);
  wrapper.addEventListener('pointercancel', onPointerCancel);
  wrapper.addEventListener('pointerenter', onPointerEnter);
  wrapper.addEventListener('pointerleave', onPointerLeave);
  wrapper.addEventListener('wheel', onWheel, { passive: false });
  wrapper.addEventListener('dblclick', onDoubleClick);
  wrapper.addEventListener('contextmenu', onContextMenu);
  window.addEventListener('keydown', onKeyDown, true);
  window.addEventListener('keyup', onKeyUp, true);
  window.addEventListener('blur', onBlur);

  if (options.mode && options.mode !== 'select') setModeInternal(options.mode);
  syncAttributes();
  schedule();

  function setModeInternal(next: CanvasMode): void {
    if (next === modeOf(tool) && (tool.kind === 'select' || tool.redraw === undefined)) return;
    if (next === 'select') return setToolInternal({ kind: 'select' });
    const kind = next.slice('draw-'.length);
    if (kind === 'skeleton') return; // needs a template: use setTool
    setToolInternal({ kind } as DrawToolSpec);
  }

  // ---------- public API ----------
  return {
    setImage(source, opts) {
      const size = source ? { width: source.width, height: source.height } : null;
      const sizeChanged = size?.width !== imageSize?.width || size?.height !== imageSize?.height;
      image = source;
      imageSize = size;
      needImage = true;
      needOverlay = true;
      schedule();
      if (opts?.fit ?? (sizeChanged || autoFit)) fit();
    },

    setObjects(objects, nextLabels, objectsView) {
      const shapes: Shape[] = [];
      const nextTags: OverlayTag[] = [];
      for (const o of objects) {
        if (o.kind === 'shape') shapes.push(o);
        else {
          const l = labelById.get(o.label_id) ?? nextLabels.find((x) => x.id === o.label_id);
          nextTags.push({ name: l?.name ?? '?', color: l?.color ?? style.fallbackColor });
        }
      }
      let full = false;
      if (nextLabels !== labels) {
        labels = nextLabels;
        labelById = new Map(labels.map((l) => [l.id, l]));
        elementColors = new Map(labels.flatMap((l) => l.sublabels.map((s) => [s.id, s.color] as const)));
        colorOf = colorResolver(labels, style.colorBy, style.fallbackColor);
        templates = new Map(
          labels
            .filter((l) => l.type === 'skeleton' || l.sublabels.length > 0)
            .map((l) => [l.id, templateOfLabel(l)]),
        );
        paths.setSkeletonEdges(edgesOf);
        full = true;
      }
      const setChanged = (a: ReadonlySet<Id>, b: ReadonlySet<Id>): boolean =>
        a.size !== b.size || [...b].some((id) => !a.has(id));
      const nextHidden = objectsView?.hidden ?? EMPTY;
      if (setChanged(hidden, nextHidden)) full = true;
      hidden = nextHidden;
      locked = objectsView?.locked ?? EMPTY;
      pinned = objectsView?.pinned ?? EMPTY;
      tags = nextTags;
      const change = index.sync(shapes);
      // The app has answered the last edit (applied or not): stop showing it in place of the shape.
      dropPendingEdit();
      markObjects(full ? { kind: 'all' } : change);
      if (hoveredId !== null && !index.get(hoveredId)) setHovered(null);
      markOverlay();
    },

    setMode: setModeInternal,
    getMode: () => modeOf(tool),
    setTool: setToolInternal,
    getTool: () => tool,

    setSelected(id) {
      setSelectedInternal(id, false);
    },

    getSelected: () => selectedId,

    setStyle(next) {
      const prev = style;
      style = { ...style, ...next };
      if (style.colorBy !== prev.colorBy || style.fallbackColor !== prev.fallbackColor) {
        colorOf = colorResolver(labels, style.colorBy, style.fallbackColor);
      }
      const filter = imageFilter(style);
      if (imageLayer.canvas.style.filter !== filter) imageLayer.canvas.style.filter = filter;
      markObjects({ kind: 'all' });
      markOverlay();
    },

    getStyle: () => ({ ...style }),

    setAutoborder(enabled) {
      autoborder = enabled;
    },

    setExternalTool(next) {
      if (external === next) return;
      cancel();
      external = next;
      if (next) {
        drawTool?.reset();
        setHovered(null);
      }
      markOverlay();
      updateCursor(null);
    },

    requestOverlay: markOverlay,

    addOverlay(draw) {
      overlays.add(draw);
      markOverlay();
      return () => {
        if (overlays.delete(draw)) markOverlay();
      };
    },

    zoomToBox(box, margin = 0) {
      applyViewport(boxViewport(box, view, margin, limits), true);
    },

    removeVertex(id, vertex) {
      const item = index.get(id);
      if (!item || locked.has(id)) return;
      const s = item.shape;
      if (s.type !== 'polygon' && s.type !== 'polyline' && s.type !== 'points') return;
      const g = beginSelectGesture(
        { handle: null, grip: { kind: 'vertex', index: vertex }, selected: s, hit: null, alt: true },
        { x: 0, y: 0 },
        { x: 0, y: 0 },
      );
      const outcome = endSelectGesture(g);
      if (g.kind === 'vertex-removed' && outcome.kind === 'edited') emitEdit(s, outcome);
    },

    getViewport: () => ({ ...vp }),

    setViewport(next) {
      applyViewport(
        { ...next, scale: Math.min(limits.maxScale, Math.max(limits.minScale, next.scale)) },
        true,
      );
    },

    fit,

    zoomAt(screenPoint, factor) {
      applyViewport(zoomAt(vp, screenPoint, factor, limits), true);
    },

    panBy(dx, dy) {
      applyViewport(panBy(vp, dx, dy), true);
    },

    worldToScreen: (world) => worldToScreen(vp, world),
    screenToWorld: (screen) => screenToWorld(vp, screen),

    hitTest: (world) => hitTestItem(world)?.id ?? null,

    cancel,

    invalidate() {
      needImage = true;
      needOverlay = true;
      markObjects({ kind: 'all' });
      schedule();
    },

    flush(opts) {
      if (opts?.sharp && settleTimer !== null) {
        clearTimeout(settleTimer);
        settleTimer = null;
        needImage = true;
        markObjects({ kind: 'all' });
      }
      if (rafId) cancelAnimationFrame(rafId);
      render();
    },

    on: (event, listener) => emitter.on(event, listener),

    destroy() {
      if (destroyed) return;
      destroyed = true;
      if (rafId) cancelAnimationFrame(rafId);
      if (settleTimer !== null) clearTimeout(settleTimer);
      resizeObserver.disconnect();
      wrapper.removeEventListener('pointerdown', onPointerDown);
      wrapper.removeEventListener('pointermove', onPointerMove);
      wrapper.removeEventListener('pointerup', onPointerUp);
      wrapper.removeEventListener('pointercancel', onPointerCancel);
      wrapper.removeEventListener('pointerenter', onPointerEnter);
      wrapper.removeEventListener('pointerleave', onPointerLeave);
      wrapper.removeEventListener('wheel', onWheel);
      wrapper.removeEventListener('dblclick', onDoubleClick);
      wrapper.removeEventListener('contextmenu', onContextMenu);
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('keyup', onKeyUp, true);
      window.removeEventListener('blur', onBlur);
      external?.cancel();
      wrapper.remove();
      delete container.dataset.scale;
      delete container.dataset.mode;
      delete container.dataset.selected;
      emitter.clear();
      index.clear();
    },
  };
}
