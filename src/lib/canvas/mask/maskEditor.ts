/**
 * The mask editor: brush, eraser and polygon-to-mask on a full-image bitmap, set on the canvas
 * engine with `setExternalTool`. The bitmap is one byte per pixel; an offscreen canvas mirrors it
 * for display and is refreshed only where strokes changed it. Finishing crops the bitmap to its
 * set pixels and encodes it as CVAT mask points.
 */
import {
  decodeMask,
  encodeMask,
  maskBox,
  rasterizePolygon,
  tsKernels,
  type MaskBox,
  type MaskKernels,
} from '$lib/core/mask';
import type { ExternalTool, ToolView } from '../externalTool';
import type { Point } from '../geometry';
import { paintSegment, type BrushShape } from './paint';

export type { BrushShape } from './paint';

/** `polygon-add` fills the closed polygon, `polygon-remove` clears it (CVAT's Add/Remove poly). */
export type MaskTool = 'brush' | 'eraser' | 'polygon-add' | 'polygon-remove';

export interface MaskEditorSettings {
  tool: MaskTool;
  /** Brush and eraser diameter (circle) or side (square), image pixels. */
  brushSize: number;
  brushShape: BrushShape;
  /** CVAT's "Remove underlying pixels": reported in the result for the app to apply. */
  removeUnderlying: boolean;
  /** Hides the mask being edited to show what is under it. */
  hidden: boolean;
}

export const DEFAULT_MASK_EDITOR_SETTINGS: MaskEditorSettings = {
  tool: 'brush',
  brushSize: 10,
  brushShape: 'circle',
  removeUnderlying: false,
  hidden: false,
};

export interface MaskEditorResult {
  /** CVAT mask points: runs of the bitmap cropped to its box, then `[left, top, right, bottom]`. */
  points: number[];
  /** Clear these pixels from the masks under this one (`removeUnderlyingPixels` in core/mask). */
  removeUnderlying: boolean;
}

/** Why `onCommit` was called: finished with pixels, finished empty, or discarded. */
export type MaskCommitReason = 'finished' | 'empty' | 'discarded';

export interface MaskEditorOptions {
  imageWidth: number;
  imageHeight: number;
  /** CSS colour of the mask (`#rgb`, `#rrggbb` or `rgb(r, g, b)`). */
  color: string;
  /** CVAT mask points to start from (editing an existing mask). */
  initial?: ArrayLike<number>;
  /** The result of `finish()` (null when the mask ended up empty) or of `discard()` (null). */
  onCommit(result: MaskEditorResult | null, reason: MaskCommitReason): void;
  /** The overlay needs drawing again (wire to the engine's `requestOverlay`). */
  requestRedraw?(): void;
  /** RLE kernels for finishing; the wasm ones when loaded (see `setKernels`). */
  kernels?: MaskKernels;
  settings?: Partial<MaskEditorSettings>;
  /** Opacity of the mask on screen. */
  opacity?: number;
  /** Undo steps kept. */
  historyLimit?: number;
}

export interface MaskEditor extends ExternalTool {
  readonly settings: Readonly<MaskEditorSettings>;
  set(settings: Partial<MaskEditorSettings>): void;
  setColor(color: string): void;
  setKernels(kernels: MaskKernels): void;
  /**
   * Commits the mask through `onCommit`. With `keepEditing` (CVAT's "Save mask and continue")
   * the editor clears and stays active for the next mask; otherwise it stops taking input.
   */
  finish(options?: { keepEditing?: boolean }): void;
  /** Abandons the mask: `onCommit(null, 'discarded')`, and the editor stops taking input. */
  discard(): void;
  /** Fills or clears the polygon in progress (also on a click on its first vertex, or Enter). */
  closePolygon(): boolean;
  /** Undoes the last stroke or polygon; false when there is nothing to undo. */
  undo(): boolean;
  /** True until `finish()` without `keepEditing` or `discard()`. */
  readonly active: boolean;
  /** The bitmap being edited, one byte per image pixel, row-major (read it, don't write). */
  readonly bitmap: Uint8Array;
  /** Vertices of the polygon in progress, image coordinates. */
  readonly polygon: readonly Point[];
  /** The current mask as CVAT points (null when empty), without committing. */
  encode(): number[] | null;
}

/** Screen pixels within which a click on the first vertex closes the polygon. */
const CLOSE_DISTANCE = 8;

interface UndoStep {
  rows: Map<number, Uint8Array>;
  /** Box of the edited pixels. */
  box: MaskBox;
}

function parseColor(color: string): [number, number, number] {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (hex) {
    const h = hex[1]!;
    const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(color.trim());
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return [255, 0, 0];
}

function unionBox(a: MaskBox | null, b: MaskBox): MaskBox {
  if (!a) return { ...b };
  return {
    left: Math.min(a.left, b.left),
    top: Math.min(a.top, b.top),
    right: Math.max(a.right, b.right),
    bottom: Math.max(a.bottom, b.bottom),
  };
}

type Surface = OffscreenCanvas | HTMLCanvasElement;
type Surface2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

function createSurface(width: number, height: number): { canvas: Surface; ctx: Surface2D } | null {
  let canvas: Surface | null = null;
  if (typeof OffscreenCanvas !== 'undefined') canvas = new OffscreenCanvas(width, height);
  else if (typeof document !== 'undefined') {
    canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas?.getContext('2d') as Surface2D | null | undefined;
  return canvas && ctx ? { canvas, ctx } : null;
}

export function createMaskEditor(options: MaskEditorOptions): MaskEditor {
  const width = options.imageWidth;
  const height = options.imageHeight;
  const historyLimit = options.historyLimit ?? 50;
  const opacity = options.opacity ?? 0.5;
  let kernels = options.kernels ?? tsKernels;
  let settings: MaskEditorSettings = { ...DEFAULT_MASK_EDITOR_SETTINGS, ...options.settings };
  let rgb = parseColor(options.color);
  let active = true;

  const bitmap = new Uint8Array(width * height);
  /** A box holding every set pixel (may be loose), so finishing scans only that. */
  let extent: MaskBox | null = null;
  /** Pixels changed since the display surface was last refreshed. */
  let dirty: MaskBox | null = null;
  let surface: { canvas: Surface; ctx: Surface2D } | null = null;

  const undoStack: UndoStep[] = [];
  let step: UndoStep | null = null;
  let stroke: { last: Point; value: 0 | 1 } | null = null;
  let polygon: Point[] = [];
  let cursor: Point | null = null;

  if (options.initial && options.initial.length >= 4) {
    const crop = decodeMask(options.initial, kernels);
    const box = maskBox(options.initial);
    for (let y = Math.max(0, crop.top); y < Math.min(height, crop.top + crop.height); y++) {
      const x0 = Math.max(0, crop.left);
      const x1 = Math.min(width, crop.left + crop.width);
      if (x1 <= x0) break;
      const src = (y - crop.top) * crop.width + (x0 - crop.left);
      bitmap.set(crop.bitmap.subarray(src, src + (x1 - x0)), y * width + x0);
    }
    const clipped = {
      left: Math.max(0, box.left),
      top: Math.max(0, box.top),
      right: Math.min(width - 1, box.right),
      bottom: Math.min(height - 1, box.bottom),
    };
    if (clipped.right >= clipped.left && clipped.bottom >= clipped.top) {
      extent = clipped;
      dirty = { ...clipped };
    }
  }

  const redraw = () => options.requestRedraw?.();

  function beginStep(): void {
    step = { rows: new Map(), box: { left: width, top: height, right: -1, bottom: -1 } };
  }

  function endStep(): void {
    if (step && step.rows.size > 0) {
      undoStack.push(step);
      if (undoStack.length > historyLimit) undoStack.shift();
    }
    step = null;
  }

  /** Writes `value` to pixels x0..x1 of row y, saving the row for undo first. */
  function fillRow(y: number, x0: number, x1: number, value: 0 | 1): void {
    if (step && !step.rows.has(y)) {
      step.rows.set(y, bitmap.slice(y * width, (y + 1) * width));
    }
    bitmap.fill(value, y * width + x0, y * width + x1 + 1);
    const box = { left: x0, top: y, right: x1, bottom: y };
    if (step) step.box = unionBox(step.box.right < 0 ? null : step.box, box);
    dirty = unionBox(dirty, box);
    if (value === 1) extent = unionBox(extent, box);
  }

  function paint(a: Point, b: Point, value: 0 | 1): void {
    paintSegment(a, b, settings.brushSize, settings.brushShape, width, height, (y, x0, x1) =>
      fillRow(y, x0, x1, value),
    );
  }

  function applyPolygon(value: 0 | 1): void {
    const flat = polygon.flatMap((p) => [p.x, p.y]);
    polygon = [];
    beginStep();
    // Rasterise into a scratch bitmap, then copy the covered spans through fillRow for undo.
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 1; i < flat.length; i += 2) {
      minY = Math.min(minY, flat[i]!);
      maxY = Math.max(maxY, flat[i]!);
    }
    const top = Math.max(0, Math.floor(minY));
    const bottom = Math.min(height - 1, Math.ceil(maxY));
    if (bottom >= top) {
      const rows = bottom - top + 1;
      const scratch = new Uint8Array(width * rows);
      const shifted = flat.map((v, i) => (i % 2 === 1 ? v - top : v));
      if (rasterizePolygon(scratch, width, rows, shifted, 1)) {
        for (let r = 0; r < rows; r++) {
          const row = scratch.subarray(r * width, (r + 1) * width);
          let x = row.indexOf(1);
          while (x >= 0) {
            let end = x;
            while (end + 1 < width && row[end + 1] === 1) end++;
            fillRow(top + r, x, end, value);
            x = row.indexOf(1, end + 1);
          }
        }
      }
    }
    endStep();
    redraw();
  }

  function refreshSurface(): void {
    if (!dirty) return;
    surface ??= createSurface(width, height);
    if (!surface) return;
    const { left, top, right, bottom } = dirty;
    dirty = null;
    const w = right - left + 1;
    const h = bottom - top + 1;
    const image = surface.ctx.createImageData(w, h);
    const px = new Uint32Array(image.data.buffer);
    const [r, g, b] = rgb;
    // ImageData is RGBA in memory; read as little-endian u32 that is 0xAABBGGRR.
    const on = ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
    for (let y = 0; y < h; y++) {
      const src = (top + y) * width + left;
      const dst = y * w;
      for (let x = 0; x < w; x++) if (bitmap[src + x] !== 0) px[dst + x] = on;
    }
    surface.ctx.putImageData(image, left, top);
  }

  function drawMask(ctx: CanvasRenderingContext2D, view: ToolView): void {
    refreshSurface();
    if (!surface || settings.hidden || !extent) return;
    const { scale, tx, ty } = view.viewport;
    // Only the part of the image on screen, expanded to whole pixels.
    const m = ctx.getTransform();
    const cssW = ctx.canvas.width / (m.a || 1);
    const cssH = ctx.canvas.height / (m.d || 1);
    const sx = Math.max(extent.left, Math.floor(-tx / scale));
    const sy = Math.max(extent.top, Math.floor(-ty / scale));
    const ex = Math.min(extent.right + 1, Math.ceil((cssW - tx) / scale));
    const ey = Math.min(extent.bottom + 1, Math.ceil((cssH - ty) / scale));
    if (ex <= sx || ey <= sy) return;
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.globalAlpha = opacity;
    ctx.drawImage(
      surface.canvas,
      sx,
      sy,
      ex - sx,
      ey - sy,
      sx * scale + tx,
      sy * scale + ty,
      (ex - sx) * scale,
      (ey - sy) * scale,
    );
    ctx.restore();
  }

  function drawCursorAndPolygon(ctx: CanvasRenderingContext2D, view: ToolView): void {
    const [r, g, b] = rgb;
    ctx.save();
    ctx.lineWidth = 1;
    if ((settings.tool === 'brush' || settings.tool === 'eraser') && cursor) {
      const c = view.worldToScreen(cursor);
      const half = (settings.brushSize / 2) * view.viewport.scale;
      ctx.strokeStyle = settings.tool === 'eraser' ? '#ffffff' : `rgb(${r}, ${g}, ${b})`;
      ctx.setLineDash(settings.tool === 'eraser' ? [4, 3] : []);
      ctx.beginPath();
      if (settings.brushShape === 'circle') ctx.arc(c.x, c.y, Math.max(1, half), 0, Math.PI * 2);
      else ctx.rect(c.x - half, c.y - half, 2 * half, 2 * half);
      ctx.stroke();
    }
    if (polygon.length > 0) {
      const remove = settings.tool === 'polygon-remove';
      ctx.strokeStyle = remove ? '#ffffff' : `rgb(${r}, ${g}, ${b})`;
      ctx.fillStyle = remove ? 'rgba(255, 255, 255, 0.15)' : `rgba(${r}, ${g}, ${b}, 0.2)`;
      ctx.setLineDash(remove ? [4, 3] : []);
      ctx.beginPath();
      const pts = polygon.map((p) => view.worldToScreen(p));
      pts.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
      if (cursor) {
        const c = view.worldToScreen(cursor);
        ctx.lineTo(c.x, c.y);
      }
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      ctx.setLineDash([]);
      for (const [i, p] of pts.entries()) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, i === 0 ? 4 : 3, 0, Math.PI * 2);
        ctx.fillStyle = '#ffffff';
        ctx.fill();
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  function restoreStep(s: UndoStep): void {
    for (const [y, row] of s.rows) bitmap.set(row, y * width);
    dirty = unionBox(dirty, { left: 0, top: s.box.top, right: width - 1, bottom: s.box.bottom });
    // Undoing an erase can bring back pixels anywhere in the step's rows.
    extent = unionBox(extent, { left: 0, top: s.box.top, right: width - 1, bottom: s.box.bottom });
  }

  function clear(): void {
    bitmap.fill(0);
    if (extent) dirty = unionBox(dirty, extent);
    extent = null;
    undoStack.length = 0;
    polygon = [];
    stroke = null;
    step = null;
  }

  function encode(): number[] | null {
    return extent ? encodeMask(bitmap, width, height, kernels, extent) : null;
  }

  const editor: MaskEditor = {
    get settings() {
      return settings;
    },
    get active() {
      return active;
    },
    get bitmap() {
      return bitmap;
    },
    get polygon() {
      return polygon;
    },

    set(next) {
      const toolChanged = next.tool !== undefined && next.tool !== settings.tool;
      settings = {
        ...settings,
        ...next,
        brushSize: Math.max(1, Math.round(next.brushSize ?? settings.brushSize)),
      };
      // Switching between add and remove keeps the polygon in progress; leaving polygons drops it.
      if (toolChanged && !settings.tool.startsWith('polygon')) polygon = [];
      redraw();
    },

    setColor(color) {
      rgb = parseColor(color);
      if (extent) dirty = unionBox(dirty, extent);
      redraw();
    },

    setKernels(next) {
      kernels = next;
    },

    pointerDown(p, e, view) {
      if (!active || e.button !== 0) return false;
      cursor = p;
      if (settings.tool === 'brush' || settings.tool === 'eraser') {
        const value = settings.tool === 'brush' ? 1 : 0;
        beginStep();
        stroke = { last: p, value };
        paint(p, p, value);
        redraw();
        return true;
      }
      // Polygon: a click on the first vertex closes it, any other click adds a vertex.
      const first = polygon[0];
      if (first && polygon.length >= 3) {
        const a = view.worldToScreen(first);
        const b = view.worldToScreen(p);
        if (Math.hypot(a.x - b.x, a.y - b.y) <= CLOSE_DISTANCE) {
          editor.closePolygon();
          return true;
        }
      }
      polygon = [...polygon, p];
      redraw();
      return true;
    },

    pointerMove(p) {
      if (!active) return;
      cursor = p;
      if (stroke) {
        paint(stroke.last, p, stroke.value);
        stroke.last = p;
      }
      redraw();
    },

    pointerUp(p) {
      if (!active || !stroke) return;
      if (p.x !== stroke.last.x || p.y !== stroke.last.y) paint(stroke.last, p, stroke.value);
      stroke = null;
      endStep();
      redraw();
    },

    keyDown(e) {
      if (!active) return false;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.shiftKey && e.key.toLowerCase() === 'z') return editor.undo();
      if (mod || e.altKey) return false;
      if (e.key === '[' || e.key === ']') {
        const factor = e.key === ']' ? 1.25 : 0.8;
        const size = settings.brushSize;
        editor.set({
          brushSize: e.key === ']' ? Math.max(size + 1, size * factor) : Math.min(size - 1, size * factor),
        });
        return true;
      }
      if (polygon.length > 0) {
        if (e.key === 'Enter') return editor.closePolygon();
        if (e.key === 'Escape') {
          polygon = [];
          redraw();
          return true;
        }
        if (e.key === 'Backspace') {
          polygon = polygon.slice(0, -1);
          redraw();
          return true;
        }
      }
      return false;
    },

    drawOverlay(ctx, view) {
      // Once committed, the app draws the saved shape.
      if (!active) return;
      drawMask(ctx, view);
      drawCursorAndPolygon(ctx, view);
    },

    cancel() {
      if (stroke) {
        stroke = null;
        endStep();
      }
      if (polygon.length > 0) polygon = [];
      redraw();
    },

    closePolygon() {
      if (!active || polygon.length < 3) return false;
      applyPolygon(settings.tool === 'polygon-remove' ? 0 : 1);
      return true;
    },

    undo() {
      if (!active) return false;
      if (polygon.length > 0) {
        polygon = polygon.slice(0, -1);
        redraw();
        return true;
      }
      const last = undoStack.pop();
      if (!last) return false;
      restoreStep(last);
      redraw();
      return true;
    },

    encode,

    finish(opts) {
      if (!active) return;
      editor.cancel();
      const points = encode();
      const removeUnderlying = settings.removeUnderlying;
      if (opts?.keepEditing) clear();
      else active = false;
      redraw();
      options.onCommit(points ? { points, removeUnderlying } : null, points ? 'finished' : 'empty');
    },

    discard() {
      if (!active) return;
      active = false;
      stroke = null;
      polygon = [];
      redraw();
      options.onCommit(null, 'discarded');
    },
  };
  return editor;
}
