/** Canvas engine benchmark page: pan/zoom frames, sharp re-render and hover hit tests on the baseline scene. */
import { createCanvasEngine } from '$lib/canvas';
import { FRAME_H, FRAME_W, SCENE_LABELS, makeFrame, makeScene, mulberry32 } from './canvasScene';

export interface CanvasBenchResult {
  n: number;
  setupMs: number;
  /** Engine work per frame (event handling plus drawing), pan and zoom. */
  panWorkP95Ms: number;
  zoomWorkP95Ms: number;
  /** rAF-to-rAF intervals while one step runs per frame. */
  panIntervalP95Ms: number;
  zoomIntervalP95Ms: number;
  sharpRenderMedianMs: number;
  sharpRenderP95Ms: number;
  hitMedianMs: number;
  hitP95Ms: number;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));

async function run(n: number): Promise<CanvasBenchResult> {
  document.body.style.margin = '0';
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;inset:0;';
  document.body.replaceChildren(host);
  const bitmap = await makeFrame();
  const objects = makeScene(n);
  const engine = createCanvasEngine(host, {
    devicePixelRatio: 1,
    settleMs: 100,
    style: { fillOpacity: 0.03, selectedFillOpacity: 0.3, strokeWidth: 1.25 },
  });
  await frame();
  const t0 = performance.now();
  engine.setImage(bitmap, { fit: true });
  engine.setObjects(objects, SCENE_LABELS);
  engine.flush({ sharp: true });
  await frame();
  const setupMs = performance.now() - t0;
  const overlay = host.querySelector('canvas[data-layer="overlay"]') as HTMLCanvasElement;
  // Canvas2D records commands and rasterises later; reading a pixel back makes the timing include the raster.
  const layers = [...host.querySelectorAll('canvas')].map((c) => c.getContext('2d')!);
  const settle = (): void => {
    for (const ctx of layers) ctx.getImageData(0, 0, 1, 1);
  };

  // One interaction step per animation frame, as a real drag or wheel delivers them.
  async function interact(
    step: (i: number) => void,
    count: number,
  ): Promise<{ work: number[]; interval: number[] }> {
    const work: number[] = [];
    const interval: number[] = [];
    let last = await frame();
    for (let i = 0; i < count; i++) {
      const ts = await frame();
      const s = performance.now();
      step(i);
      engine.flush();
      settle();
      const e = performance.now();
      if (i >= 3) {
        work.push(e - s);
        interval.push(ts - last);
      }
      last = ts;
    }
    return { work, interval };
  }

  const pan = await interact((i) => {
    const dir = Math.floor(i / 5) % 2 === 0 ? 1 : -1;
    engine.panBy(12 * dir, 7 * dir);
  }, 63);
  const cx = 960 + 37;
  const cy = 540 - 23;
  const zoom = await interact((i) => {
    overlay.dispatchEvent(
      new WheelEvent('wheel', {
        deltaY: i % 2 === 0 ? -100 : 100,
        clientX: cx,
        clientY: cy,
        bubbles: true,
        cancelable: true,
      }),
    );
  }, 63);

  const sharp: number[] = [];
  for (let i = 0; i < 7; i++) {
    engine.panBy(i % 2 === 0 ? 30 : -30, 0);
    await frame();
    const s = performance.now();
    engine.flush({ sharp: true });
    settle();
    sharp.push(performance.now() - s);
  }

  engine.fit();
  engine.flush({ sharp: true });
  const rnd = mulberry32(99);
  const hits: number[] = [];
  let found = 0;
  for (let i = 0; i < 1000; i++) {
    const p = { x: rnd() * FRAME_W, y: rnd() * FRAME_H };
    const s = performance.now();
    if (engine.hitTest(p) !== null) found++;
    hits.push(performance.now() - s);
  }
  if (n > 0 && found === 0) throw new Error('hit test found nothing');
  engine.destroy();
  return {
    n,
    setupMs,
    panWorkP95Ms: pct(pan.work, 95),
    zoomWorkP95Ms: pct(zoom.work, 95),
    panIntervalP95Ms: pct(pan.interval, 95),
    zoomIntervalP95Ms: pct(zoom.interval, 95),
    sharpRenderMedianMs: pct(sharp, 50),
    sharpRenderP95Ms: pct(sharp, 95),
    hitMedianMs: pct(hits, 50),
    hitP95Ms: pct(hits, 95),
  };
}

(window as unknown as { runCanvasBench: typeof run }).runCanvasBench = run;
