/** A box drawn by dragging on the canvas, for starting a tracker (kept on the overlay only). */
import type { ExternalTool, ToolView } from '$lib/canvas/externalTool';
import type { Point } from '$lib/canvas/geometry';
import type { Box } from '../cv/tracker';

export class BoxTool implements ExternalTool {
  box: Box | null = null;
  private start: Point | null = null;
  private current: Point | null = null;

  constructor(
    private options: {
      imageWidth: number;
      imageHeight: number;
      color: string;
      requestRedraw(): void;
      onBox(box: Box): void;
    },
  ) {}

  private clamp(p: Point): Point {
    return {
      x: Math.min(this.options.imageWidth, Math.max(0, p.x)),
      y: Math.min(this.options.imageHeight, Math.max(0, p.y)),
    };
  }

  pointerDown(p: Point, e: PointerEvent): boolean {
    if (e.button !== 0) return false;
    this.start = this.clamp(p);
    this.current = this.start;
    return true;
  }

  pointerMove(p: Point): void {
    if (!this.start) return;
    this.current = this.clamp(p);
    this.options.requestRedraw();
  }

  pointerUp(p: Point): void {
    const a = this.start;
    this.start = null;
    if (!a) return;
    const b = this.clamp(p);
    const box: Box = [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)];
    if (box[2] - box[0] >= 4 && box[3] - box[1] >= 4) {
      this.box = box.map((v) => Math.round(v)) as Box;
      this.options.onBox(this.box);
    }
    this.options.requestRedraw();
  }

  drawOverlay(ctx: CanvasRenderingContext2D, view: ToolView): void {
    const draw = (x1: number, y1: number, x2: number, y2: number, dash: number[]) => {
      const p = view.worldToScreen({ x: x1, y: y1 });
      const q = view.worldToScreen({ x: x2, y: y2 });
      ctx.save();
      ctx.setLineDash(dash);
      ctx.strokeStyle = this.options.color;
      ctx.lineWidth = 2;
      ctx.strokeRect(p.x, p.y, q.x - p.x, q.y - p.y);
      ctx.restore();
    };
    if (this.start && this.current) draw(this.start.x, this.start.y, this.current.x, this.current.y, [5, 4]);
    else if (this.box) draw(...this.box, []);
  }

  cancel(): void {
    this.start = null;
    this.options.requestRedraw();
  }
}
