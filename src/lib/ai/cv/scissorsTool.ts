/**
 * Intelligent scissors on the canvas (an ExternalTool), driving the cv worker: each click
 * places a point on the object boundary and keeps the edge-following path from the previous
 * point; the path to the cursor is previewed live. A point can only be placed inside the red
 * threshold square around the cursor's anchor; clicking the last point removes it. N finishes.
 */
import type { ExternalTool, ToolView } from '$lib/canvas/externalTool';
import type { Point } from '$lib/canvas/geometry';
import { withinThreshold } from './scissors';

export interface ScissorsBackend {
  /** Roots the search at a placed point. */
  anchor(x: number, y: number, threshold: number): Promise<void>;
  /** Path from the anchor to a point, null when outside the threshold square. */
  path(x: number, y: number): Promise<number[] | null>;
}

export interface ScissorsToolOptions {
  imageWidth: number;
  imageHeight: number;
  color: string;
  threshold: number;
  backend: ScissorsBackend;
  requestRedraw(): void;
  onChange?(): void;
  onFinish?(): void;
  onCancel?(): void;
}

const POINT_PX = 5;

export class ScissorsTool implements ExternalTool {
  /** Placed points, each with the path that led to it (the first has just itself). */
  anchors: Array<{ x: number; y: number; path: number[] }> = [];
  preview: number[] | null = null;
  threshold: number;
  error = '';
  private cursor: Point | null = null;
  private work: Promise<void> = Promise.resolve();
  private previewSeq = 0;

  constructor(private options: ScissorsToolOptions) {
    this.threshold = options.threshold;
  }

  /** The polygon so far: every segment's path, joined. */
  get polygon(): number[] {
    const out: number[] = [];
    for (const a of this.anchors) {
      // Each path starts at the previous point, which the previous segment already ends with.
      const start = out.length > 0 ? 2 : 0;
      for (let i = start; i < a.path.length; i++) out.push(a.path[i]!);
    }
    return out;
  }

  /** Waits until placed points and their maps are ready (tests and Done use it). */
  settled(): Promise<void> {
    return this.work;
  }

  setThreshold(value: number): void {
    this.threshold = Math.max(10, Math.min(2000, Math.round(value)));
    const last = this.anchors.at(-1);
    if (last) this.queue(() => this.options.backend.anchor(last.x, last.y, this.threshold));
    this.options.requestRedraw();
    this.options.onChange?.();
  }

  private queue(step: () => Promise<void>): Promise<void> {
    this.work = this.work.then(step).catch((error: unknown) => {
      this.error = error instanceof Error ? error.message : String(error);
      this.options.onChange?.();
    });
    return this.work;
  }

  pointerDown(p: Point, e: PointerEvent, view: ToolView): boolean {
    if (e.button !== 0) return false;
    const x = Math.round(Math.min(this.options.imageWidth - 1, Math.max(0, p.x)));
    const y = Math.round(Math.min(this.options.imageHeight - 1, Math.max(0, p.y)));
    const last = this.anchors.at(-1);
    if (last) {
      const s = view.worldToScreen(last);
      const q = view.worldToScreen(p);
      if (Math.hypot(s.x - q.x, s.y - q.y) <= POINT_PX + 2) {
        this.removeLast();
        return true;
      }
      if (!withinThreshold(last, { x, y }, this.threshold)) return true;
    }
    void this.queue(async () => {
      const prev = this.anchors.at(-1);
      const path = prev ? ((await this.options.backend.path(x, y)) ?? [prev.x, prev.y, x, y]) : [x, y];
      this.anchors = [...this.anchors, { x, y, path }];
      this.preview = null;
      await this.options.backend.anchor(x, y, this.threshold);
      this.options.requestRedraw();
      this.options.onChange?.();
    });
    return true;
  }

  pointerMove(p: Point): void {
    this.cursor = p;
    const last = this.anchors.at(-1);
    if (last && withinThreshold(last, p, this.threshold)) {
      const seq = ++this.previewSeq;
      void this.work.then(async () => {
        if (seq !== this.previewSeq) return;
        const path = await this.options.backend.path(p.x, p.y);
        if (seq === this.previewSeq) {
          this.preview = path;
          this.options.requestRedraw();
        }
      });
    } else this.preview = null;
    this.options.requestRedraw();
  }

  pointerUp(): void {}

  keyDown(e: KeyboardEvent): boolean {
    const plain = !e.ctrlKey && !e.altKey && !e.metaKey;
    if (plain && (e.key === 'n' || e.key === 'N') && this.options.onFinish) {
      this.options.onFinish();
      return true;
    }
    if (e.key === 'Escape' && this.options.onCancel) {
      this.options.onCancel();
      return true;
    }
    return false;
  }

  removeLast(): void {
    this.anchors = this.anchors.slice(0, -1);
    this.preview = null;
    const last = this.anchors.at(-1);
    if (last) void this.queue(() => this.options.backend.anchor(last.x, last.y, this.threshold));
    this.options.requestRedraw();
    this.options.onChange?.();
  }

  reset(): void {
    this.anchors = [];
    this.preview = null;
    this.options.requestRedraw();
    this.options.onChange?.();
  }

  drawOverlay(ctx: CanvasRenderingContext2D, view: ToolView): void {
    ctx.save();
    const line = (flat: number[], dash: number[]) => {
      if (flat.length < 4) return;
      ctx.beginPath();
      for (let i = 0; i < flat.length; i += 2) {
        const s = view.worldToScreen({ x: flat[i]! + 0.5, y: flat[i + 1]! + 0.5 });
        if (i === 0) ctx.moveTo(s.x, s.y);
        else ctx.lineTo(s.x, s.y);
      }
      ctx.setLineDash(dash);
      ctx.lineWidth = 2;
      ctx.strokeStyle = this.options.color;
      ctx.stroke();
    };
    line(this.polygon, []);
    if (this.preview) line(this.preview, [4, 3]);
    ctx.setLineDash([]);
    for (const a of this.anchors) {
      const s = view.worldToScreen({ x: a.x + 0.5, y: a.y + 0.5 });
      ctx.beginPath();
      ctx.arc(s.x, s.y, POINT_PX - 1, 0, Math.PI * 2);
      ctx.fillStyle = this.options.color;
      ctx.fill();
    }
    const last = this.anchors.at(-1);
    if (this.cursor) {
      // CVAT's red square: the reach of the next point, around the cursor.
      const t = this.threshold;
      const a = view.worldToScreen({ x: this.cursor.x - t, y: this.cursor.y - t });
      const b = view.worldToScreen({ x: this.cursor.x + t, y: this.cursor.y + t });
      ctx.strokeStyle = last && !withinThreshold(last, this.cursor, t) ? '#ff2222' : '#ff6b6b';
      ctx.lineWidth = 1;
      ctx.strokeRect(a.x, a.y, b.x - a.x, b.y - a.y);
    }
    ctx.restore();
  }

  cancel(): void {
    this.preview = null;
    this.options.requestRedraw();
  }
}
