/**
 * Intelligent scissors point handling on the real OpenCV build: the polygon joins the edge
 * paths between placed points, a point outside the threshold square is refused, and a click on
 * the last point removes it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ToolView } from '$lib/canvas/externalTool';
import type { OpenCv } from '$lib/ai/cv/opencv';
import { ScissorsMap } from '$lib/ai/cv/scissors';
import { ScissorsTool } from '$lib/ai/cv/scissorsTool';
import { loadOpenCvInNode, rgbaScene } from './cvFixtures';

let cv: OpenCv;
beforeAll(async () => {
  cv = await loadOpenCvInNode();
}, 60_000);

const view = {
  viewport: { scale: 1, tx: 0, ty: 0 },
  imageWidth: 200,
  imageHeight: 150,
  worldToScreen: (p: { x: number; y: number }) => p,
  screenToWorld: (p: { x: number; y: number }) => p,
} as ToolView;

describe('scissors tool', () => {
  it('builds a polygon along the rectangle edges, refuses far points and removes the last point', async () => {
    const image = {
      rgba: rgbaScene(200, 150, [{ x: 50, y: 40, w: 100, h: 70, color: [230, 230, 230], flat: true }]),
      width: 200,
      height: 150,
    };
    let map: ScissorsMap | null = null;
    const tool = new ScissorsTool({
      imageWidth: 200,
      imageHeight: 150,
      color: '#00ff00',
      threshold: 70,
      requestRedraw: () => undefined,
      backend: {
        anchor: async (x, y, t) => {
          map?.delete();
          map = new ScissorsMap(cv, image, { x, y }, t);
        },
        path: async (x, y) => map?.pathTo({ x, y }) ?? null,
      },
    });
    const click = async (x: number, y: number) => {
      tool.pointerDown({ x, y }, { button: 0 } as PointerEvent, view);
      await tool.settled();
    };
    await click(50, 60);
    await click(100, 40); // around the top-left corner
    await click(150, 60);
    expect(tool.anchors).toHaveLength(3);
    const polygon = tool.polygon;
    // Every vertex lies on the left, top or right edge of the rectangle (pixel edges at 49.5, 39.5, 149.5).
    for (let i = 0; i < polygon.length; i += 2) {
      const [x, y] = [polygon[i]!, polygon[i + 1]!];
      const onEdge = Math.abs(x - 49.5) <= 1.5 || Math.abs(y - 39.5) <= 1.5 || Math.abs(x - 149.5) <= 1.5;
      expect(onEdge, `${x},${y}`).toBe(true);
    }
    // Beyond the threshold square: refused.
    await click(150, 140);
    expect(tool.anchors).toHaveLength(3);
    // On the last point: removed, with its segment.
    await click(150, 60);
    expect(tool.anchors).toHaveLength(2);
    expect(tool.polygon.slice(-2)).toEqual([100, 40]);
    map!.delete();
  });
});
