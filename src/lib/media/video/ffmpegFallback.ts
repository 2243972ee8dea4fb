/**
 * Worker side: the conversion path for what WebCodecs cannot decode (AVI/MJPEG, MPEG-4 Part 2,
 * HEVC in builds without it, odd containers). ffmpeg.wasm, single-threaded, one fresh instance
 * per job, writes every selected frame as PNG (its JPEG output hangs). The input is mounted with
 * WORKERFS, so the file is read in place rather than copied into wasm memory.
 */
import { FFFSType, type FFmpeg } from '@ffmpeg/ffmpeg';
import { VideoError } from './errors';
import type { FrameSelection } from './sampleTable';

export interface FfmpegUrls {
  coreURL: string;
  wasmURL: string;
}

export interface FfmpegProgress {
  done: number;
  /** Estimated from the duration and frame rate in ffmpeg's log; 0 while unknown. */
  total: number;
}

export interface FfmpegFrames {
  /** One PNG per selected frame, in order. */
  pngs: Uint8Array<ArrayBuffer>[];
  /** Indices of the frames in the video. */
  indices: number[];
  codec: string;
  fps: number;
  duration: number;
}

const running = new Map<string, FFmpeg>();
const aborted = new Set<string>();

/** Stops a running conversion: its ffmpeg instance is terminated and `convertWithFfmpeg` rejects. */
export function abortFfmpegJob(jobId: string): void {
  aborted.add(jobId);
  running.get(jobId)?.terminate();
}

export async function convertWithFfmpeg(
  urls: FfmpegUrls,
  jobId: string,
  blob: Blob,
  name: string,
  selection: FrameSelection,
  onProgress?: (p: FfmpegProgress) => void,
): Promise<FfmpegFrames> {
  const { FFmpeg } = await import('@ffmpeg/ffmpeg');
  if (aborted.delete(jobId)) throw abortError();
  const ffmpeg = new FFmpeg();
  running.set(jobId, ffmpeg);
  const log: string[] = [];
  let duration = 0;
  let fps = 0;
  let codec = '';
  const start = selection.startFrame ?? 0;
  const step = selection.step ?? 1;
  const stop = selection.stopFrame;
  const estimate = () => {
    if (!(duration > 0 && fps > 0)) return 0;
    const last = Math.min(Math.round(duration * fps) - 1, stop ?? Infinity);
    return Math.max(0, Math.floor((last - start) / step) + 1);
  };
  ffmpeg.on('log', ({ message }) => {
    if (log.length < 400) log.push(message);
    const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(message);
    if (d) duration = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
    const v = /Stream #0:\d+.*?: Video: (\w+)/.exec(message);
    if (v && !codec) {
      codec = v[1]!;
      const f = /(\d+(?:\.\d+)?) fps/.exec(message) ?? /(\d+(?:\.\d+)?) tbr/.exec(message);
      if (f) fps = Number(f[1]);
    }
    const p = /frame=\s*(\d+)/.exec(message);
    if (p) onProgress?.({ done: Number(p[1]), total: estimate() });
  });
  try {
    await ffmpeg.load(urls);
    await ffmpeg.createDir('/in');
    await ffmpeg.createDir('/out');
    await ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: 'input', data: blob }] }, '/in');
    const select: string[] = [];
    if (start > 0 || step > 1 || stop !== undefined) {
      const conds = [`gte(n,${start})`];
      if (stop !== undefined) conds.push(`lte(n,${stop})`);
      if (step > 1) conds.push(`not(mod(n-${start},${step}))`);
      select.push('-vf', `select='${conds.join('*')}'`);
    }
    const rc = await ffmpeg.exec([
      '-hide_banner',
      '-i',
      '/in/input',
      '-map',
      '0:v:0',
      '-an',
      '-sn',
      ...select,
      // One output image per decoded (selected) frame: no duplication or dropping by frame rate.
      '-vsync',
      'passthrough',
      '-f',
      'image2',
      '/out/%06d.png',
    ]);
    if (aborted.has(jobId)) throw abortError();
    const files = (await ffmpeg.listDir('/out'))
      .filter((f) => !f.isDir && f.name.endsWith('.png'))
      .map((f) => f.name)
      .sort();
    if (rc !== 0 || files.length === 0) {
      const why = log.filter((l) => /error|invalid|not found|could not|no such/i.test(l)).slice(-3);
      throw new VideoError(
        `"${name}" could not be decoded${codec ? ` (${codec})` : ''}: ${why.join('; ') || `ffmpeg exited with code ${rc}`}.`,
      );
    }
    const pngs: Uint8Array<ArrayBuffer>[] = [];
    for (const file of files) {
      const data = await ffmpeg.readFile(`/out/${file}`);
      if (typeof data === 'string') throw new VideoError(`unexpected text output from ffmpeg for "${name}"`);
      pngs.push(new Uint8Array(data));
      await ffmpeg.deleteFile(`/out/${file}`);
    }
    const indices = pngs.map((_, k) => start + k * step);
    onProgress?.({ done: pngs.length, total: pngs.length });
    return { pngs, indices, codec, fps, duration };
  } catch (error) {
    if (aborted.has(jobId)) throw abortError();
    throw error;
  } finally {
    running.delete(jobId);
    aborted.delete(jobId);
    ffmpeg.terminate();
  }
}

function abortError(): DOMException {
  return new DOMException('The video conversion was cancelled.', 'AbortError');
}
