import { describe, expect, it } from 'vitest';
import { PlaybackClock, playbackStep, prefetchCount, prefetchWindow } from './playback';

describe('prefetch window', () => {
  it('looks ahead while moving forward and behind while moving back, clipped to the video', () => {
    expect(prefetchWindow(10, 1, 3, 100)).toEqual([11, 12, 13]);
    expect(prefetchWindow(10, -1, 3, 100)).toEqual([9, 8, 7]);
    expect(prefetchWindow(98, 1, 5, 100)).toEqual([99]);
    expect(prefetchWindow(1, -1, 5, 100)).toEqual([0]);
    expect(prefetchWindow(0, 1, 0, 100)).toEqual([]);
  });

  it('never prefetches more than half the cache', () => {
    const frame1080 = 1920 * 1080 * 4;
    expect(prefetchCount(frame1080, 512 * 1024 * 1024, 24)).toBe(24);
    expect(prefetchCount(frame1080, 100 * 1024 * 1024, 24)).toBe(6);
    expect(prefetchCount(frame1080, frame1080, 24)).toBe(0);
    expect(prefetchCount(0, 1, 4)).toBe(4);
  });
});

describe('PlaybackClock', () => {
  it('counts frames from the start frame at the chosen rate', () => {
    const clock = new PlaybackClock(25);
    clock.start(100, 1000);
    expect(clock.frameAt(1000)).toBe(100);
    expect(clock.frameAt(1039.9)).toBe(100);
    expect(clock.frameAt(1040)).toBe(101);
    expect(clock.frameAt(2000)).toBe(125);
    expect(clock.frameAt(500)).toBe(100); // before the start: the start frame
    expect(clock.dueAt(101)).toBeCloseTo(1040);
  });

  it('is exact on frame boundaries for fractional rates', () => {
    const clock = new PlaybackClock(30000 / 1001);
    clock.start(0, 0);
    for (let f = 0; f < 2000; f += 37) expect(clock.frameAt(clock.dueAt(f))).toBe(f);
  });

  it('changes rate without a jump', () => {
    const clock = new PlaybackClock(10);
    clock.start(0, 0);
    expect(clock.frameAt(1000)).toBe(10);
    clock.setFps(20, 1000);
    expect(clock.frameAt(1000)).toBe(10);
    expect(clock.frameAt(1500)).toBe(20);
    expect(() => clock.setFps(0, 0)).toThrow(RangeError);
  });
});

describe('playbackStep', () => {
  it('waits when nothing new is due', () => {
    expect(playbackStep(5, 5, 100)).toBeNull();
    expect(playbackStep(5, 4, 100)).toBeNull();
  });

  it('shows the due frame and counts the frames dropped to catch up', () => {
    expect(playbackStep(5, 6, 100)).toEqual({ frame: 6, dropped: 0, end: false });
    expect(playbackStep(5, 9, 100)).toEqual({ frame: 9, dropped: 3, end: false });
  });

  it('ends on the last frame', () => {
    expect(playbackStep(97, 120, 100)).toEqual({ frame: 99, dropped: 1, end: true });
    expect(playbackStep(99, 120, 100)).toEqual({ frame: 99, dropped: 0, end: true });
    expect(playbackStep(98, 99, 100)).toEqual({ frame: 99, dropped: 0, end: true });
  });
});
