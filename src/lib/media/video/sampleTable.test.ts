import { describe, expect, it } from 'vitest';
import {
  contentKeyMaterial,
  estimateFps,
  findSample,
  presentationOrder,
  selectFrames,
  tableDuration,
  videoFrameName,
  type PacketInfo,
} from './sampleTable';

const p = (timestamp: number, key = false, duration = 40_000): PacketInfo => ({
  timestamp,
  duration,
  key,
  byteLength: 100,
});

describe('sample table', () => {
  it('orders B-frame streams by presentation time (frame i = sample i in presentation order)', () => {
    // Decode order I P B B, as muxed with B-frames.
    const table = presentationOrder([p(0, true), p(120_000), p(40_000), p(80_000)]);
    expect([...table.timestamps]).toEqual([0, 40_000, 80_000, 120_000]);
    expect([...table.keyframes]).toEqual([1, 0, 0, 0]);
  });

  it('keeps variable frame durations as they are', () => {
    const table = presentationOrder([p(0, true, 10_000), p(10_000, false, 50_000), p(60_000, false, 40_000)]);
    expect([...table.timestamps]).toEqual([0, 10_000, 60_000]);
    expect(tableDuration(table)).toBeCloseTo(0.1);
    expect(estimateFps(table)).toBeCloseTo(30);
    expect(findSample(table.timestamps, 60_000)).toBe(2);
    expect(findSample(table.timestamps, 60_001)).toBe(-1);
  });

  it('selects start..stop every step frames and rejects impossible ranges', () => {
    expect(selectFrames(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(selectFrames(10, { startFrame: 2, stopFrame: 8, step: 3 })).toEqual([2, 5, 8]);
    expect(selectFrames(10, { stopFrame: 100 })).toHaveLength(10);
    expect(() => selectFrames(10, { startFrame: 10 })).toThrow(/past the last frame/);
    expect(() => selectFrames(10, { step: 0 })).toThrow(/step/);
    expect(() => selectFrames(10, { startFrame: 5, stopFrame: 2 })).toThrow(/before the start/);
  });

  it('names frames after the file and index', () => {
    expect(videoFrameName('clip.mp4', 42)).toBe('clip.mp4/frame_000042');
  });

  it('content key material changes with any sample, the size or the edges', () => {
    const table = presentationOrder([p(0, true), p(40_000)]);
    const head = new Uint8Array([1, 2, 3]);
    const tail = new Uint8Array([4, 5, 6]);
    const base = contentKeyMaterial(1000, head, tail, table);
    const other = presentationOrder([p(0, true), p(40_001)]);
    expect(contentKeyMaterial(1000, head, tail, other)).not.toEqual(base);
    expect(contentKeyMaterial(1001, head, tail, table)).not.toEqual(base);
    expect(contentKeyMaterial(1000, new Uint8Array([1, 2, 4]), tail, table)).not.toEqual(base);
    expect(contentKeyMaterial(1000, head, tail, presentationOrder([p(0, true), p(40_000)]))).toEqual(base);
  });
});
