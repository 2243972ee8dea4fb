import type { Point } from './geometry';
import type { Viewport } from './viewport';

/** What an external tool sees of the canvas when it gets an event or draws. */
export interface ToolView {
  viewport: Viewport;
  imageWidth: number;
  imageHeight: number;
  worldToScreen(p: Point): Point;
  screenToWorld(p: Point): Point;
}

/**
 * A tool that lives outside the engine (brush, eraser, interactors). While one is set on the
 * engine it receives the primary-button pointer events; middle-button pan and wheel zoom still
 * belong to the engine.
 */
export interface ExternalTool {
  /** World (image) coordinates; return true when the tool consumed the event. */
  pointerDown(p: Point, e: PointerEvent, view: ToolView): boolean;
  pointerMove(p: Point, e: PointerEvent, view: ToolView): void;
  pointerUp(p: Point, e: PointerEvent, view: ToolView): void;
  keyDown?(e: KeyboardEvent, view: ToolView): boolean;
  /** Draw on the overlay layer; ctx is already in CSS pixels (DPR applied), untransformed. */
  drawOverlay(ctx: CanvasRenderingContext2D, view: ToolView): void;
  cancel(): void;
}
