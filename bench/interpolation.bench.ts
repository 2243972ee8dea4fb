/**
 * Resolving one frame of 5,000 rectangle tracks × 200 keyframes through `TrackIndex`, timed in
 * Node (the browser is not needed). Median and p95 over random frames; budget 2 ms.
 */
import { TrackIndex } from '../src/lib/core/interpolation';
import type { Track, TrackedShape } from '../src/lib/core/types';
import type { BenchContext } from './run';
import { median, percentile, type Metrics } from './results';

const TRACKS = 5000;
const KEYFRAMES = 200;
const FRAMES = 10_000;

function makeTracks(random: () => number): Track[] {
  const tracks: Track[] = [];
  for (let t = 0; t < TRACKS; t++) {
    const shapes: TrackedShape[] = [];
    let frame = Math.floor(random() * 50);
    let x = random() * 1800;
    let y = random() * 1000;
    for (let k = 0; k < KEYFRAMES; k++) {
      x += random() * 10 - 5;
      y += random() * 10 - 5;
      shapes.push({
        type: 'rectangle',
        frame,
        occluded: false,
        outside: k === KEYFRAMES - 1 && t % 2 === 0,
        z_order: 0,
        rotation: random() * 360,
        points: [x, y, x + 40, y + 30],
        attributes: [],
      });
      frame += 1 + Math.floor(random() * 80);
    }
    tracks.push({
      id: `t${t}`,
      updated_date: '',
      author: '',
      job_id: 'j',
      frame: shapes[0]!.frame,
      label_id: 'l',
      group: 0,
      source: 'manual',
      attributes: [],
      shapes,
      elements: [],
    });
  }
  return tracks;
}

export function measure(): { medianMs: number; p95Ms: number; buildMs: number; visible: number } {
  let seed = 42;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const tracks = makeTracks(random);
  const t0 = performance.now();
  const index = new TrackIndex(tracks);
  index.tracksAt(0);
  const buildMs = performance.now() - t0;
  const times: number[] = [];
  let visible = 0;
  for (let i = 0; i < 200; i++) index.resolveFrame(Math.floor(random() * 8000)); // warm-up
  for (let i = 0; i < FRAMES; i++) {
    const frame = Math.floor(random() * 8000);
    const start = performance.now();
    visible += index.resolveFrame(frame).length;
    times.push(performance.now() - start);
  }
  return { medianMs: median(times), p95Ms: percentile(times, 95), buildMs, visible: visible / FRAMES };
}

export async function run(_ctx: BenchContext): Promise<Metrics> {
  const r = measure();
  const ms = (value: number, budget?: number) => ({
    value: Math.round(value * 1000) / 1000,
    unit: 'ms',
    better: 'lower' as const,
    ...(budget !== undefined ? { budget } : {}),
  });
  return {
    resolveFrameMedianMs: ms(r.medianMs, 2),
    resolveFrameP95Ms: ms(r.p95Ms, 2),
    indexBuildMs: ms(r.buildMs),
    visibleTracksPerFrame: { value: Math.round(r.visible), unit: 'tracks', better: 'higher' },
  };
}
