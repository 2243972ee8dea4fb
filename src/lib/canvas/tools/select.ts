import type { Id, Shape } from '../../core/types';
import {
  clampPointToImage,
  isTranslatable,
  shapeBounds,
  translateWithin,
  type Box,
  type Point,
  type RectPoints,
  type Size,
} from '../geometry';
import { resizeRect, type Handle } from '../handles';

/**
 * A pointer gesture in select mode, from press to release. Pure state: the engine hit-tests,
 * feeds points in, shows `preview`, and acts on the outcome of `endSelectGesture`.
 */
export type SelectGesture =
  | { kind: 'idle' }
  /** Pressed on empty space: a click deselects, a drag pans. */
  | { kind: 'press-empty'; pressScreen: Point }
  | { kind: 'panning'; lastScreen: Point }
  /** Pressed on a shape: a click selects it, a drag moves it. */
  | { kind: 'press-shape'; id: Id; pressScreen: Point; pressWorld: Point; shape: Shape }
  | { kind: 'moving'; id: Id; pressWorld: Point; original: readonly number[]; bounds: Box; preview: number[] }
  | { kind: 'resizing'; id: Id; handle: Handle; original: RectPoints; preview: RectPoints };

export type SelectOutcome =
  | { kind: 'none' }
  | { kind: 'select'; id: Id }
  | { kind: 'deselect' }
  | { kind: 'edited'; id: Id; points: number[] };

export interface PressTarget {
  /** The selected shape's handle under the pointer, if any. */
  handle: Handle | null;
  /** The selected shape (needed to resize). */
  selected: Shape | null;
  /** The topmost shape under the pointer. */
  hit: Shape | null;
}

/** Rectangles that can be resized with handles: rotation is not handled by the resize math. */
export function isResizable(shape: Shape): shape is Shape & { type: 'rectangle' } {
  return shape.type === 'rectangle' && shape.rotation % 360 === 0;
}

export function beginSelectGesture(target: PressTarget, world: Point, screen: Point): SelectGesture {
  if (target.handle && target.selected && isResizable(target.selected)) {
    const original = [...target.selected.points] as RectPoints;
    return { kind: 'resizing', id: target.selected.id, handle: target.handle, original, preview: original };
  }
  if (target.hit) {
    return {
      kind: 'press-shape',
      id: target.hit.id,
      pressScreen: screen,
      pressWorld: world,
      shape: target.hit,
    };
  }
  return { kind: 'press-empty', pressScreen: screen };
}

export function updateSelectGesture(
  g: SelectGesture,
  world: Point,
  screen: Point,
  image: Size | null,
  dragThreshold = 4,
): SelectGesture {
  switch (g.kind) {
    case 'idle':
    case 'panning':
      return g;
    case 'press-empty':
      return distance(screen, g.pressScreen) >= dragThreshold
        ? { kind: 'panning', lastScreen: g.pressScreen }
        : g;
    case 'press-shape': {
      if (distance(screen, g.pressScreen) < dragThreshold || !isTranslatable(g.shape)) return g;
      const bounds = shapeBounds(g.shape);
      if (!bounds) return g;
      const moving: SelectGesture = {
        kind: 'moving',
        id: g.id,
        pressWorld: g.pressWorld,
        original: g.shape.points,
        bounds,
        preview: [...g.shape.points],
      };
      return updateSelectGesture(moving, world, screen, image, dragThreshold);
    }
    case 'moving': {
      const dx = world.x - g.pressWorld.x;
      const dy = world.y - g.pressWorld.y;
      return { ...g, preview: translateWithin(g.original, g.bounds, dx, dy, image) };
    }
    case 'resizing': {
      const p = image ? clampPointToImage(world, image) : world;
      return { ...g, preview: resizeRect(g.original, g.handle, p) };
    }
  }
}

export function endSelectGesture(g: SelectGesture, minSize = 1): SelectOutcome {
  switch (g.kind) {
    case 'press-empty':
      return { kind: 'deselect' };
    case 'press-shape':
      return { kind: 'select', id: g.id };
    case 'moving':
      return samePoints(g.preview, g.original)
        ? { kind: 'none' }
        : { kind: 'edited', id: g.id, points: g.preview };
    case 'resizing': {
      const [xtl, ytl, xbr, ybr] = g.preview;
      if (xbr - xtl < minSize || ybr - ytl < minSize || samePoints(g.preview, g.original))
        return { kind: 'none' };
      return { kind: 'edited', id: g.id, points: [...g.preview] };
    }
    case 'idle':
    case 'panning':
      return { kind: 'none' };
  }
}

/** The points to draw in place of the shape being edited, or null when nothing is being edited. */
export function selectGesturePreview(g: SelectGesture): { id: Id; points: readonly number[] } | null {
  if (g.kind === 'moving' || g.kind === 'resizing') return { id: g.id, points: g.preview };
  return null;
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function samePoints(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
