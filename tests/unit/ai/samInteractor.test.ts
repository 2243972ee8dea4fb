/**
 * The SAM interactor tool's point handling, with a scripted predictor: clicks and boxes become
 * prompts, Ctrl holds requests until released, slow requests are coalesced, a click on a point
 * removes it, and N / Escape reach the panel.
 */
import { describe, expect, it } from 'vitest';
import type { ToolView } from '$lib/canvas/externalTool';
import { SamInteractorTool, type InteractorMask } from '$lib/ai/sam/interactorTool';
import type { SamPrompt } from '$lib/ai/sam/prompt';

const view = {
  viewport: { scale: 2, tx: 10, ty: 20 },
  imageWidth: 100,
  imageHeight: 80,
  worldToScreen: (p: { x: number; y: number }) => ({ x: p.x * 2 + 10, y: p.y * 2 + 20 }),
  screenToWorld: (p: { x: number; y: number }) => ({ x: (p.x - 10) / 2, y: (p.y - 20) / 2 }),
} as ToolView;

const pointer = (button: number, ctrlKey = false) => ({ button, ctrlKey }) as PointerEvent;
const key = (k: string, extra: Partial<KeyboardEvent> = {}) =>
  ({ key: k, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...extra }) as KeyboardEvent;

function setup(delayMs = 0) {
  const prompts: SamPrompt[] = [];
  const events: string[] = [];
  const tool = new SamInteractorTool({
    imageWidth: 100,
    imageHeight: 80,
    color: '#ff0000',
    requestRedraw: () => undefined,
    onFinish: () => events.push('finish'),
    onCancel: () => events.push('cancel'),
    predict: async (prompt) => {
      prompts.push(structuredClone(prompt) as SamPrompt);
      await new Promise((r) => setTimeout(r, delayMs));
      const mask: InteractorMask = { bitmap: new Uint8Array(8000), width: 100, height: 80, score: 0.9 };
      return mask;
    },
  });
  const clickAt = (x: number, y: number, button = 0, ctrl = false) => {
    tool.pointerDown({ x, y }, pointer(button, ctrl), view);
    tool.pointerUp({ x, y }, pointer(button, ctrl), view);
  };
  return { tool, prompts, events, clickAt };
}

describe('SAM interactor tool', () => {
  it('left click adds a positive point, right click a negative one, each asking for a mask', async () => {
    const { tool, prompts, clickAt } = setup();
    clickAt(10, 10);
    await tool.settled();
    clickAt(50, 40, 2);
    await tool.settled();
    expect(prompts.map((p) => p.clicks.map((c) => c.positive))).toEqual([[true], [true, false]]);
    expect(tool.mask?.score).toBe(0.9);
  });

  it('a drag draws the box prompt; clicks outside the image are ignored', async () => {
    const { tool, prompts, clickAt } = setup();
    tool.pointerDown({ x: 10, y: 10 }, pointer(0), view);
    tool.pointerMove({ x: 30, y: 20 }, pointer(0), view);
    tool.pointerUp({ x: 130, y: 50 }, pointer(0), view);
    await tool.settled();
    expect(prompts[0]!.box).toEqual([10, 10, 100, 50]);
    clickAt(-5, 10);
    await tool.settled();
    expect(prompts).toHaveLength(1);
  });

  it('holds requests while Ctrl is down and sends one when it is released', async () => {
    const { tool, prompts, clickAt } = setup();
    tool.keyDown(key('Control', { ctrlKey: true }));
    clickAt(10, 10, 0, true);
    clickAt(20, 10, 0, true);
    clickAt(30, 10, 2, true);
    await tool.settled();
    expect(prompts).toHaveLength(0);
    expect(tool.held).toBe(true);
    tool.release();
    await tool.settled();
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.clicks).toHaveLength(3);
  });

  it('coalesces clicks made during a slow request into one follow-up with the latest prompt', async () => {
    const { tool, prompts, clickAt } = setup(30);
    clickAt(10, 10);
    clickAt(20, 10);
    clickAt(30, 10);
    await tool.settled();
    expect(prompts.map((p) => p.clicks.length)).toEqual([1, 3]);
  });

  it('a click on a placed point removes it; removing the last prompt clears the mask', async () => {
    const { tool, prompts, clickAt } = setup();
    clickAt(10, 10);
    await tool.settled();
    clickAt(40, 40);
    await tool.settled();
    // 2 screen pixels away from (10, 10) at scale 2.
    clickAt(10.5, 10.5);
    await tool.settled();
    expect(prompts.at(-1)!.clicks.map((c) => c.x)).toEqual([40]);
    clickAt(40, 40);
    await tool.settled();
    expect(tool.hasPrompt).toBe(false);
    expect(tool.mask).toBeNull();
  });

  it('N finishes, Escape cancels and Ctrl+Z removes the last point', async () => {
    const { tool, events, clickAt } = setup();
    clickAt(10, 10);
    clickAt(20, 10);
    await tool.settled();
    expect(tool.keyDown(key('n'))).toBe(true);
    expect(tool.keyDown(key('Escape'))).toBe(true);
    expect(events).toEqual(['finish', 'cancel']);
    expect(tool.keyDown(key('z', { ctrlKey: true }))).toBe(true);
    expect(tool.clicks).toHaveLength(1);
    expect(tool.keyDown(key('x'))).toBe(false);
  });
});
