import { clamp, type Box, type Point, type Size } from './geometry';

/** `screen = world * scale + (tx, ty)`; screen is CSS pixels from the container's top-left. */
export interface Viewport {
  scale: number;
  tx: number;
  ty: number;
}

export interface ScaleLimits {
  minScale: number;
  maxScale: number;
}

export const DEFAULT_SCALE_LIMITS: ScaleLimits = { minScale: 0.05, maxScale: 50 };

export const IDENTITY_VIEWPORT: Viewport = { scale: 1, tx: 0, ty: 0 };

export function worldToScreen(vp: Viewport, p: Point): Point {
  return { x: p.x * vp.scale + vp.tx, y: p.y * vp.scale + vp.ty };
}

export function screenToWorld(vp: Viewport, p: Point): Point {
  return { x: (p.x - vp.tx) / vp.scale, y: (p.y - vp.ty) / vp.scale };
}

export function clampScale(scale: number, limits: ScaleLimits = DEFAULT_SCALE_LIMITS): number {
  return clamp(scale, limits.minScale, limits.maxScale);
}

/** The whole image centred in the view, `margin` CSS pixels clear of every edge when possible. */
export function fitViewport(
  image: Size,
  view: Size,
  margin = 16,
  limits: ScaleLimits = DEFAULT_SCALE_LIMITS,
): Viewport {
  if (image.width <= 0 || image.height <= 0 || view.width <= 0 || view.height <= 0) {
    return { ...IDENTITY_VIEWPORT };
  }
  const availW = Math.max(1, view.width - 2 * margin);
  const availH = Math.max(1, view.height - 2 * margin);
  const scale = clampScale(Math.min(availW / image.width, availH / image.height), limits);
  return {
    scale,
    tx: (view.width - image.width * scale) / 2,
    ty: (view.height - image.height * scale) / 2,
  };
}

/** Zooms by `factor` keeping the world point under `screenPoint` fixed; the scale is clamped. */
export function zoomAt(
  vp: Viewport,
  screenPoint: Point,
  factor: number,
  limits: ScaleLimits = DEFAULT_SCALE_LIMITS,
): Viewport {
  const scale = clampScale(vp.scale * factor, limits);
  const anchor = screenToWorld(vp, screenPoint);
  return { scale, tx: screenPoint.x - anchor.x * scale, ty: screenPoint.y - anchor.y * scale };
}

export function panBy(vp: Viewport, dx: number, dy: number): Viewport {
  return { scale: vp.scale, tx: vp.tx + dx, ty: vp.ty + dy };
}

/** The world box currently on screen. */
export function visibleWorldBox(vp: Viewport, view: Size): Box {
  const a = screenToWorld(vp, { x: 0, y: 0 });
  const b = screenToWorld(vp, { x: view.width, y: view.height });
  return { minX: a.x, minY: a.y, maxX: b.x, maxY: b.y };
}

/** Zoom factor for one wheel event; `deltaMode` 1 is lines, 2 is pages (DOM WheelEvent). */
export function wheelZoomFactor(deltaY: number, deltaMode = 0): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 800 : deltaY;
  return Math.exp(-clamp(px, -400, 400) * 0.0015);
}

/**
 * The similarity that carries what was drawn under `from` to where it belongs under `to`:
 * `screen_to = screen_from * k + (dx, dy)`. Used to move a cached layer during pan and zoom.
 */
export function relativeTransform(from: Viewport, to: Viewport): { k: number; dx: number; dy: number } {
  const k = to.scale / from.scale;
  return { k, dx: to.tx - from.tx * k, dy: to.ty - from.ty * k };
}

/**
 * The view centred on a box of the image, which fills the view with `margin` image pixels
 * around it (CVAT's zoom to the active object in attribute annotation mode). The scale is
 * clamped; a degenerate box (a point) is shown at the largest scale the margin allows.
 */
export function boxViewport(
  box: Box,
  view: Size,
  margin = 0,
  limits: ScaleLimits = DEFAULT_SCALE_LIMITS,
): Viewport {
  const width = Math.max(box.maxX - box.minX + 2 * margin, 1e-6);
  const height = Math.max(box.maxY - box.minY + 2 * margin, 1e-6);
  if (view.width <= 0 || view.height <= 0) return { ...IDENTITY_VIEWPORT };
  const scale = clampScale(Math.min(view.width / width, view.height / height), limits);
  const cx = (box.minX + box.maxX) / 2;
  const cy = (box.minY + box.maxY) / 2;
  return { scale, tx: view.width / 2 - cx * scale, ty: view.height / 2 - cy * scale };
}

export function sameViewport(a: Viewport, b: Viewport): boolean {
  return a.scale === b.scale && a.tx === b.tx && a.ty === b.ty;
}
