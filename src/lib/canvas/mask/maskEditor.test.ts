import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMaskToImage, maskArea, maskBox } from '$lib/core/mask';
import type { ToolView } from '../externalTool';
import type { Point } from '../geometry';
import { createMaskEditor, type MaskCommitReason, type MaskEditorResult } from './maskEditor';
import { paintSegment } from './paint';

const W = 100;
const H = 80;
const view: ToolView = {
  viewport: { scale: 1, tx: 0, ty: 0 },
  imageWidth: W,
  imageHeight: H,
  worldToScreen: (p) => p,
  screenToWorld: (p) => p,
};
const down = { button: 0 } as PointerEvent;
const key = (k: string, extra: Partial<KeyboardEvent> = {}) => ({ key: k, ...extra }) as KeyboardEvent;

function setup(initial?: number[]) {
  const commits: Array<[MaskEditorResult | null, MaskCommitReason]> = [];
  const editor = createMaskEditor({
    imageWidth: W,
    imageHeight: H,
    color: '#33cc66',
    initial,
    onCommit: (r, why) => commits.push([r, why]),
  });
  const drag = (pts: Point[]) => {
    editor.pointerDown(pts[0]!, down, view);
    for (const p of pts.slice(1)) editor.pointerMove(p, down, view);
    editor.pointerUp(pts[pts.length - 1]!, down, view);
  };
  const count = () => editor.bitmap.reduce((s, v) => s + v, 0);
  return { editor, commits, drag, count };
}

describe('brush rasterisation', () => {
  it('paints a square brush of size s as s x s pixels on the grid', () => {
    const rows: Array<[number, number, number]> = [];
    paintSegment({ x: 10.5, y: 10.5 }, { x: 10.5, y: 10.5 }, 3, 'square', W, H, (y, a, b) =>
      rows.push([y, a, b]),
    );
    expect(rows).toEqual([
      [9, 9, 11],
      [10, 9, 11],
      [11, 9, 11],
    ]);
  });

  it('leaves no gaps between far-apart samples, at any size (property)', () => {
    fc.assert(
      fc.property(
        // Pointer positions inside the image: x = W is the border line, not a pixel.
        fc.double({ min: 0, max: W, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: H, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: W, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: H, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('circle' as const, 'square' as const),
        (ax, ay, bx, by, size, shape) => {
          const bitmap = new Uint8Array(W * H);
          paintSegment({ x: ax, y: ay }, { x: bx, y: by }, size, shape, W, H, (y, x0, x1) =>
            bitmap.fill(1, y * W + x0, y * W + x1 + 1),
          );
          // Every pixel the centre line passes through is painted.
          const steps = Math.ceil(Math.hypot(bx - ax, by - ay) * 4) + 1;
          for (let i = 0; i <= steps; i++) {
            const x = Math.min(W - 1, Math.max(0, Math.floor(ax + ((bx - ax) * i) / steps)));
            const y = Math.min(H - 1, Math.max(0, Math.floor(ay + ((by - ay) * i) / steps)));
            if (size >= 2 || i === 0 || i === steps) expect(bitmap[y * W + x]).toBe(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('mask editor', () => {
  it('brushes a stroke, erases part of it, and finishes to CVAT points', () => {
    const { editor, commits, drag, count } = setup();
    editor.set({ brushSize: 10, brushShape: 'square' });
    // Two samples 60 px apart: the whole 60 x 10 band is painted.
    drag([
      { x: 20, y: 40 },
      { x: 80, y: 40 },
    ]);
    expect(count()).toBe(70 * 10);
    editor.set({ tool: 'eraser', brushSize: 10 });
    drag([
      { x: 50, y: 30 },
      { x: 50, y: 50 },
    ]);
    expect(count()).toBe(60 * 10);
    editor.set({ removeUnderlying: true });
    editor.finish();
    expect(commits).toHaveLength(1);
    const [result, why] = commits[0]!;
    expect(why).toBe('finished');
    expect(result!.removeUnderlying).toBe(true);
    expect(maskArea(result!.points)).toBe(600);
    expect(maskBox(result!.points)).toEqual({ left: 15, top: 35, right: 84, bottom: 44 });
    const image = decodeMaskToImage(result!.points, W, H);
    expect(image[40 * W + 50]).toBe(0);
    expect(image[40 * W + 30]).toBe(1);
    // Finished: input is ignored.
    expect(editor.active).toBe(false);
    expect(editor.pointerDown({ x: 1, y: 1 }, down, view)).toBe(false);
  });

  it('fills and clears polygons, closing on the first vertex or Enter', () => {
    const { editor, count } = setup();
    editor.set({ tool: 'polygon-add' });
    for (const p of [
      { x: 10, y: 10 },
      { x: 50, y: 10 },
      { x: 50, y: 50 },
      { x: 10, y: 50 },
    ])
      editor.pointerDown(p, down, view);
    expect(editor.polygon).toHaveLength(4);
    editor.pointerDown({ x: 12, y: 11 }, down, view); // within 8 px of the first vertex
    expect(editor.polygon).toHaveLength(0);
    expect(count()).toBe(1600);
    editor.set({ tool: 'polygon-remove' });
    for (const p of [
      { x: 20, y: 20 },
      { x: 30, y: 20 },
      { x: 30, y: 30 },
    ])
      editor.pointerDown(p, down, view);
    expect(editor.keyDown!(key('Enter'), view)).toBe(true);
    expect(count()).toBe(1600 - 55);
    expect(editor.undo()).toBe(true);
    expect(count()).toBe(1600);
    expect(editor.keyDown!(key('z', { ctrlKey: true }), view)).toBe(true);
    expect(count()).toBe(0);
  });

  it('edits an initial mask, saves and continues, and reports empty and discarded masks', () => {
    const initial = [0, 4, 10, 10, 11, 11]; // 2 x 2 at (10, 10)
    const { editor, commits, drag } = setup(initial);
    expect(editor.encode()).toEqual(initial);
    editor.set({ brushShape: 'square', brushSize: 2 });
    drag([{ x: 31, y: 31 }]);
    editor.finish({ keepEditing: true });
    expect(maskArea(commits[0]![0]!.points)).toBe(8);
    expect(editor.active).toBe(true);
    editor.finish({ keepEditing: true });
    expect(commits[1]).toEqual([null, 'empty']);
    editor.pointerDown({ x: 5, y: 5 }, down, view);
    editor.cancel();
    editor.discard();
    expect(commits[2]).toEqual([null, 'discarded']);
  });

  it('drops the polygon in progress on Escape and cancel, and resizes the brush with [ and ]', () => {
    const { editor } = setup();
    editor.set({ tool: 'polygon-add' });
    editor.pointerDown({ x: 1, y: 1 }, down, view);
    expect(editor.keyDown!(key('Escape'), view)).toBe(true);
    expect(editor.keyDown!(key('Escape'), view)).toBe(false);
    editor.pointerDown({ x: 1, y: 1 }, down, view);
    editor.cancel();
    expect(editor.polygon).toHaveLength(0);
    editor.set({ brushSize: 10 });
    editor.keyDown!(key(']'), view);
    expect(editor.settings.brushSize).toBe(13);
    editor.keyDown!(key('['), view);
    expect(editor.settings.brushSize).toBe(10);
  });
});
