import { describe, expect, it } from 'vitest';
import { traceBorder as traceBorderBetween } from '../autoborder';
import type { Point } from '../geometry';
import { parseSkeletonSvg } from '../skeletonTemplate';
import { createCuboidTool, createEllipseTool, createSkeletonTool, ellipseFromCenterCorner } from './drawBox';
import { createExtremePointsTool } from './drawExtremePoints';
import { createPolyshapeTool } from './drawPolyshape';
import type { DrawTool, ToolInput, ToolStep } from './drawTool';

const image = { width: 200, height: 100 };
function input(x: number, y: number, extra: Partial<ToolInput> = {}): ToolInput {
  return {
    world: { x, y },
    screen: { x, y },
    button: 0,
    shift: false,
    alt: false,
    ctrl: false,
    image,
    scale: 1,
    ...extra,
  };
}
function click(tool: DrawTool, x: number, y: number, extra: Partial<ToolInput> = {}): ToolStep {
  const down = tool.down(input(x, y, extra));
  if (down.kind !== 'continue') return down;
  return tool.up(input(x, y, extra));
}
function drag(tool: DrawTool, a: Point, b: Point): ToolStep {
  tool.down(input(a.x, a.y));
  tool.move(input((a.x + b.x) / 2, (a.y + b.y) / 2));
  tool.move(input(b.x, b.y));
  return tool.up(input(b.x, b.y));
}

describe('polygon, polyline and points drawing', () => {
  it('clicks add points and Enter finishes a polygon', () => {
    const t = createPolyshapeTool({ type: 'polygon' });
    click(t, 10, 10);
    click(t, 50, 10);
    expect(t.key('Enter', input(0, 0))).toEqual({ kind: 'rejected' });
    click(t, 10, 10);
    click(t, 50, 10);
    click(t, 30, 40);
    expect(t.key('n', input(0, 0))).toEqual({
      kind: 'finished',
      shape: { type: 'polygon', points: [10, 10, 50, 10, 30, 40] },
    });
    expect(t.busy).toBe(false);
  });

  it('Backspace, Ctrl+Z and a right click remove the last point', () => {
    const t = createPolyshapeTool({ type: 'polyline' });
    click(t, 1, 1);
    click(t, 2, 2);
    click(t, 3, 3);
    t.key('Backspace', input(0, 0));
    t.key('z', input(0, 0, { ctrl: true }));
    click(t, 9, 9);
    t.down(input(0, 0, { button: 2 }));
    click(t, 5, 5);
    expect(t.key('Enter', input(0, 0))).toMatchObject({ shape: { type: 'polyline', points: [1, 1, 5, 5] } });
  });

  it('stops on its own at the fixed number of points', () => {
    const t = createPolyshapeTool({ type: 'points', numberOfPoints: 2 });
    click(t, 1, 1);
    expect(click(t, 2, 2)).toEqual({ kind: 'finished', shape: { type: 'points', points: [1, 1, 2, 2] } });
  });

  it('with Shift held, moving adds points every few pixels (freehand)', () => {
    const t = createPolyshapeTool({ type: 'polyline', freehandStep: 5 });
    click(t, 0, 0);
    for (let x = 1; x <= 20; x++) t.move(input(x, 0, { shift: true }));
    const done = t.key('Enter', input(0, 0));
    expect(done).toMatchObject({ shape: { points: [0, 0, 5, 0, 10, 0, 15, 0, 20, 0] } });
  });

  it('a double click finishes without a duplicate last point', () => {
    const t = createPolyshapeTool({ type: 'polygon' });
    click(t, 0, 0);
    click(t, 40, 0);
    click(t, 40, 40);
    click(t, 40, 40);
    expect(t.doubleClick?.(input(40, 40))).toMatchObject({ shape: { points: [0, 0, 40, 0, 40, 40] } });
  });

  it('points are clamped to the image and snapped when bordering is on', () => {
    const t = createPolyshapeTool({ type: 'polyline' });
    const snap = (p: Point): Point => ({ x: Math.round(p.x / 10) * 10, y: Math.round(p.y / 10) * 10 });
    click(t, -20, 13, { snap });
    click(t, 47, 300, { snap });
    expect(t.key('Enter', input(0, 0))).toMatchObject({ shape: { points: [0, 10, 50, 100] } });
  });

  it('with bordering, two points on one neighbour get its vertices in between', () => {
    const t = createPolyshapeTool({ type: 'polygon' });
    const square = { points: [10, 10, 60, 10, 60, 60, 10, 60], closed: true };
    const traceBorder = (a: Point, b: Point): number[] => traceBorderBetween(a, b, [square], 0.01);
    click(t, 30, 10, { traceBorder });
    click(t, 60, 40, { traceBorder });
    click(t, 90, 90, { traceBorder });
    expect(t.key('Enter', input(0, 0))).toMatchObject({
      shape: { points: [30, 10, 60, 10, 60, 40, 90, 90] },
    });
  });
});

describe('rectangle by four extreme points', () => {
  it('finishes on the fourth click with the box through the points', () => {
    const t = createExtremePointsTool();
    click(t, 50, 10);
    click(t, 20, 40);
    click(t, 50, 80);
    expect(click(t, 90, 45)).toEqual({
      kind: 'finished',
      shape: { type: 'rectangle', points: [20, 10, 90, 80], rotation: 0 },
    });
  });
});

describe('ellipse', () => {
  it('is drawn from the centre to a corner and encoded as [cx, cy, rx, ty]', () => {
    expect(ellipseFromCenterCorner({ x: 50, y: 50 }, { x: 30, y: 70 })).toEqual([50, 50, 70, 30]);
    const t = createEllipseTool();
    expect(drag(t, { x: 50, y: 50 }, { x: 80, y: 70 })).toEqual({
      kind: 'finished',
      shape: { type: 'ellipse', points: [50, 50, 80, 30], rotation: 0 },
    });
  });
});

describe('cuboid from a rectangle', () => {
  it('draws the front face, then a click sets the depth; 8 points in CVAT order', () => {
    const t = createCuboidTool();
    expect(drag(t, { x: 10, y: 20 }, { x: 50, y: 60 })).toEqual({ kind: 'continue' });
    expect(t.busy).toBe(true);
    t.move(input(60, 10));
    const done = click(t, 60, 10);
    // front: tl, bl, tr, br; back: tr, br, tl, bl shifted by (10, -10).
    expect(done).toEqual({
      kind: 'finished',
      shape: { type: 'cuboid', points: [10, 20, 10, 60, 50, 20, 50, 60, 60, 10, 60, 50, 20, 10, 20, 50] },
    });
  });

  it('Enter keeps the default depth, a tenth of the box up and right', () => {
    const t = createCuboidTool();
    drag(t, { x: 0, y: 0 }, { x: 100, y: 50 });
    expect(t.key('Enter', input(0, 0))).toMatchObject({
      shape: { points: [0, 0, 0, 50, 100, 0, 100, 50, 110, -5, 110, 45, 10, -5, 10, 45] },
    });
  });
});

describe('skeleton', () => {
  const svg =
    '<line x1="10" y1="10" x2="30" y2="50" data-type="edge" data-node-from="1" data-node-to="2"></line>' +
    '<circle r="1.5" cx="10" cy="10" data-type="element node" data-element-id="1" data-node-id="1" data-label-id="7" data-label-name="head"></circle>' +
    '<circle r="1.5" cx="30" cy="50" data-type="element node" data-element-id="2" data-node-id="2" data-label-id="8" data-label-name="foot"></circle>';
  const sublabels = [
    { id: 'head-id', name: 'head', color: '#f00', type: 'points' as const, attributes: [] },
    { id: 'foot-id', name: 'foot', color: '#0f0', type: 'points' as const, attributes: [] },
  ];

  it("parses CVAT's SVG: circles matched to sublabels by name, edges by node id", () => {
    expect(parseSkeletonSvg(svg, sublabels)).toEqual({
      points: [
        { labelId: 'head-id', name: 'head', x: 0, y: 0 },
        { labelId: 'foot-id', name: 'foot', x: 1, y: 1 },
      ],
      edges: [['head-id', 'foot-id']],
    });
  });

  it('matches by label id first, and by order when circles carry neither', () => {
    const byId = parseSkeletonSvg(svg.replace('data-label-id="7"', 'data-label-id="foot-id"'), sublabels);
    expect(byId.points[0]?.labelId).toBe('foot-id');
    const bare = parseSkeletonSvg('<circle cx="0" cy="0"/><circle cx="4" cy="2"/>', sublabels);
    expect(bare.points.map((p) => p.labelId)).toEqual(['head-id', 'foot-id']);
  });

  it('places the template into the drawn box', () => {
    const t = createSkeletonTool(parseSkeletonSvg(svg, sublabels));
    const done = drag(t, { x: 20, y: 10 }, { x: 60, y: 90 });
    expect(done).toEqual({
      kind: 'finished',
      shape: {
        type: 'skeleton',
        points: [],
        elements: [
          { label_id: 'head-id', points: [20, 10], outside: false, occluded: false },
          { label_id: 'foot-id', points: [60, 90], outside: false, occluded: false },
        ],
      },
    });
  });
});
