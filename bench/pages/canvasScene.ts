/** The CVAT canvas baseline scene (shared/reference/cvat-canvas-baseline.md): N 20-vertex stars on a 4K frame. */
import type { FrameObject, LabelSpec } from '$lib/core/types';

export const FRAME_W = 3840;
export const FRAME_H = 2160;
const VERTS = 20;

export const SCENE_LABELS: LabelSpec[] = [
  ['car', '#ff6037'],
  ['person', '#33ddff'],
  ['bicycle', '#fa32b7'],
  ['dog', '#83e070'],
  ['tree', '#ffcc33'],
].map(([name, color], i) => ({
  id: String(i + 1),
  name: name!,
  color: color!,
  type: 'polygon' as const,
  attributes: [],
  sublabels: [],
  svg: '',
}));

export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeScene(n: number, seed = 12345): FrameObject[] {
  if (n === 0) return [];
  const rnd = mulberry32(seed);
  const cols = Math.ceil(Math.sqrt((n * FRAME_W) / FRAME_H));
  const rows = Math.ceil(n / cols);
  const cw = FRAME_W / cols;
  const ch = FRAME_H / rows;
  const cells = Array.from({ length: cols * rows }, (_, i) => i);
  for (let i = cells.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [cells[i], cells[j]] = [cells[j]!, cells[i]!];
  }
  const r = 0.45 * Math.min(cw, ch);
  const out: FrameObject[] = [];
  for (let k = 0; k < n; k++) {
    const cell = cells[k]!;
    const cx = ((cell % cols) + 0.5) * cw + (rnd() - 0.5) * 0.1 * cw;
    const cy = (Math.floor(cell / cols) + 0.5) * ch + (rnd() - 0.5) * 0.1 * ch;
    const rot = rnd() * 2 * Math.PI;
    const points: number[] = [];
    for (let v = 0; v < VERTS; v++) {
      const a = rot + (v / VERTS) * 2 * Math.PI;
      const rr = r * (0.6 + 0.4 * rnd());
      points.push(+(cx + rr * Math.cos(a)).toFixed(2), +(cy + rr * Math.sin(a)).toFixed(2));
    }
    out.push({
      kind: 'shape',
      type: 'polygon',
      id: String(k + 1),
      updated_date: '',
      author: 'bench',
      frame: 0,
      label_id: String((k % 5) + 1),
      occluded: false,
      outside: false,
      z_order: 0,
      rotation: 0,
      group: 0,
      source: 'manual',
      attributes: [],
      points,
    });
  }
  return out;
}

/** The baseline's frame: a gradient with 400 translucent rectangles. */
export async function makeFrame(): Promise<ImageBitmap> {
  const c = new OffscreenCanvas(FRAME_W, FRAME_H);
  const ctx = c.getContext('2d')!;
  const g = ctx.createLinearGradient(0, 0, FRAME_W, FRAME_H);
  g.addColorStop(0, '#2b3a4a');
  g.addColorStop(0.5, '#6b7f5a');
  g.addColorStop(1, '#a08a6a');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, FRAME_W, FRAME_H);
  const rnd = mulberry32(7);
  ctx.globalAlpha = 0.25;
  for (let i = 0; i < 400; i++) {
    ctx.fillStyle = `hsl(${Math.floor(rnd() * 360)}, 60%, 50%)`;
    ctx.fillRect(rnd() * FRAME_W, rnd() * FRAME_H, 40 + rnd() * 300, 40 + rnd() * 300);
  }
  return c.transferToImageBitmap();
}
