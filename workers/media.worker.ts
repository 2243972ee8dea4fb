import * as Comlink from 'comlink';
// URL strings only: ffmpeg-core.js (112 KB) and ffmpeg-core.wasm (32 MB) are fetched by
// ffmpeg.wasm on load(), from our own origin (the library's default is a public CDN).
import ffmpegCoreUrl from '@ffmpeg/core?url';
import ffmpegWasmUrl from '@ffmpeg/core/wasm?url';
import { videoWorkerApi } from '../src/lib/media/video/workerApi';

export interface FfmpegVersionResult {
  /** First log line, e.g. "ffmpeg version 5.1.x Copyright (c) 2000-2022 the FFmpeg developers". */
  versionLine: string;
  /** Exit code of `ffmpeg -version`. */
  rc: number;
  /** A few more log lines (configuration, library versions). */
  lines: string[];
  loadMs: number;
  execMs: number;
}

const abs = (u: string) => new URL(u, self.location.href).href;

const api = {
  ...videoWorkerApi(() => ({ coreURL: abs(ffmpegCoreUrl), wasmURL: abs(ffmpegWasmUrl) })),
  /**
   * Loads ffmpeg.wasm (single-threaded core) in a fresh instance, runs `ffmpeg -version`
   * and terminates the instance again: one instance per job, as ffmpeg.wasm leaks memory
   * across big commands.
   */
  async ffmpegVersion(): Promise<FfmpegVersionResult> {
    const t0 = performance.now();
    const { FFmpeg } = await import('@ffmpeg/ffmpeg');
    const ffmpeg = new FFmpeg();
    const lines: string[] = [];
    ffmpeg.on('log', ({ message }) => lines.push(message));
    try {
      await ffmpeg.load({ coreURL: abs(ffmpegCoreUrl), wasmURL: abs(ffmpegWasmUrl) });
      const t1 = performance.now();
      const rc = await ffmpeg.exec(['-hide_banner', '-version'], 20_000);
      const t2 = performance.now();
      const versionLine = lines.find((l) => /^ffmpeg version/i.test(l)) ?? lines[0] ?? '';
      return { versionLine, rc, lines: lines.slice(0, 12), loadMs: t1 - t0, execMs: t2 - t1 };
    } finally {
      ffmpeg.terminate();
    }
  },
};

export type MediaWorkerApi = typeof api;

Comlink.expose(api);
