/**
 * End-to-end: video ingest and frame-exact decoding in headless Chromium, through the public API
 * (ingestVideo, getFrame) on a bundled page. Reference frames come from Debian's ffmpeg.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary, VideoPageApi } from '../../bench/pages/video';
import { serveVideoPage, type VideoPage } from '../../bench/videoPageServer';
import { launchBrowser, newContext, type TestContext } from '../helpers/browser';

const VIDEOS = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'assets', 'media', 'video');

interface Case {
  file: string;
  decoder: 'webcodecs' | 'ffmpeg';
  width: number;
  height: number;
  rotation: number;
}

/** Display sizes are after rotation; rotation is clockwise. */
const CASES: Case[] = [
  { file: 'cvat/video_1.mp4', decoder: 'webcodecs', width: 800, height: 800, rotation: 0 },
  {
    file: 'cvat/video_without_valid_keyframes.mp4',
    decoder: 'webcodecs',
    width: 1920,
    height: 1080,
    rotation: 0,
  },
  {
    file: 'label-studio-frontend/opossum_intro.webm',
    decoder: 'webcodecs',
    width: 1280,
    height: 720,
    rotation: 0,
  },
  // MPEG-4 Part 2 has no WebCodecs decoder: converted with ffmpeg.wasm.
  { file: 'cvat/test_rotated_90_video.mp4', decoder: 'ffmpeg', width: 100, height: 200, rotation: 270 },
  { file: 'datumaro/test.mp4', decoder: 'ffmpeg', width: 240, height: 180, rotation: 0 },
  { file: 'datumaro/video.avi', decoder: 'ffmpeg', width: 32, height: 32, rotation: 0 },
];

const MAX_MEAN_ABS_DIFF = 3;

let page: VideoPage;
let browser: Browser;
let ctx: TestContext | undefined;
let refDir: string;

function ffprobeFrames(file: string): number {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames',
    '-of',
    'csv=p=0',
    file,
  ]).toString();
  return Number(/\d+/.exec(out)?.[0]);
}

/** Frame k (presentation order, rotation applied) as raw RGBA, written under refDir. */
function reference(file: string, k: number): string {
  const name = `${basename(file).replace(/\W/g, '_')}_${k}.rgba`;
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    file,
    '-vf',
    `select=eq(n\\,${k})`,
    '-vsync',
    'passthrough',
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    join(refDir, name),
  ]);
  return `/ref/${name}`;
}

beforeAll(async () => {
  refDir = mkdtempSync(join(tmpdir(), 'loupe-video-ref-'));
  page = await serveVideoPage({ refDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await page?.close();
  if (refDir) rmSync(refDir, { recursive: true, force: true });
});

afterEach(async (test) => {
  if (ctx && test.task.result?.state === 'fail') {
    console.log(`browser log for "${test.task.name}":\n${ctx.logs.join('\n')}`);
  }
  await ctx?.context.close();
  ctx = undefined;
});

async function open(files: string[]) {
  ctx = await newContext(browser);
  await ctx.page.goto(page.url);
  await ctx.page.waitForFunction(() => 'loupeVideo' in window);
  await ctx.page.setInputFiles('#files', files);
  const p = ctx.page;
  return {
    ingest: (index: number, options: Parameters<VideoPageApi['ingest']>[1] = {}): Promise<IngestSummary> =>
      p.evaluate(([i, o]) => (window as unknown as { loupeVideo: VideoPageApi }).loupeVideo.ingest(i, o), [
        index,
        options,
      ] as const),
    ingestError: (index: number, abortAfterMs?: number) =>
      p.evaluate(
        ([i, ms]) => (window as unknown as { loupeVideo: VideoPageApi }).loupeVideo.ingestError(i, ms),
        [index, abortAfterMs] as const,
      ),
    page: p,
    adopt: (frames: unknown[]) =>
      p.evaluate(
        (f) => (window as unknown as { loupeVideo: VideoPageApi }).loupeVideo.adopt(f as never),
        frames,
      ),
    frames: (id: string) =>
      p.evaluate((i) => (window as unknown as { loupeVideo: VideoPageApi }).loupeVideo.frames(i), id),
    compare: (id: string, i: number, ref: string) =>
      p.evaluate(
        ([a, b, c]) => (window as unknown as { loupeVideo: VideoPageApi }).loupeVideo.compare(a, b, c),
        [id, i, ref] as const,
      ),
  };
}

describe('video ingest', () => {
  for (const c of CASES) {
    it(`${c.file}: every frame listed, sizes and rotation, frames match ffmpeg's`, async () => {
      const path = join(VIDEOS, c.file);
      const expected = ffprobeFrames(path);
      const api = await open([path]);
      const task = await api.ingest(0);
      expect(task.count).toBe(expected);
      expect(task.info.decoder).toBe(c.decoder);
      expect({ width: task.info.width, height: task.info.height, rotation: task.info.rotation }).toEqual({
        width: c.width,
        height: c.height,
        rotation: c.rotation,
      });
      expect(task.first.width).toBe(c.width);
      expect(task.first.height).toBe(c.height);
      expect(task.first.name).toBe(`${basename(c.file)}/frame_000000`);
      if (c.decoder === 'webcodecs') {
        expect(task.first.keyframe).toBe(true);
        expect(task.first.timestamp).toBeTypeOf('number');
        expect(task.first.blob).toMatch(/^[0-9a-f]{64}$/);
        expect(task.last.blob).toBe(task.first.blob);
      } else {
        expect(task.stages).toEqual(['probe', 'convert', 'store']);
        expect(task.first.mime).toBe('image/png');
      }
      // Out of order on purpose: seeks backwards and forwards across key frames.
      const picks = [...new Set([expected - 1, 0, Math.floor(expected / 2), 1, Math.floor(expected / 3)])];
      for (const k of picks) {
        const r = await api.compare(task.id, k, reference(path, k));
        expect({ frame: k, width: r.width, height: r.height }).toEqual({
          frame: k,
          width: c.width,
          height: c.height,
        });
        expect(r.meanAbsDiff, `frame ${k} of ${c.file}`).toBeLessThan(MAX_MEAN_ABS_DIFF);
      }
    });
  }

  it('every frame of the video without usable key frames decodes exactly, in random order', async () => {
    const path = join(VIDEOS, 'cvat/video_without_valid_keyframes.mp4');
    const api = await open([path]);
    const task = await api.ingest(0);
    const order = [24, 3, 17, 0, 12, 23, 5, 9, 18, 1, 20, 7, 15, 2, 22, 10, 4, 19, 13, 6, 21, 8, 14, 11, 16];
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(task.count).keys()]);
    for (const k of order) {
      const r = await api.compare(task.id, k, reference(path, k));
      expect(r.meanAbsDiff, `frame ${k}`).toBeLessThan(MAX_MEAN_ABS_DIFF);
    }
  });

  it('start, stop and step select video frames (WebCodecs and ffmpeg paths)', async () => {
    const webm = join(VIDEOS, 'label-studio-frontend/opossum_intro.webm');
    const avi = join(VIDEOS, 'datumaro/video.avi');
    const api = await open([webm, avi]);
    const a = await api.ingest(0, { startFrame: 10, stopFrame: 100, step: 30 });
    expect(a.count).toBe(4);
    expect(a.first.name).toBe('opossum_intro.webm/frame_000010');
    expect(a.last.name).toBe('opossum_intro.webm/frame_000100');
    const r = await api.compare(a.id, 2, reference(webm, 70));
    expect(r.meanAbsDiff).toBeLessThan(MAX_MEAN_ABS_DIFF);
    const b = await api.ingest(1, { startFrame: 1, step: 3 });
    expect(b.count).toBe(3);
    expect(b.last.name).toBe('video.avi/frame_000007');
    const s = await api.compare(b.id, 1, reference(avi, 4));
    expect(s.meanAbsDiff).toBeLessThan(MAX_MEAN_ABS_DIFF);
  });

  it('a truncated MP4 gives a clear error naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-trunc-'));
    try {
      // video_1.mp4 keeps its index (moov) at the end: cutting it loses the index.
      const noIndex = join(dir, 'cut_index.mp4');
      copyFileSync(join(VIDEOS, 'cvat/video_1.mp4'), noIndex);
      truncateSync(noIndex, Math.floor(statSync(noIndex).size * 0.6));
      // A fast-start copy keeps its index up front: cutting it loses frames the index lists.
      const noFrames = join(dir, 'cut_frames.mp4');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-i',
        join(VIDEOS, 'cvat/video_without_valid_keyframes.mp4'),
        '-c',
        'copy',
        '-movflags',
        '+faststart',
        noFrames,
      ]);
      truncateSync(noFrames, Math.floor(statSync(noFrames).size * 0.7));
      const api = await open([noIndex, noFrames]);
      const e1 = await api.ingestError(0);
      expect(e1?.message).toContain('"cut_index.mp4"');
      expect(e1?.message).toMatch(/truncated|damaged|could not be decoded/);
      const e2 = await api.ingestError(1);
      expect(e2?.message).toContain('"cut_frames.mp4"');
      expect(e2?.message).toMatch(/truncated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the player steps, seeks and plays forward in order at the chosen rate', async () => {
    const api = await open([join(VIDEOS, 'label-studio-frontend/opossum_intro.webm')]);
    const task = await api.ingest(0);
    const r = await api.page.evaluate(
      (id) => (window as unknown as { loupeVideo: VideoPageApi }).loupeVideo.playerScript(id),
      task.id,
    );
    expect(r.steps).toEqual([1, 2, 7, 5, 4]);
    expect(r.seek).toBe(100);
    // About 30 frames in one second at 30 fps, strictly increasing from 101.
    expect(r.played[0]).toBeGreaterThanOrEqual(101);
    expect(r.played.length).toBeGreaterThanOrEqual(20);
    expect(r.played.length).toBeLessThanOrEqual(32);
    for (let k = 1; k < r.played.length; k++) expect(r.played[k]!).toBeGreaterThan(r.played[k - 1]!);
    const last = r.played[r.played.length - 1]!;
    expect(last - 100).toBeGreaterThanOrEqual(25);
    expect(last - 100).toBeLessThanOrEqual(32);
  });

  it('a stored video decodes after a reload, from IndexedDB', async () => {
    const path = join(VIDEOS, 'label-studio-frontend/opossum_intro.webm');
    const api = await open([path]);
    const task = await api.ingest(0, { waitStored: true });
    expect(task.storeError).toBeNull();
    const frames = await api.frames(task.id);
    await api.page.reload();
    await api.page.waitForFunction(() => 'loupeVideo' in window);
    const id = await api.adopt(frames);
    const r = await api.compare(id, 100, reference(path, 100));
    expect(r.meanAbsDiff).toBeLessThan(MAX_MEAN_ABS_DIFF);
  });

  it('HEVC (no WebCodecs decoder in this Chromium) goes through ffmpeg.wasm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-hevc-'));
    try {
      const hevc = join(dir, 'clip_hevc.mp4');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x240:rate=25:duration=0.4',
        '-c:v',
        'libx265',
        '-x265-params',
        'log-level=error',
        '-tag:v',
        'hvc1',
        '-pix_fmt',
        'yuv420p',
        hevc,
      ]);
      const api = await open([hevc]);
      const task = await api.ingest(0);
      expect(task.info.decoder).toBe('ffmpeg');
      expect(task.count).toBe(ffprobeFrames(hevc));
      const r = await api.compare(task.id, 5, reference(hevc, 5));
      expect(r.meanAbsDiff).toBeLessThan(MAX_MEAN_ABS_DIFF);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file that is not a video gives an error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-notvideo-'));
    try {
      const bogus = join(dir, 'notes.mp4');
      execFileSync('sh', ['-c', `head -c 5000 /dev/urandom > '${bogus}'`]);
      const api = await open([bogus]);
      const error = await api.ingestError(0);
      expect(error?.name).toBe('VideoError');
      expect(error?.message).toContain('"notes.mp4"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancelling an ffmpeg.wasm conversion rejects with AbortError', async () => {
    const api = await open([join(VIDEOS, 'datumaro/test.mp4')]);
    const error = await api.ingestError(0, 300);
    expect(error?.name).toBe('AbortError');
    // The worker still works after the terminated conversion.
    const task = await api.ingest(0);
    expect(task.count).toBe(30);
  });
});
