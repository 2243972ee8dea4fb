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
  type OverlayDrawer,
} from './engine';
export { createEmitter, type Emitter, type Listener } from './emitter';
export type { ExternalTool, ToolView } from './externalTool';
export type { Box, Point, RectPoints, Size } from './geometry';
export { HANDLES, type Handle } from './handles';
export { stableColor, type ColorBy } from './appearance';
export { DEFAULT_STYLE, shapeRenderers, type CanvasStyle, type ShapeRenderer } from './renderer';
export { parseSkeletonSvg, templateOfLabel, type SkeletonTemplate } from './skeletonTemplate';
export { ShapeIndex } from './spatialIndex';
export type { DrawToolSpec, ToolSpec } from './tools/toolSpec';
export type { DrawnElement } from './tools/drawTool';
export {
  boxViewport,
  DEFAULT_SCALE_LIMITS,
  fitViewport,
  screenToWorld,
  worldToScreen,
  zoomAt,
  type ScaleLimits,
  type Viewport,
} from './viewport';
export { resetCuboidPerspective } from './cuboid';
