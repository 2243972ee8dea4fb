import type { Id, Shape, SkeletonElement } from '../../core/types';
import { moveCuboidFace, moveCuboidVertex, moveCuboidVertexFree, type CuboidFace } from '../cuboid';
import {
  centredBox,
  clampPointToImage,
  isTranslatable,
  shapeBounds,
  translateWithin,
  type Box,
  type Point,
  type RectPoints,
  type Size,
} from '../geometry';
import { resizeRotatedRect, type Handle } from '../handles';
import { rotationFromHandle } from '../rotation';
import { insertVertex, minVertices, moveVertex, removeVertex } from '../vertexEdit';

/**
 * A pointer gesture in select mode, from press to release. Pure state: the engine hit-tests,
 * feeds points in, shows `preview`, and acts on the outcome of `endSelectGesture`.
 */
export type SelectGesture =
  | { kind: 'idle' }
  /** Pressed on empty space: a click deselects, a drag pans. */
  | { kind: 'press-empty'; pressScreen: Point }
  | { kind: 'panning'; lastScreen: Point }
  /** Pressed on a shape: a click selects it, a drag moves it (unless pinned or locked). */
  | { kind: 'press-shape'; id: Id; pressScreen: Point; pressWorld: Point; shape: Shape; movable: boolean }
  | {
      kind: 'moving';
      id: Id;
      pressWorld: Point;
      original: readonly number[];
      bounds: Box;
      preview: number[];
      elements?: readonly SkeletonElement[];
      previewElements?: SkeletonElement[];
    }
  /** Resizing with a handle; `rotation` is the shape's, kept, the box being its unrotated frame. */
  | {
      kind: 'resizing';
      id: Id;
      handle: Handle;
      original: RectPoints;
      preview: RectPoints;
      ellipse: boolean;
      rotation: number;
    }
  | { kind: 'rotating'; id: Id; center: Point; original: number; preview: number; points: readonly number[] }
  /** Dragging one vertex of a polygon, polyline, point set or cuboid. */
  | {
      kind: 'vertex';
      id: Id;
      index: number;
      cuboid: boolean;
      /** Cuboids with Shift: the corner moves on its own (perspective). */
      perspective?: boolean;
      original: readonly number[];
      preview: number[];
      changed: boolean;
    }
  /** Dragging a face of a cuboid. */
  | {
      kind: 'cuboid-face';
      id: Id;
      face: CuboidFace;
      pressWorld: Point;
      original: readonly number[];
      preview: number[];
    }
  /** Dragging one keypoint of a skeleton. */
  | {
      kind: 'keypoint';
      id: Id;
      index: number;
      original: readonly SkeletonElement[];
      preview: SkeletonElement[];
    }
  /** A vertex removed by Alt+click, reported on release. */
  | { kind: 'vertex-removed'; id: Id; points: number[] };

export type SelectOutcome =
  | { kind: 'none' }
  | { kind: 'select'; id: Id }
  | { kind: 'deselect' }
  | { kind: 'edited'; id: Id; points: number[]; rotation?: number; elements?: SkeletonElement[] };

/** A control of the selected shape under the pointer. */
export type Grip =
  | { kind: 'rotate' }
  | { kind: 'vertex'; index: number }
  | { kind: 'midpoint'; edge: number }
  | { kind: 'cuboid-face'; face: CuboidFace }
  | { kind: 'keypoint'; index: number };

export interface PressTarget {
  /** The selected shape's resize handle under the pointer, if any. */
  handle: Handle | null;
  /** Another control of the selected shape under the pointer. */
  grip?: Grip | null;
  /** The selected shape (needed to resize and edit). */
  selected: Shape | null;
  /** The topmost shape under the pointer. */
  hit: Shape | null;
  /** Locked objects are not editable; pinned ones cannot be moved. */
  locked?: (id: Id) => boolean;
  pinned?: (id: Id) => boolean;
  /** Alt was held: a vertex press deletes the vertex. */
  alt?: boolean;
  /** Shift was held: rotation snaps to 15°; a cuboid's corner moves on its own (perspective). */
  shift?: boolean;
}

/** Rectangles and ellipses, rotated or not, can be resized with the eight handles. */
export function isResizable(shape: Shape): shape is Shape & { type: 'rectangle' | 'ellipse' } {
  return shape.type === 'rectangle' || shape.type === 'ellipse';
}

export function isRotatable(shape: Shape): boolean {
  return shape.type === 'rectangle' || shape.type === 'ellipse';
}

/** The handle box of a resizable shape: the rectangle itself, or the ellipse's bounding box. */
export function resizeBox(shape: Shape): RectPoints | null {
  if (shape.type === 'rectangle') return [...shape.points];
  if (shape.type === 'ellipse') {
    const b = centredBox(shape);
    return b ? [b.cx - b.hw, b.cy - b.hh, b.cx + b.hw, b.cy + b.hh] : null;
  }
  return null;
}

function ellipseFromBox([xtl, ytl, xbr, ybr]: RectPoints): number[] {
  const cx = (xtl + xbr) / 2;
  const cy = (ytl + ybr) / 2;
  return [cx, cy, xbr, ytl];
}

export function beginSelectGesture(target: PressTarget, world: Point, screen: Point): SelectGesture {
  const sel = target.selected;
  const editable = sel !== null && !(target.locked?.(sel.id) ?? false);
  if (sel && editable && target.grip) {
    const g = target.grip;
    if (g.kind === 'rotate' && isRotatable(sel)) {
      const b = centredBox(sel);
      if (b) {
        const center = { x: b.cx, y: b.cy };
        return {
          kind: 'rotating',
          id: sel.id,
          center,
          original: sel.rotation,
          preview: sel.rotation,
          points: [...sel.points],
        };
      }
    }
    if (g.kind === 'vertex' && (sel.type === 'polygon' || sel.type === 'polyline' || sel.type === 'points')) {
      if (target.alt) {
        const points = removeVertex(sel.points, g.index, minVertices(sel.type));
        if (points) return { kind: 'vertex-removed', id: sel.id, points };
      } else {
        const pts = [...sel.points];
        return {
          kind: 'vertex',
          id: sel.id,
          index: g.index,
          cuboid: false,
          original: pts,
          preview: pts,
          changed: false,
        };
      }
    }
    if (g.kind === 'vertex' && sel.type === 'cuboid') {
      const pts = [...sel.points];
      return {
        kind: 'vertex',
        id: sel.id,
        index: g.index,
        cuboid: true,
        perspective: (target.shift ?? false) && g.index >= 4,
        original: pts,
        preview: pts,
        changed: false,
      };
    }
    if (g.kind === 'cuboid-face' && sel.type === 'cuboid') {
      const pts = [...sel.points];
      return {
        kind: 'cuboid-face',
        id: sel.id,
        face: g.face,
        pressWorld: world,
        original: pts,
        preview: pts,
      };
    }
    if (g.kind === 'midpoint' && (sel.type === 'polygon' || sel.type === 'polyline')) {
      const original = [...sel.points];
      const preview = insertVertex(original, g.edge, world);
      return {
        kind: 'vertex',
        id: sel.id,
        index: g.edge + 1,
        cuboid: false,
        original,
        preview,
        changed: true,
      };
    }
    if (g.kind === 'keypoint' && sel.type === 'skeleton') {
      const original = sel.elements;
      return { kind: 'keypoint', id: sel.id, index: g.index, original, preview: [...original] };
    }
  }
  if (target.handle && sel && editable && isResizable(sel)) {
    const original = resizeBox(sel);
    if (original) {
      return {
        kind: 'resizing',
        id: sel.id,
        handle: target.handle,
        original,
        preview: original,
        ellipse: sel.type === 'ellipse',
        rotation: sel.rotation,
      };
    }
  }
  if (target.hit) {
    const id = target.hit.id;
    return {
      kind: 'press-shape',
      id,
      pressScreen: screen,
      pressWorld: world,
      shape: target.hit,
      movable: !(target.locked?.(id) ?? false) && !(target.pinned?.(id) ?? false),
    };
  }
  return { kind: 'press-empty', pressScreen: screen };
}

export interface GestureModifiers {
  /** Shift: rotation snaps to multiples of 15°. */
  shift?: boolean;
}

export function updateSelectGesture(
  g: SelectGesture,
  world: Point,
  screen: Point,
  image: Size | null,
  dragThreshold = 4,
  modifiers: GestureModifiers = {},
): SelectGesture {
  const clampP = (p: Point): Point => (image ? clampPointToImage(p, image) : p);
  switch (g.kind) {
    case 'idle':
    case 'panning':
    case 'vertex-removed':
      return g;
    case 'press-empty':
      return distance(screen, g.pressScreen) >= dragThreshold
        ? { kind: 'panning', lastScreen: g.pressScreen }
        : g;
    case 'press-shape': {
      if (distance(screen, g.pressScreen) < dragThreshold || !g.movable) return g;
      const moving = startMove(g.id, g.shape, g.pressWorld);
      return moving ? updateSelectGesture(moving, world, screen, image, dragThreshold) : g;
    }
    case 'moving': {
      const dx = world.x - g.pressWorld.x;
      const dy = world.y - g.pressWorld.y;
      if (g.elements) {
        // Skeletons: the shift is computed on the keypoints' bounds, then applied to each.
        const flat = g.elements.flatMap((e) => e.points);
        const moved = translateWithin(flat, g.bounds, dx, dy, image);
        const previewElements = g.elements.map((e, i) => ({
          ...e,
          points: [moved[2 * i] ?? e.points[0], moved[2 * i + 1] ?? e.points[1]] as [number, number],
        }));
        return { ...g, preview: [], previewElements };
      }
      return { ...g, preview: translateWithin(g.original, g.bounds, dx, dy, image) };
    }
    case 'resizing': {
      // A rotated box is not kept inside the image (its corners are not its points).
      const p = g.rotation === 0 ? clampP(world) : world;
      return { ...g, preview: resizeRotatedRect(g.original, g.rotation, g.handle, p) };
    }
    case 'rotating':
      return { ...g, preview: rotationFromHandle(g.center, world, modifiers.shift ?? false) };
    case 'vertex': {
      const p = clampP(world);
      const preview = !g.cuboid
        ? moveVertex(g.preview, g.index, p)
        : g.perspective
          ? moveCuboidVertexFree(g.original, g.index, p)
          : moveCuboidVertex(g.original, g.index, p);
      return { ...g, preview, changed: true };
    }
    case 'cuboid-face': {
      const p = clampP(world);
      const delta = { x: p.x - g.pressWorld.x, y: p.y - g.pressWorld.y };
      return { ...g, preview: moveCuboidFace(g.original, g.face, delta) };
    }
    case 'keypoint': {
      const p = clampP(world);
      const preview = g.original.map((e, i) =>
        i === g.index ? { ...e, points: [p.x, p.y] as [number, number] } : e,
      );
      return { ...g, preview };
    }
  }
}

function startMove(id: Id, shape: Shape, pressWorld: Point): SelectGesture | null {
  const bounds = shapeBounds(shape);
  if (!bounds) return null;
  if (shape.type === 'skeleton') {
    return {
      kind: 'moving',
      id,
      pressWorld,
      original: [],
      bounds,
      preview: [],
      elements: shape.elements,
      previewElements: [...shape.elements],
    };
  }
  if (!isTranslatable(shape)) return null;
  return { kind: 'moving', id, pressWorld, original: shape.points, bounds, preview: [...shape.points] };
}

export function endSelectGesture(g: SelectGesture, minSize = 1): SelectOutcome {
  switch (g.kind) {
    case 'press-empty':
      return { kind: 'deselect' };
    case 'press-shape':
      return { kind: 'select', id: g.id };
    case 'moving':
      if (g.elements && g.previewElements) {
        const same = g.elements.every((e, i) => samePoints(e.points, g.previewElements?.[i]?.points ?? []));
        return same
          ? { kind: 'none' }
          : { kind: 'edited', id: g.id, points: [], elements: g.previewElements };
      }
      return samePoints(g.preview, g.original)
        ? { kind: 'none' }
        : { kind: 'edited', id: g.id, points: g.preview };
    case 'resizing': {
      const [xtl, ytl, xbr, ybr] = g.preview;
      if (xbr - xtl < minSize || ybr - ytl < minSize || samePoints(g.preview, g.original))
        return { kind: 'none' };
      const points = g.ellipse ? ellipseFromBox(g.preview) : [...g.preview];
      return g.rotation === 0
        ? { kind: 'edited', id: g.id, points }
        : { kind: 'edited', id: g.id, points, rotation: g.rotation };
    }
    case 'rotating':
      return g.preview === g.original
        ? { kind: 'none' }
        : { kind: 'edited', id: g.id, points: [...g.points], rotation: g.preview };
    case 'vertex':
      return g.changed && !samePoints(g.preview, g.original)
        ? { kind: 'edited', id: g.id, points: g.preview }
        : { kind: 'none' };
    case 'cuboid-face':
      return samePoints(g.preview, g.original)
        ? { kind: 'none' }
        : { kind: 'edited', id: g.id, points: g.preview };
    case 'keypoint':
      return g.preview.every((e, i) => e === g.original[i])
        ? { kind: 'none' }
        : { kind: 'edited', id: g.id, points: [], elements: g.preview };
    case 'vertex-removed':
      return { kind: 'edited', id: g.id, points: g.points };
    case 'idle':
    case 'panning':
      return { kind: 'none' };
  }
}

export interface GesturePreview {
  id: Id;
  points: readonly number[];
  rotation?: number;
  elements?: readonly SkeletonElement[];
}

/** What to draw in place of the shape being edited, or null when nothing is being edited. */
export function selectGesturePreview(g: SelectGesture): GesturePreview | null {
  switch (g.kind) {
    case 'moving':
      return g.previewElements
        ? { id: g.id, points: [], elements: g.previewElements }
        : { id: g.id, points: g.preview };
    case 'resizing':
      return { id: g.id, points: g.ellipse ? ellipseFromBox(g.preview) : g.preview };
    case 'rotating':
      return { id: g.id, points: g.points, rotation: g.preview };
    case 'vertex':
    case 'cuboid-face':
      return { id: g.id, points: g.preview };
    case 'keypoint':
      return { id: g.id, points: [], elements: g.preview };
    default:
      return null;
  }
}

/** The shape with a gesture preview applied. */
export function applyPreview(shape: Shape, preview: GesturePreview): Shape {
  if (shape.type === 'skeleton')
    return preview.elements ? { ...shape, elements: [...preview.elements] } : shape;
  return {
    ...shape,
    points: [...preview.points],
    rotation: preview.rotation ?? shape.rotation,
  } as Shape;
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function samePoints(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
