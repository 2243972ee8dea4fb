/**
 * Video ingest: one call turns a video file into the frame list of a task.
 *
 * - WebCodecs path (H.264, VP8, VP9, AV1 in MP4/MOV/WebM/MKV): the sample table becomes one
 *   FrameMeta per selected frame, all pointing at the original file, which is stored once, as is.
 *   Nothing is decoded or hashed in full, so a one-hour video becomes a task in well under a
 *   second of demuxing. The file is copied into IndexedDB in the background (`stored`).
 * - ffmpeg.wasm path (AVI/MJPEG, MPEG-4 Part 2, HEVC in browsers without it, other containers):
 *   every selected frame is converted to PNG and stored as an image frame.
 */
import * as Comlink from 'comlink';
import type { FrameMeta } from '$lib/core/types';
import { putBlob } from '$lib/store';
import { getMediaWorker, type FfmpegProgress, type VideoProbe } from '$lib/workers/media';
import { VideoError } from './errors';
import { pngSize } from './pngSize';
import { selectFrames, videoFrameName } from './sampleTable';
import { registerSource, storeVideoBlob } from './sources';

export { VideoError } from './errors';
export { videoFrameName } from './sampleTable';

export interface IngestProgress {
  /** `probe` (reading the container), `convert` (ffmpeg.wasm), `store` (saving frames). */
  stage: 'probe' | 'convert' | 'store';
  done: number;
  /** 0 while unknown. */
  total: number;
}

export interface IngestVideoOptions {
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  /** First video frame to keep (default 0). */
  startFrame?: number;
  /** Last video frame to keep, inclusive (default: the last one). */
  stopFrame?: number;
  /** Keep every `step`-th frame (default 1). */
  step?: number;
}

export interface VideoInfo {
  /** Codec string (`avc1.64001f`, `vp8`) or ffmpeg's codec name on the conversion path. */
  codec: string;
  /** Display size, after rotation. */
  width: number;
  height: number;
  /** Clockwise rotation from the container, applied to the frames, in degrees. */
  rotation: number;
  fps: number;
  /** Seconds. */
  duration: number;
  decoder: 'webcodecs' | 'ffmpeg';
}

export interface IngestVideoResult {
  frames: FrameMeta[];
  info: VideoInfo;
  /**
   * Settles when the video's bytes are in IndexedDB (WebCodecs path; already settled on the
   * ffmpeg path, whose frames are stored before this returns). The task is usable before that in
   * this session; a failure here (quota) means the video will be missing after a reload.
   * Never rejects: it resolves with the error instead.
   */
  stored: Promise<Error | null>;
}

let jobs = 0;

/** Turns a video file into frames for `repository.tasks.create`. See the module comment. */
export async function ingestVideo(file: File, options: IngestVideoOptions = {}): Promise<IngestVideoResult> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const worker = getMediaWorker();
  onProgress?.({ stage: 'probe', done: 0, total: 1 });
  const probe = await abortable<VideoProbe>(worker.probeVideo(file, file.name), signal);
  onProgress?.({ stage: 'probe', done: 1, total: 1 });

  if (probe.decoder === 'webcodecs') {
    const indices = selectFrames(probe.timestamps.length, options);
    const mime = probe.mime || file.type || 'application/octet-stream';
    const frames: FrameMeta[] = new Array<FrameMeta>(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      frames[k] = {
        name: videoFrameName(file.name, i),
        width: probe.width,
        height: probe.height,
        blob: probe.key,
        mime,
        timestamp: probe.timestamps[i]!,
        keyframe: probe.keyframes[i] === 1,
        related_files: 0,
      };
    }
    registerSource(probe.key, file);
    const stored = storeVideoBlob(probe.key, file, mime).then(
      () => null,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    return {
      frames,
      info: {
        codec: probe.codec,
        width: probe.width,
        height: probe.height,
        rotation: probe.rotation,
        fps: probe.fps,
        duration: probe.duration,
        decoder: 'webcodecs',
      },
      stored,
    };
  }

  // Conversion with ffmpeg.wasm, cancellable: abort terminates the ffmpeg instance.
  const jobId = `ingest-${++jobs}-${Date.now()}`;
  const onAbort = () => void worker.abortFfmpegJob(jobId);
  signal?.addEventListener('abort', onAbort, { once: true });
  let converted;
  try {
    converted = await abortable(
      worker.convertVideoWithFfmpeg(
        jobId,
        file,
        file.name,
        { startFrame: options.startFrame, stopFrame: options.stopFrame, step: options.step },
        Comlink.proxy((p: FfmpegProgress) =>
          onProgress?.({ stage: 'convert', done: p.done, total: p.total }),
        ),
      ),
      signal,
    );
  } catch (error) {
    if (isAbort(error) || signal?.aborted) throw signal?.reason ?? error;
    if (error instanceof Error && error.name === 'VideoError') throw new VideoError(error.message);
    const reason = error instanceof Error ? error.message : String(error);
    throw new VideoError(
      `"${file.name}" cannot be decoded: ${probe.reason}, and the conversion failed (${reason}).`,
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const frames: FrameMeta[] = [];
  let width = 0;
  let height = 0;
  for (let k = 0; k < converted.pngs.length; k++) {
    signal?.throwIfAborted();
    const png = converted.pngs[k]!;
    const size = pngSize(png);
    if (!size) throw new VideoError(`"${file.name}": the conversion produced an unreadable frame.`);
    ({ width, height } = size);
    const blob = await putBlob(new Blob([png], { type: 'image/png' }));
    frames.push({
      name: videoFrameName(file.name, converted.indices[k]!),
      width,
      height,
      blob,
      mime: 'image/png',
      related_files: 0,
    });
    onProgress?.({ stage: 'store', done: k + 1, total: converted.pngs.length });
  }
  return {
    frames,
    info: {
      codec: converted.codec || probe.codec || 'unknown',
      width,
      height,
      rotation: probe.rotation,
      fps: converted.fps,
      duration: converted.duration,
      decoder: 'ffmpeg',
    },
    stored: Promise.resolve(null),
  };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Rejects as soon as `signal` aborts, whatever `promise` does. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
