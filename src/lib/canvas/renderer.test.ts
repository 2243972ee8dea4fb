import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Shape } from '../core/types';
import { points, polygon, polyline } from './fixtures';
import { DEFAULT_STYLE, drawObjectsLayer, PathCache, strokeJoin, type CanvasStyle } from './renderer';
import type { IndexedShape } from './spatialIndex';

/** Path2D is not in node: the renderer only builds paths and hands them to the context. */
class FakePath2D {
  moveTo(): void {}
  lineTo(): void {}
  closePath(): void {}
  rect(): void {}
  arc(): void {}
  ellipse(): void {}
}

interface Draw {
  op: string;
  fillStyle: unknown;
  strokeStyle: unknown;
  globalAlpha: number;
  lineWidth: number;
  lineDash: number[];
  lineJoin: string;
}

/** A 2D context that records the state every fill and stroke is drawn with. */
function recordingContext(): { ctx: CanvasRenderingContext2D; draws: Draw[] } {
  const draws: Draw[] = [];
  const state = {
    fillStyle: '#000000' as unknown,
    strokeStyle: '#000000' as unknown,
    globalAlpha: 1,
    lineWidth: 1,
    lineJoin: 'miter',
    lineDash: [] as number[],
  };
  const record = (op: string) => () => {
    draws.push({
      op,
      fillStyle: state.fillStyle,
      strokeStyle: state.strokeStyle,
      globalAlpha: state.globalAlpha,
      lineWidth: state.lineWidth,
      lineDash: [...state.lineDash],
      lineJoin: state.lineJoin,
    });
  };
  const noop = (): void => {};
  const methods: Record<string, unknown> = {
    canvas: { width: 100, height: 100 },
    setTransform: noop,
    save: noop,
    restore: noop,
    clearRect: noop,
    beginPath: noop,
    rect: noop,
    clip: noop,
    setLineDash: (d: number[]) => (state.lineDash = [...d]),
    fill: record('fill'),
    stroke: record('stroke'),
    fillRect: record('fillRect'),
  };
  const ctx = new Proxy(state, {
    get: (target, key: string) => (key in methods ? methods[key] : target[key as keyof typeof state]),
    set: (target, key: string, value: unknown) => {
      (target as Record<string, unknown>)[key] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
  return { ctx, draws };
}

function item(shape: Shape & { points: number[] }): IndexedShape {
  const xs = shape.points.filter((_, i) => i % 2 === 0);
  const ys = shape.points.filter((_, i) => i % 2 === 1);
  return {
    id: shape.id,
    shape,
    minX: Math.min(...xs),
    minY: Math.min(...ys),
    maxX: Math.max(...xs),
    maxY: Math.max(...ys),
  } as IndexedShape;
}

describe('drawObjectsLayer', () => {
  beforeEach(() => vi.stubGlobal('Path2D', FakePath2D));
  afterEach(() => vi.unstubAllGlobals());

  const colors: Record<string, string> = { a: '#ff0000', b: '#0000ff' };
  const shapes = [
    polygon('1', [0, 0, 40, 0, 40, 40], { label_id: 'a' }),
    polygon('2', [10, 10, 50, 10, 50, 50], { label_id: 'a', occluded: true }),
    points('3', [5, 5, 30, 30], { label_id: 'b' }),
    polyline('4', [0, 0, 60, 60], { label_id: 'b' }),
    polygon('5', [70, 70, 70.5, 70, 70.5, 70.5], { label_id: 'a' }),
    polygon('6', [0, 0, 40, 0, 40, 40], { label_id: 'a' }),
  ];

  function draw(style: CanvasStyle, scale = 2): Draw[] {
    const { ctx, draws } = recordingContext();
    drawObjectsLayer(ctx, {
      items: shapes.map(item),
      colorOf: (s) => colors[s.label_id] ?? '#00ff00',
      colorOfElement: () => '#00ff00',
      paths: new PathCache(),
      style,
      vp: { scale, tx: 0, ty: 0 },
      dpr: 1,
      skip: (id) => id === '6',
      lodTolerance: null,
    });
    return draws;
  }

  it('draws each shape with its own colour, opacity, width and dash in z-order', () => {
    const style = {
      ...DEFAULT_STYLE,
      strokeWidth: 2,
      fillOpacity: 0.2,
      occludedDash: [6, 4] as [number, number],
    };
    const common = { lineWidth: 1, lineJoin: 'bevel' };
    expect(draw(style)).toEqual([
      // Nothing stroked yet: the stroke colour is the context's default.
      { op: 'fill', fillStyle: '#ff0000', strokeStyle: '#000000', globalAlpha: 0.2, lineDash: [], ...common },
      { op: 'stroke', fillStyle: '#ff0000', strokeStyle: '#ff0000', globalAlpha: 1, lineDash: [], ...common },
      { op: 'fill', fillStyle: '#ff0000', strokeStyle: '#ff0000', globalAlpha: 0.2, lineDash: [], ...common },
      {
        op: 'stroke',
        fillStyle: '#ff0000',
        strokeStyle: '#ff0000',
        globalAlpha: 1,
        lineDash: [3, 2],
        ...common,
      },
      // Point markers: a dot fill in the label colour (a dash does not touch fills)...
      {
        op: 'fill',
        fillStyle: '#0000ff',
        strokeStyle: '#0000ff',
        globalAlpha: 1,
        lineDash: [3, 2],
        ...common,
      },
      // ...and the next outline is solid again.
      { op: 'stroke', fillStyle: '#0000ff', strokeStyle: '#0000ff', globalAlpha: 1, lineDash: [], ...common },
      // A sub-pixel shape is a filled box.
      {
        op: 'fillRect',
        fillStyle: '#ff0000',
        strokeStyle: '#0000ff',
        globalAlpha: 1,
        lineDash: [],
        ...common,
      },
    ]);
  });

  it('strokes outlined shapes in the outline colour and keeps round joins for wide strokes', () => {
    const style = { ...DEFAULT_STYLE, strokeWidth: 4, outlined: true, outlineColor: '#111111' };
    const strokes = draw(style, 1).filter((d) => d.op === 'stroke');
    expect(strokes.map((d) => d.strokeStyle)).toEqual(['#111111', '#111111', '#111111']);
    expect(strokes.every((d) => d.lineJoin === 'round' && d.lineWidth === 4)).toBe(true);
  });
});

describe('strokeJoin', () => {
  it('bevels thin strokes, where a round join is invisible, and rounds wide ones', () => {
    expect(strokeJoin(1.25)).toBe('bevel');
    expect(strokeJoin(2)).toBe('bevel');
    expect(strokeJoin(3)).toBe('round');
  });
});
