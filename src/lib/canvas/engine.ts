import type { FrameObject, Id, LabelSpec, Shape, ShapeType } from '../core/types';
import { createEmitter, type Listener } from './emitter';
import { expandBox, unionBox, type Box, type Point, type RectPoints, type Size } from './geometry';
import { HANDLE_CURSORS, handleAt } from './handles';
import {
  DEFAULT_STYLE,
  PathCache,
  drawImageLayer,
  drawObjectsLayer,
  drawOverlayLayer,
  labelColors,
  type CanvasStyle,
} from './renderer';
import { ShapeIndex, type IndexedShape } from './spatialIndex';
import {
  DEFAULT_DRAW_RECTANGLE_OPTIONS,
  drawRectanglePointerDown,
  drawRectanglePointerMove,
  drawRectanglePointerUp,
  drawRectanglePreview,
  initialDrawRectangleState,
  type DrawRectangleState,
} from './tools/drawRectangle';
import {
  beginSelectGesture,
  endSelectGesture,
  isResizable,
  selectGesturePreview,
  updateSelectGesture,
  type SelectGesture,
} from './tools/select';
import {
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

export type CanvasMode = 'select' | 'draw-rectangle';

/** A frame image: anything Canvas2D can draw that knows its size. */
export type CanvasImage = CanvasImageSource & { width: number; height: number };

/** A finished drawing, image coordinates clamped to the image. */
export interface DrawnShape {
  type: 'rectangle';
  points: RectPoints;
}

/** A finished move or resize, image coordinates. Emitted once, on release. */
export interface EditedShape {
  id: Id;
  type: ShapeType;
  points: number[];
}

export interface CanvasEvents {
  drawn: DrawnShape;
  edited: EditedShape;
  /** A selection made by the user: an object id, or null when they clicked empty space. */
  select: Id | null;
  /** The object under the pointer, or null. */
  hover: Id | null;
  viewport: Viewport;
  /** The pointer in image coordinates, or null when it leaves the canvas. */
  cursor: Point | null;
}

export interface CanvasEngineOptions {
  mode?: CanvasMode;
  minScale?: number;
  maxScale?: number;
  /** Space left around the image by `fit()`, CSS pixels. */
  fitMargin?: number;
  /** Idle time after a pan or zoom before the objects layer is redrawn sharp, ms. */
  settleMs?: number;
  /** How far from a stroke or point a hover or click still hits it, CSS pixels. */
  hitTolerance?: number;
  /** Pointer travel that turns a press into a drag, CSS pixels. */
  dragThreshold?: number;
  /** Hold Space to pan (off by default: in the annotation view Space plays and pauses, as in CVAT). */
  spacePan?: boolean;
  /** Overrides `window.devicePixelRatio`. */
  devicePixelRatio?: number;
  /** Colour of the rectangle being drawn. */
  drawingColor?: string;
  style?: Partial<CanvasStyle>;
}

/** What the app tells the engine about how to show objects, beyond the objects themselves. */
export interface ObjectsView {
  /** Objects not to draw or hit (the UI's eye toggle). Shapes with `outside` are never drawn. */
  hidden?: ReadonlySet<Id>;
}

export interface CanvasEngine {
  setImage(source: CanvasImage | null, options?: { fit?: boolean }): void;
  setObjects(objects: readonly FrameObject[], labels: readonly LabelSpec[], view?: ObjectsView): void;
  setMode(mode: CanvasMode): void;
  getMode(): CanvasMode;
  /** Sets the highlighted object without emitting `select`. */
  setSelected(id: Id | null): void;
  getSelected(): Id | null;
  setStyle(style: Partial<CanvasStyle>): void;
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
  on<K extends keyof CanvasEvents>(event: K, listener: Listener<CanvasEvents[K]>): () => void;
  destroy(): void;
}

type ObjectsDirty = { kind: 'none' } | { kind: 'boxes'; boxes: Box[] } | { kind: 'all' };

const MAX_PARTIAL_BOXES = 16;

export function createCanvasEngine(container: HTMLElement, options: CanvasEngineOptions = {}): CanvasEngine {
  const limits: ScaleLimits = {
    minScale: options.minScale ?? DEFAULT_SCALE_LIMITS.minScale,
    maxScale: options.maxScale ?? DEFAULT_SCALE_LIMITS.maxScale,
  };
  const fitMargin = options.fitMargin ?? 16;
  const settleMs = options.settleMs ?? 100;
  const hitTolerancePx = options.hitTolerance ?? 4;
  const dragThreshold = options.dragThreshold ?? DEFAULT_DRAW_RECTANGLE_OPTIONS.dragThreshold;
  const drawingColor = options.drawingColor ?? '#ffffff';
  let style: CanvasStyle = { ...DEFAULT_STYLE, ...options.style };

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
  let colors = new Map<Id, string>();
  let hidden: ReadonlySet<Id> = new Set();

  let mode: CanvasMode = options.mode ?? 'select';
  let selectedId: Id | null = null;
  let hoveredId: Id | null = null;
  let drawState: DrawRectangleState = initialDrawRectangleState();
  let gesture: SelectGesture = { kind: 'idle' };
  /** Pan by middle button or space+drag, in any mode. */
  let pan: { last: Point } | null = null;
  /** An edit emitted but not yet reflected by `setObjects`: shown in its place meanwhile. */
  let pendingEdit: { id: Id; points: number[] } | null = null;
  let spaceHeld = false;
  const spacePan = options.spacePan ?? false;
  let pointerInside = false;
  let pointerScreen: Point | null = null;

  // Rendering state.
  let rafId = 0;
  let needImage = true;
  let needOverlay = true;
  let objectsDirty: ObjectsDirty = { kind: 'all' };
  /** The viewport the objects layer was last drawn sharp under; null before the first draw. */
  let objectsVp: Viewport | null = null;
  let settleTimer: ReturnType<typeof setTimeout> | null = null;

  // ---------- attributes for tests ----------
  function syncAttributes(): void {
    container.dataset.scale = vp.scale.toFixed(4);
    container.dataset.mode = mode;
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
      needImage = false;
    }
    renderObjects();
    if (needOverlay) {
      renderOverlay();
      needOverlay = false;
    }
  }

  function renderObjects(): void {
    if (objectsDirty.kind === 'none') return;
    const layerIsSharp = objectsVp !== null && sameViewport(objectsVp, vp);
    // While the cached layer is transformed, partial redraws wait for the sharp redraw on settle.
    if (objectsDirty.kind === 'boxes' && !layerIsSharp) return;
    const skip = (id: Id): boolean => isSkipped(id);
    const base = { colors, paths, style, vp, dpr, skip };
    const bleed = (style.strokeWidth + style.pointRadius + 2) / vp.scale;
    if (objectsDirty.kind === 'all') {
      const visible = expandBox(visibleWorldBox(vp, view), bleed);
      drawObjectsLayer(objectsLayer.ctx, { ...base, items: index.search(visible).filter(isVisible) });
      objectsVp = { ...vp };
      objectsLayer.canvas.style.transform = '';
    } else {
      let boxes = objectsDirty.boxes.map((b) => expandBox(b, bleed));
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
    const preview = selectGesturePreview(gesture) ?? pendingEdit;
    if (preview && preview.id === selectedId) {
      return { shape: { ...item.shape, points: preview.points } as Shape, isPreview: true };
    }
    return { shape: item.shape, isPreview: false };
  }

  function renderOverlay(): void {
    const selected = selectedShapeForDisplay();
    const hoveredItem = hoveredId !== null ? index.get(hoveredId) : undefined;
    const drawing = mode === 'draw-rectangle' ? drawRectanglePreview(drawState) : null;
    drawOverlayLayer(overlayLayer.ctx, {
      vp,
      dpr,
      style,
      colors,
      paths,
      hovered: hoveredItem && isVisible(hoveredItem) ? hoveredItem.shape : null,
      selected: selected?.shape ?? null,
      selectedIsPreview: selected?.isPreview ?? false,
      handles:
        mode === 'select' && selected && isResizable(selected.shape)
          ? (selected.shape.points as RectPoints)
          : null,
      drawing,
      drawingColor,
      crosshair: mode === 'draw-rectangle' && pointerInside && pointerScreen ? pointerScreen : null,
    });
  }

  // ---------- viewport ----------
  function applyViewport(next: Viewport, byUser: boolean): void {
    if (sameViewport(next, vp)) return;
    vp = next;
    if (byUser) autoFit = false;
    needImage = true;
    needOverlay = true;
    if (objectsVp) {
      // Move the last sharp bitmap with the view now; redraw it sharp once the view settles.
      const t = relativeTransform(objectsVp, vp);
      objectsLayer.canvas.style.transform = `matrix(${t.k},0,0,${t.k},${t.dx},${t.dy})`;
      if (settleTimer !== null) clearTimeout(settleTimer);
      settleTimer = setTimeout(() => {
        settleTimer = null;
        markObjects({ kind: 'all' });
      }, settleMs);
    } else {
      markObjects({ kind: 'all' });
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
    objectsLayer.canvas.style.transform = '';
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

  function selectedResizableRect(): RectPoints | null {
    if (selectedId === null) return null;
    const item = index.get(selectedId);
    if (!item || !isVisible(item) || !isResizable(item.shape)) return null;
    return item.shape.points;
  }

  function handleUnder(world: Point): ReturnType<typeof handleAt> {
    const rect = selectedResizableRect();
    if (!rect) return null;
    return handleAt(rect, world, (style.handleSize / 2 + 2) / vp.scale);
  }

  // ---------- selection and hover ----------
  function setSelectedInternal(id: Id | null, emit: boolean): void {
    if (id === selectedId) return;
    selectedId = id;
    if (pendingEdit) {
      markShapeDirty(pendingEdit.id);
      pendingEdit = null;
    }
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
    else if (mode === 'draw-rectangle') cursor = 'crosshair';
    else if (gesture.kind === 'resizing') cursor = HANDLE_CURSORS[gesture.handle];
    else if (gesture.kind === 'moving') cursor = 'move';
    else if (world) {
      const handle = handleUnder(world);
      if (handle) cursor = HANDLE_CURSORS[handle];
      else if (hoveredId !== null) cursor = hoveredId === selectedId ? 'move' : 'pointer';
    }
    if (wrapper.style.cursor !== cursor) wrapper.style.cursor = cursor;
  }

  // ---------- input ----------
  function screenPointOf(e: { clientX: number; clientY: number }): Point {
    const r = wrapper.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  function cancel(): void {
    if (drawState.phase !== 'idle') {
      drawState = initialDrawRectangleState();
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
    if (e.button !== 0) return;
    wrapper.setPointerCapture(e.pointerId);
    if (mode === 'draw-rectangle') {
      drawState = drawRectanglePointerDown(drawState, world, screen, imageSize);
      markOverlay();
      return;
    }
    const hit = hitTestItem(world);
    const selected = selectedId !== null ? (index.get(selectedId)?.shape ?? null) : null;
    gesture = beginSelectGesture(
      { handle: handleUnder(world), selected, hit: hit?.shape ?? null },
      world,
      screen,
    );
    // Selecting on press lets a drag move an object that was not selected yet.
    if (gesture.kind === 'press-shape') setSelectedInternal(gesture.id, true);
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
    if (mode === 'draw-rectangle') {
      drawState = drawRectanglePointerMove(drawState, world, screen, imageSize, {
        ...DEFAULT_DRAW_RECTANGLE_OPTIONS,
        dragThreshold,
      });
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
    gesture = updateSelectGesture(gesture, world, screen, imageSize, dragThreshold);
    if (gesture.kind === 'panning') {
      const last = gesture.lastScreen;
      gesture = { kind: 'panning', lastScreen: screen };
      applyViewport(panBy(vp, screen.x - last.x, screen.y - last.y), true);
    } else if (gesture.kind === 'moving' || gesture.kind === 'resizing') {
      // The shape leaves the objects layer while the overlay shows it being dragged.
      if (before !== gesture.kind) markShapeDirty(gesture.id);
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
    if (mode === 'draw-rectangle') {
      if (e.button !== 0) return;
      const step = drawRectanglePointerUp(drawState, world, imageSize, {
        ...DEFAULT_DRAW_RECTANGLE_OPTIONS,
        dragThreshold,
      });
      drawState = step.state;
      markOverlay();
      if (step.kind === 'finished') emitter.emit('drawn', { type: 'rectangle', points: step.points });
      return;
    }
    const ended = gesture;
    const outcome = endSelectGesture(ended);
    gesture = { kind: 'idle' };
    if (outcome.kind === 'deselect') setSelectedInternal(null, true);
    else if (outcome.kind === 'select') setSelectedInternal(outcome.id, true);
    else if (outcome.kind === 'edited') {
      const item = index.get(outcome.id);
      pendingEdit = { id: outcome.id, points: outcome.points };
      if (item) emitter.emit('edited', { id: outcome.id, type: item.shape.type, points: outcome.points });
    } else if (ended.kind === 'moving' || ended.kind === 'resizing') {
      // No change: put the shape back on the objects layer.
      markShapeDirty(ended.id);
    }
    markOverlay();
    updateCursor(world);
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
    if (pan || gesture.kind !== 'idle' || drawState.phase === 'pressed' || drawState.phase === 'dragging')
      return;
    pointerScreen = null;
    setHovered(null);
    emitter.emit('cursor', null);
    markOverlay();
  }

  function onWheel(e: WheelEvent): void {
    e.preventDefault();
    applyViewport(zoomAt(vp, screenPointOf(e), wheelZoomFactor(e.deltaY, e.deltaMode), limits), true);
  }

  function isEditableTarget(target: EventTarget | null): boolean {
    if (!(target instanceof HTMLElement)) return false;
    return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
  }

  function onKeyDown(e: KeyboardEvent): void {
    if (isEditableTarget(e.target)) return;
    if (e.key === 'Escape') {
      if (drawState.phase !== 'idle' || selectGesturePreview(gesture)) cancel();
    } else if (e.code === 'Space' && pointerInside && spacePan) {
      e.preventDefault();
      if (!spaceHeld) {
        spaceHeld = true;
        updateCursor(null);
      }
    }
  }

  function onKeyUp(e: KeyboardEvent): void {
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
    if (mode === 'draw-rectangle' && drawState.phase !== 'idle') e.preventDefault();
  }

  wrapper.addEventListener('pointerdown', onPointerDown);
  wrapper.addEventListener('pointermove', onPointerMove);
  wrapper.addEventListener('pointerup', onPointerUp);
  wrapper.addEventListener('pointercancel', onPointerCancel);
  wrapper.addEventListener('pointerenter', onPointerEnter);
  wrapper.addEventListener('pointerleave', onPointerLeave);
  wrapper.addEventListener('wheel', onWheel, { passive: false });
  wrapper.addEventListener('contextmenu', onContextMenu);
  window.addEventListener('keydown', onKeyDown);
  window.addEventListener('keyup', onKeyUp);
  window.addEventListener('blur', onBlur);

  syncAttributes();
  schedule();

  // ---------- public API ----------
  return {
    setImage(source, opts) {
      const size = source ? { width: source.width, height: source.height } : null;
      const sizeChanged = size?.width !== imageSize?.width || size?.height !== imageSize?.height;
      image = source;
      imageSize = size;
      needImage = true;
      schedule();
      if (opts?.fit ?? (sizeChanged || autoFit)) fit();
    },

    setObjects(objects, labels, objectsView) {
      const shapes: Shape[] = [];
      for (const o of objects) if (o.kind === 'shape') shapes.push(o);
      const nextColors = labelColors(labels);
      const colorsChanged =
        nextColors.size !== colors.size || [...nextColors].some(([id, c]) => colors.get(id) !== c);
      colors = nextColors;
      const nextHidden = objectsView?.hidden ?? new Set<Id>();
      const hiddenChanged = nextHidden.size !== hidden.size || [...nextHidden].some((id) => !hidden.has(id));
      hidden = nextHidden;
      const change = index.sync(shapes);
      // The app has answered the last edit (applied or not): stop showing it in place of the shape.
      if (pendingEdit) {
        markShapeDirty(pendingEdit.id);
        pendingEdit = null;
      }
      markObjects(hiddenChanged || colorsChanged ? { kind: 'all' } : change);
      if (hoveredId !== null && !index.get(hoveredId)) setHovered(null);
      markOverlay();
    },

    setMode(next) {
      if (next === mode) return;
      cancel();
      mode = next;
      if (mode !== 'select') setHovered(null);
      syncAttributes();
      markOverlay();
      updateCursor(null);
    },

    getMode: () => mode,

    setSelected(id) {
      setSelectedInternal(id, false);
    },

    getSelected: () => selectedId,

    setStyle(next) {
      style = { ...style, ...next };
      markObjects({ kind: 'all' });
      markOverlay();
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
      wrapper.removeEventListener('contextmenu', onContextMenu);
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
      wrapper.remove();
      delete container.dataset.scale;
      delete container.dataset.mode;
      delete container.dataset.selected;
      emitter.clear();
      index.clear();
    },
  };
}
