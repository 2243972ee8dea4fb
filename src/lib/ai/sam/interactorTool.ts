/**
 * The SAM interactor on the canvas (an ExternalTool): left click adds a positive point, right
 * click a negative one, a left drag draws a box prompt, and a click on a placed point removes
 * it. Each change asks for a new mask unless requests are held (Ctrl, as in CVAT); requests are
 * coalesced so only the latest prompt runs after a slow one. The mask is drawn live.
 */
import type { ExternalTool, ToolView } from '$lib/canvas/externalTool';
import type { Point } from '$lib/canvas/geometry';
import type { SamClick, SamPrompt } from './prompt';

export interface InteractorMask {
  bitmap: Uint8Array;
  width: number;
  height: number;
  score: number;
}

export interface InteractorOptions {
  imageWidth: number;
  imageHeight: number;
  color: string;
  predict(prompt: SamPrompt): Promise<InteractorMask>;
  requestRedraw(): void;
  /** Called whenever state visible outside the canvas changes (busy, held, error). */
  onChange?(): void;
  /** N (CVAT's Done) and Escape while the tool has the canvas. */
  onFinish?(): void;
  onCancel?(): void;
}

const DRAG_PX = 6;
const POINT_PX = 6;

export class SamInteractorTool implements ExternalTool {
  clicks: SamClick[] = [];
  box: [number, number, number, number] | null = null;
  mask: InteractorMask | null = null;
  busy = false;
  /** Ctrl is down: points are collected without asking for masks. */
  held = false;
  error = '';
  /** Prompt changes since the last request was sent. */
  private dirty = false;
  private drag: { start: Point; startScreen: Point; current: Point; button: number; moved: boolean } | null =
    null;
  private surface: OffscreenCanvas | HTMLCanvasElement | null = null;
  private surfaceFor: InteractorMask | null = null;
  private hover: Point | null = null;

  constructor(private options: InteractorOptions) {}

  get prompt(): SamPrompt {
    return this.box ? { clicks: this.clicks, box: this.box } : { clicks: this.clicks };
  }

  get hasPrompt(): boolean {
    return this.clicks.length > 0 || this.box !== null;
  }

  pointerDown(p: Point, e: PointerEvent, view: ToolView): boolean {
    if (e.button !== 0 && e.button !== 2) return false;
    this.held = e.ctrlKey || this.held;
    this.drag = { start: p, startScreen: view.worldToScreen(p), current: p, button: e.button, moved: false };
    return true;
  }

  pointerMove(p: Point, _e: PointerEvent, view: ToolView): void {
    this.hover = p;
    if (this.drag) {
      this.drag.current = p;
      const s = view.worldToScreen(p);
      if (Math.hypot(s.x - this.drag.startScreen.x, s.y - this.drag.startScreen.y) > DRAG_PX)
        this.drag.moved = true;
    }
    this.options.requestRedraw();
  }

  pointerUp(p: Point, e: PointerEvent, view: ToolView): void {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    if (drag.moved && drag.button === 0) {
      const x1 = this.clampX(Math.min(drag.start.x, p.x));
      const y1 = this.clampY(Math.min(drag.start.y, p.y));
      const x2 = this.clampX(Math.max(drag.start.x, p.x));
      const y2 = this.clampY(Math.max(drag.start.y, p.y));
      if (x2 - x1 >= 1 && y2 - y1 >= 1) this.box = [x1, y1, x2, y2];
    } else if (!drag.moved) {
      const near = this.pointNear(p, view);
      if (near >= 0) this.clicks = this.clicks.filter((_, i) => i !== near);
      else if (this.inside(p))
        this.clicks = [...this.clicks, { x: p.x, y: p.y, positive: drag.button === 0 }];
      else return;
    } else return;
    this.held = e.ctrlKey;
    this.changed();
  }

  keyDown(e: KeyboardEvent): boolean {
    if (e.key === 'Control' && !this.held) {
      this.held = true;
      this.options.onChange?.();
      return false;
    }
    const plain = !e.ctrlKey && !e.altKey && !e.metaKey;
    if (plain && (e.key === 'n' || e.key === 'N') && this.options.onFinish) {
      this.options.onFinish();
      return true;
    }
    if (e.key === 'Escape' && this.options.onCancel) {
      this.options.onCancel();
      return true;
    }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !e.shiftKey) return this.undo();
    return false;
  }

  /** Ctrl released: send what was collected while it was held. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.options.onChange?.();
    if (this.dirty) void this.request();
  }

  /** Removes the last prompt (the box when there are no clicks). */
  undo(): boolean {
    if (this.clicks.length > 0) this.clicks = this.clicks.slice(0, -1);
    else if (this.box) this.box = null;
    else return false;
    this.changed();
    return true;
  }

  reset(): void {
    this.clicks = [];
    this.box = null;
    this.mask = null;
    this.dirty = false;
    this.error = '';
    this.options.requestRedraw();
    this.options.onChange?.();
  }

  /** Resolves once no request is running or queued. */
  async settled(): Promise<void> {
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
  }

  private changed(): void {
    this.dirty = true;
    if (!this.hasPrompt) {
      this.mask = null;
      this.dirty = false;
    } else if (!this.held) void this.request();
    this.options.requestRedraw();
    this.options.onChange?.();
  }

  private async request(): Promise<void> {
    if (this.busy) return; // the running request picks up the newest prompt when it ends
    this.busy = true;
    this.options.onChange?.();
    try {
      while (this.dirty && this.hasPrompt && !this.held) {
        this.dirty = false;
        try {
          const mask = await this.options.predict(this.prompt);
          this.error = '';
          if (this.hasPrompt) this.mask = mask;
        } catch (error) {
          this.error = error instanceof Error ? error.message : String(error);
        }
        this.options.requestRedraw();
      }
    } finally {
      this.busy = false;
      this.options.onChange?.();
    }
  }

  private clampX(x: number) {
    return Math.min(this.options.imageWidth, Math.max(0, x));
  }
  private clampY(y: number) {
    return Math.min(this.options.imageHeight, Math.max(0, y));
  }
  private inside(p: Point) {
    return p.x >= 0 && p.y >= 0 && p.x < this.options.imageWidth && p.y < this.options.imageHeight;
  }
  private pointNear(p: Point, view: ToolView): number {
    const s = view.worldToScreen(p);
    return this.clicks.findIndex((c) => {
      const q = view.worldToScreen(c);
      return Math.hypot(q.x - s.x, q.y - s.y) <= POINT_PX + 2;
    });
  }

  private maskSurface(mask: InteractorMask) {
    if (this.surfaceFor === mask && this.surface) return this.surface;
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(mask.width, mask.height)
        : Object.assign(document.createElement('canvas'), { width: mask.width, height: mask.height });
    const ctx = canvas.getContext('2d') as
      OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    if (!ctx) return null;
    const image = ctx.createImageData(mask.width, mask.height);
    const [r, g, b] = hexRgb(this.options.color);
    for (let i = 0; i < mask.bitmap.length; i++) {
      if (!mask.bitmap[i]) continue;
      image.data[i * 4] = r;
      image.data[i * 4 + 1] = g;
      image.data[i * 4 + 2] = b;
      image.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    this.surface = canvas;
    this.surfaceFor = mask;
    return canvas;
  }

  drawOverlay(ctx: CanvasRenderingContext2D, view: ToolView): void {
    const { scale, tx, ty } = view.viewport;
    if (this.mask) {
      const surface = this.maskSurface(this.mask);
      if (surface) {
        ctx.save();
        ctx.imageSmoothingEnabled = false;
        ctx.globalAlpha = 0.45;
        ctx.drawImage(surface, tx, ty, this.mask.width * scale, this.mask.height * scale);
        ctx.restore();
      }
    }
    ctx.save();
    const rect = (a: Point, b: Point, dash: number[]) => {
      const p = view.worldToScreen(a);
      const q = view.worldToScreen(b);
      ctx.setLineDash(dash);
      ctx.strokeStyle = this.options.color;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(p.x, p.y, q.x - p.x, q.y - p.y);
    };
    if (this.box) rect({ x: this.box[0], y: this.box[1] }, { x: this.box[2], y: this.box[3] }, []);
    if (this.drag?.moved && this.drag.button === 0) rect(this.drag.start, this.drag.current, [5, 4]);
    ctx.setLineDash([]);
    const hovered = this.hover && view ? this.pointNear(this.hover, view) : -1;
    this.clicks.forEach((c, i) => {
      const s = view.worldToScreen(c);
      ctx.beginPath();
      ctx.arc(s.x, s.y, i === hovered ? POINT_PX + 2 : POINT_PX - 1, 0, Math.PI * 2);
      ctx.fillStyle = c.positive ? '#2ecc71' : '#e74c3c';
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
    });
    ctx.restore();
  }

  cancel(): void {
    this.drag = null;
    this.options.requestRedraw();
  }
}

function hexRgb(color: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(color.trim());
  const n = m ? parseInt(m[1]!, 16) : 0x33aaff;
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
