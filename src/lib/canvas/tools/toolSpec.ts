import type { Id } from '../../core/types';
import type { SkeletonTemplate } from '../skeletonTemplate';
import { createCuboidTool, createEllipseTool, createRectangleTool, createSkeletonTool } from './drawBox';
import { createExtremePointsTool } from './drawExtremePoints';
import { createPolyshapeTool } from './drawPolyshape';
import type { DrawTool } from './drawTool';

/** What the canvas does with the primary button: select and edit, or draw one kind of shape. */
export type ToolSpec = { kind: 'select' } | DrawToolSpec;

export type DrawToolSpec = (
  | { kind: 'rectangle'; method?: 'two-points' | 'four-points' }
  | { kind: 'polygon' | 'polyline' | 'points'; numberOfPoints?: number }
  | { kind: 'ellipse' }
  | { kind: 'cuboid' }
  | { kind: 'skeleton'; template: SkeletonTemplate }
) & {
  /** Redraw this object: the result is emitted as `redrawn` with its id instead of `drawn`. */
  redraw?: Id;
};

export function createDrawTool(spec: DrawToolSpec): DrawTool {
  switch (spec.kind) {
    case 'rectangle':
      return spec.method === 'four-points' ? createExtremePointsTool() : createRectangleTool();
    case 'polygon':
    case 'polyline':
    case 'points':
      return createPolyshapeTool({ type: spec.kind, numberOfPoints: spec.numberOfPoints });
    case 'ellipse':
      return createEllipseTool();
    case 'cuboid':
      return createCuboidTool();
    case 'skeleton':
      return createSkeletonTool(spec.template);
  }
}
