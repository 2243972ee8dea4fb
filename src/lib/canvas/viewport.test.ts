import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boxViewport,
  DEFAULT_SCALE_LIMITS,
  fitViewport,
  panBy,
  relativeTransform,
  screenToWorld,
  visibleWorldBox,
  wheelZoomFactor,
  worldToScreen,
  zoomAt,
  type Viewport,
} from './viewport';

const coord = fc.double({ min: -1e4, max: 1e4, noNaN: true });
const viewportArb = fc.record({
  scale: fc.double({ min: 0.05, max: 50, noNaN: true }),
  tx: coord,
  ty: coord,
});

describe('viewport transform', () => {
  it('screenToWorld inverts worldToScreen', () => {
    fc.assert(
      fc.property(viewportArb, coord, coord, (vp, x, y) => {
        const back = screenToWorld(vp, worldToScreen(vp, { x, y }));
        expect(back.x).toBeCloseTo(x, 6);
        expect(back.y).toBeCloseTo(y, 6);
      }),
    );
  });

  it('maps world to screen as scale then translate', () => {
    expect(worldToScreen({ scale: 2, tx: 10, ty: -5 }, { x: 3, y: 4 })).toEqual({ x: 16, y: 3 });
  });

  it('visibleWorldBox is the view rectangle in world coordinates', () => {
    expect(visibleWorldBox({ scale: 2, tx: 100, ty: 50 }, { width: 800, height: 600 })).toEqual({
      minX: -50,
      minY: -25,
      maxX: 350,
      maxY: 275,
    });
  });
});

describe('fitViewport', () => {
  it('fits a wide image to the width with the margin and centres it vertically', () => {
    const vp = fitViewport({ width: 1920, height: 1080 }, { width: 1000, height: 1000 }, 20);
    expect(vp.scale).toBeCloseTo(960 / 1920);
    expect(vp.tx).toBeCloseTo(20);
    expect(vp.ty).toBeCloseTo((1000 - 540) / 2);
  });

  it('fits a tall image to the height and centres it horizontally', () => {
    const vp = fitViewport({ width: 500, height: 2000 }, { width: 1200, height: 800 }, 0);
    expect(vp.scale).toBeCloseTo(0.4);
    expect(vp.ty).toBeCloseTo(0);
    expect(vp.tx).toBeCloseTo((1200 - 200) / 2);
  });

  it('enlarges small images too, within the scale limits', () => {
    expect(fitViewport({ width: 10, height: 10 }, { width: 1000, height: 1000 }, 0).scale).toBe(50);
    expect(fitViewport({ width: 100, height: 100 }, { width: 1000, height: 1000 }, 0).scale).toBe(10);
  });

  it('centres the image centre on the view centre', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10000 }),
        fc.integer({ min: 1, max: 10000 }),
        fc.integer({ min: 100, max: 4000 }),
        fc.integer({ min: 100, max: 4000 }),
        (iw, ih, vw, vh) => {
          const vp = fitViewport({ width: iw, height: ih }, { width: vw, height: vh }, 16, {
            minScale: 1e-6,
            maxScale: 1e6,
          });
          const c = worldToScreen(vp, { x: iw / 2, y: ih / 2 });
          expect(c.x).toBeCloseTo(vw / 2, 6);
          expect(c.y).toBeCloseTo(vh / 2, 6);
          expect(iw * vp.scale).toBeLessThanOrEqual(vw - 32 + 1e-6);
          expect(ih * vp.scale).toBeLessThanOrEqual(vh - 32 + 1e-6);
        },
      ),
    );
  });

  it('returns the identity for an empty image or view', () => {
    expect(fitViewport({ width: 0, height: 10 }, { width: 100, height: 100 })).toEqual({
      scale: 1,
      tx: 0,
      ty: 0,
    });
  });
});

describe('zoomAt', () => {
  it('keeps the world point under the cursor fixed', () => {
    fc.assert(
      fc.property(
        viewportArb,
        coord,
        coord,
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        (vp, sx, sy, f) => {
          const anchor = screenToWorld(vp, { x: sx, y: sy });
          const next = zoomAt(vp, { x: sx, y: sy }, f);
          const after = worldToScreen(next, anchor);
          expect(after.x).toBeCloseTo(sx, 4);
          expect(after.y).toBeCloseTo(sy, 4);
        },
      ),
    );
  });

  it('clamps the scale to 0.05–50 by default', () => {
    const vp: Viewport = { scale: 1, tx: 0, ty: 0 };
    expect(zoomAt(vp, { x: 0, y: 0 }, 1000).scale).toBe(50);
    expect(zoomAt(vp, { x: 0, y: 0 }, 0.0001).scale).toBe(0.05);
    expect(zoomAt(vp, { x: 0, y: 0 }, 4, { minScale: 0.5, maxScale: 2 }).scale).toBe(2);
  });

  it('does not drift when zooming at the clamp', () => {
    const vp: Viewport = { scale: 50, tx: 7, ty: 9 };
    expect(zoomAt(vp, { x: 300, y: 200 }, 2)).toEqual(vp);
  });
});

describe('wheel and pan', () => {
  it('wheel up zooms in, wheel down zooms out, symmetrically', () => {
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100)).toBeLessThan(1);
    expect(wheelZoomFactor(-100) * wheelZoomFactor(100)).toBeCloseTo(1);
  });

  it('treats line deltas as 16 px and bounds huge deltas', () => {
    expect(wheelZoomFactor(3, 1)).toBeCloseTo(wheelZoomFactor(48, 0));
    expect(wheelZoomFactor(1e6)).toBeCloseTo(wheelZoomFactor(400));
  });

  it('panBy translates only', () => {
    expect(panBy({ scale: 3, tx: 1, ty: 2 }, 10, -20)).toEqual({ scale: 3, tx: 11, ty: -18 });
  });
});

describe('relativeTransform (moving the cached objects layer)', () => {
  it('carries screen points drawn under one viewport to where they belong under another', () => {
    fc.assert(
      fc.property(viewportArb, viewportArb, coord, coord, (from, to, x, y) => {
        const t = relativeTransform(from, to);
        const before = worldToScreen(from, { x, y });
        const expected = worldToScreen(to, { x, y });
        expect(before.x * t.k + t.dx).toBeCloseTo(expected.x, 3);
        expect(before.y * t.k + t.dy).toBeCloseTo(expected.y, 3);
      }),
    );
  });
});

describe('boxViewport (zoom to an object)', () => {
  const view = { width: 800, height: 600 };

  it('centres the box and fits it with the margin around it', () => {
    const box = { minX: 100, minY: 100, maxX: 300, maxY: 200 };
    const vp = boxViewport(box, view, 50);
    // 300 x 200 with the margin: the width limits the scale.
    expect(vp.scale).toBeCloseTo(800 / 300);
    const centre = worldToScreen(vp, { x: 200, y: 150 });
    expect(centre.x).toBeCloseTo(400);
    expect(centre.y).toBeCloseTo(300);
    const left = worldToScreen(vp, { x: 50, y: 150 });
    expect(left.x).toBeCloseTo(0);
  });

  it('keeps any box fully on screen, margin included, within the scale limits', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: 1, max: 2000, noNaN: true }),
        fc.double({ min: 1, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        (x, y, w, h, margin) => {
          const vp = boxViewport({ minX: x, minY: y, maxX: x + w, maxY: y + h }, view, margin);
          const a = worldToScreen(vp, { x: x - margin, y: y - margin });
          const b = worldToScreen(vp, { x: x + w + margin, y: y + h + margin });
          if (vp.scale > DEFAULT_SCALE_LIMITS.minScale) {
            expect(a.x).toBeGreaterThanOrEqual(-1e-6);
            expect(a.y).toBeGreaterThanOrEqual(-1e-6);
            expect(b.x).toBeLessThanOrEqual(800 + 1e-6);
            expect(b.y).toBeLessThanOrEqual(600 + 1e-6);
          }
          expect(vp.scale).toBeLessThanOrEqual(DEFAULT_SCALE_LIMITS.maxScale);
        },
      ),
    );
  });

  it('zooms to a point at the largest scale allowed', () => {
    expect(boxViewport({ minX: 5, minY: 5, maxX: 5, maxY: 5 }, view, 0).scale).toBe(
      DEFAULT_SCALE_LIMITS.maxScale,
    );
  });
});
