import type { Id, ShapeType } from '../../core/types';
import type { Point, Size } from '../geometry';

/** One pointer or key event as a drawing tool sees it. */
export interface ToolInput {
  /** Image coordinates. */
  world: Point;
  /** CSS pixels from the canvas' top-left. */
  screen: Point;
  button: number;
  shift: boolean;
  alt: boolean;
  ctrl: boolean;
  image: Size | null;
  /** View scale, screen pixels per image pixel. */
  scale: number;
  /** Automatic bordering: where a placed point snaps to, when enabled. */
  snap?: (p: Point) => Point;
  /**
   * Automatic bordering: the vertices of the neighbour outline both points lie on, in order from
   * `a` to `b` (the shorter way round), or none.
   */
  traceBorder?: (a: Point, b: Point) => number[];
}

export interface DrawnElement {
  label_id: Id;
  points: [number, number];
  outside: boolean;
  occluded: boolean;
}

/** A finished drawing in CVAT's encodings (see `Shape` in core/types). */
export interface DrawnGeometry {
  type: ShapeType;
  points: number[];
  /** Degrees, clockwise (rectangles and ellipses). */
  rotation?: number;
  /** Skeleton keypoints. */
  elements?: DrawnElement[];
}

export type ToolStep =
  { kind: 'continue' } | { kind: 'finished'; shape: DrawnGeometry } | { kind: 'rejected' };

/** What the overlay shows while drawing. */
export interface DrawPreview {
  /** The shape as it would be if finished now. */
  shape: DrawnGeometry | null;
  /** Placed vertices, drawn as handles. */
  vertices: number[];
  /** The line from the last vertex to the pointer, flat. */
  rubber: number[] | null;
  /** Skeleton edges between `shape.elements`, as sublabel id pairs. */
  edges?: [Id, Id][];
}

/**
 * A drawing tool: a small state machine the engine feeds with pointer and key input. It never
 * touches the DOM, so tests drive it directly.
 */
export interface DrawTool {
  /** True once the user has started a shape (Escape then cancels it rather than the tool). */
  readonly busy: boolean;
  down(input: ToolInput): ToolStep;
  move(input: ToolInput): void;
  up(input: ToolInput): ToolStep;
  /** A key while drawing; null when the tool does not use it. */
  key(key: string, input: ToolInput): ToolStep | null;
  /** A double click: polyshape tools finish on it. */
  doubleClick?(input: ToolInput): ToolStep;
  preview(): DrawPreview | null;
  reset(): void;
}

export const CONTINUE: ToolStep = { kind: 'continue' };
export const REJECTED: ToolStep = { kind: 'rejected' };

export function finished(shape: DrawnGeometry): ToolStep {
  return { kind: 'finished', shape };
}

export function isFinishKey(key: string): boolean {
  return key === 'Enter' || key === 'n' || key === 'N';
}
