/** The drawing tools of the annotation view, in toolbar order, with what CVAT calls them. */
export type ToolKind =
  | 'select'
  | 'rectangle'
  | 'polygon'
  | 'polyline'
  | 'points'
  | 'ellipse'
  | 'cuboid'
  | 'skeleton'
  | 'mask'
  | 'tag';

import type { IconName } from '$lib/ui/Icon.svelte';

export interface ToolButton {
  kind: ToolKind;
  title: string;
  icon: IconName;
}

export const TOOL_BUTTONS: readonly ToolButton[] = [
  { kind: 'select', title: 'Select and edit (Esc)', icon: 'select' },
  { kind: 'rectangle', title: 'Draw a rectangle', icon: 'rectangle' },
  { kind: 'polygon', title: 'Draw a polygon', icon: 'polygon' },
  { kind: 'polyline', title: 'Draw a polyline', icon: 'polyline' },
  { kind: 'points', title: 'Draw points', icon: 'points' },
  { kind: 'ellipse', title: 'Draw an ellipse', icon: 'ellipse' },
  { kind: 'cuboid', title: 'Draw a cuboid', icon: 'cuboid' },
  { kind: 'skeleton', title: 'Draw a skeleton', icon: 'skeleton' },
  { kind: 'mask', title: 'Draw a mask with the brush', icon: 'mask' },
  { kind: 'tag', title: 'Add a tag to the frame', icon: 'tag' },
];

/** Label types a tool may draw: a label of type `any` suits every shape, as in CVAT. */
export function labelFitsTool(labelType: string, tool: ToolKind): boolean {
  if (tool === 'select') return true;
  if (tool === 'skeleton') return labelType === 'skeleton';
  if (labelType === 'skeleton') return false;
  return labelType === 'any' || labelType === tool;
}
