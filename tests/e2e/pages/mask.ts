/**
 * Mask editor on the real canvas engine: the test drives it with real mouse events and reads
 * back the committed CVAT points. The wasm kernels are instantiated from /files/mask.wasm.
 */
import { createCanvasEngine, type CanvasEngine } from '$lib/canvas';
import { createMaskEditor, type MaskEditor, type MaskEditorSettings } from '$lib/canvas/mask/maskEditor';
import { loadWasmKernels, type MaskKernels } from '$lib/core/mask';

export interface Committed {
  points: number[] | null;
  removeUnderlying: boolean;
  reason: string;
}

let engine: CanvasEngine | null = null;
let editor: MaskEditor | null = null;
let kernels: MaskKernels | null = null;
const commits: Committed[] = [];
let overlayDraws = 0;

const api = {
  /** Loads the wasm kernels; returns their name. */
  async loadWasm(): Promise<string> {
    kernels = await loadWasmKernels(new URL('/files/mask.wasm', location.href));
    return kernels.name;
  },

  /** Shows a blank image of the given size fitted in an 800 x 600 view, with a mask editor on it. */
  setup(width: number, height: number, initial?: number[]): void {
    editor?.discard();
    engine?.destroy();
    commits.length = 0;
    document.body.style.margin = '0';
    const container = document.createElement('div');
    container.style.cssText = 'position:absolute;left:30px;top:20px;width:800px;height:600px;';
    document.body.replaceChildren(container);
    const image = document.createElement('canvas');
    image.width = width;
    image.height = height;
    const ictx = image.getContext('2d')!;
    ictx.fillStyle = '#556677';
    ictx.fillRect(0, 0, width, height);
    engine = createCanvasEngine(container);
    engine.setImage(image, { fit: true });
    const e = engine;
    editor = createMaskEditor({
      imageWidth: width,
      imageHeight: height,
      color: '#ff8800',
      initial,
      kernels: kernels ?? undefined,
      requestRedraw: () => e.requestOverlay(),
      onCommit: (result, reason) =>
        commits.push({
          points: result?.points ?? null,
          removeUnderlying: result?.removeUnderlying ?? false,
          reason,
        }),
    });
    const drawOverlay = editor.drawOverlay.bind(editor);
    editor.drawOverlay = (ctx, view) => {
      overlayDraws++;
      drawOverlay(ctx, view);
    };
    engine.setExternalTool(editor);
    engine.flush({ sharp: true });
  },

  /** Page (client) coordinates of an image point. */
  toPage(x: number, y: number): { x: number; y: number } {
    const s = engine!.worldToScreen({ x, y });
    return { x: s.x + 30, y: s.y + 20 };
  },

  scale(): number {
    return engine!.getViewport().scale;
  },

  set(settings: Partial<MaskEditorSettings>): void {
    editor!.set(settings);
  },

  /** Set pixels of the bitmap being edited. */
  count(): number {
    let n = 0;
    for (const v of editor!.bitmap) n += v;
    return n;
  },

  finish(keepEditing = false): Committed[] {
    editor!.finish({ keepEditing });
    return commits.slice();
  },

  /** Overlay draws so far, after flushing pending frames; and the overlay pixel under a point. */
  overlay(x: number, y: number): { draws: number; alpha: number } {
    engine!.flush();
    const s = engine!.worldToScreen({ x, y });
    const canvases = [...document.querySelectorAll('canvas')].filter((c) => c.isConnected);
    let alpha = 0;
    for (const c of canvases) {
      const ctx = c.getContext('2d');
      if (!ctx) continue;
      const r = c.getBoundingClientRect();
      const k = c.width / Math.max(1, r.width);
      const px = ctx.getImageData(
        Math.floor((s.x + 30 - r.left) * k),
        Math.floor((s.y + 20 - r.top) * k),
        1,
        1,
      );
      if (px.data[0]! > 200 && px.data[1]! > 80 && px.data[1]! < 180 && px.data[2]! < 120) alpha = 1;
    }
    return { draws: overlayDraws, alpha };
  },
};

export type MaskTestApi = typeof api;
(globalThis as unknown as { maskTest: MaskTestApi }).maskTest = api;
document.title = 'mask-ready';
