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

export interface ToolButton {
  kind: ToolKind;
  title: string;
  icon: string;
}

export const TOOL_BUTTONS: readonly ToolButton[] = [
  { kind: 'select', title: 'Select and edit (Esc)', icon: '⬚' },
  { kind: 'rectangle', title: 'Draw a rectangle', icon: '▭' },
  { kind: 'polygon', title: 'Draw a polygon', icon: '⬠' },
  { kind: 'polyline', title: 'Draw a polyline', icon: '〰' },
  { kind: 'points', title: 'Draw points', icon: '⁘' },
  { kind: 'ellipse', title: 'Draw an ellipse', icon: '◯' },
  { kind: 'cuboid', title: 'Draw a cuboid', icon: '⧈' },
  { kind: 'skeleton', title: 'Draw a skeleton', icon: '⚇' },
  { kind: 'mask', title: 'Draw a mask with the brush', icon: '🖌' },
  { kind: 'tag', title: 'Add a tag to the frame', icon: '🏷' },
];

/** Label types a tool may draw: a label of type `any` suits every shape, as in CVAT. */
export function labelFitsTool(labelType: string, tool: ToolKind): boolean {
  if (tool === 'select') return true;
  if (tool === 'skeleton') return labelType === 'skeleton';
  if (labelType === 'skeleton') return false;
  return labelType === 'any' || labelType === tool;
}
