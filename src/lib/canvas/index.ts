export {
  createCanvasEngine,
  type CanvasEngine,
  type CanvasEngineOptions,
  type CanvasEvents,
  type CanvasImage,
  type CanvasMode,
  type DrawnShape,
  type EditedShape,
  type ObjectsView,
} from './engine';
export { createEmitter, type Emitter, type Listener } from './emitter';
export type { Box, Point, RectPoints, Size } from './geometry';
export { HANDLES, type Handle } from './handles';
export { DEFAULT_STYLE, shapeRenderers, type CanvasStyle, type ShapeRenderer } from './renderer';
export { ShapeIndex } from './spatialIndex';
export {
  DEFAULT_SCALE_LIMITS,
  fitViewport,
  screenToWorld,
  worldToScreen,
  zoomAt,
  type ScaleLimits,
  type Viewport,
} from './viewport';
