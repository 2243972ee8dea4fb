/**
 * The video half of the media worker's API: probing, WebCodecs decoding and the ffmpeg.wasm
 * conversion. `workers/media.worker.ts` exposes these through Comlink.
 */
import * as Comlink from 'comlink';
import { demux } from './demux';
import { videoContentKey } from './demux';
import { VideoFrameDecoder } from './decoder';
import { VideoError } from './errors';
import {
  abortFfmpegJob,
  convertWithFfmpeg,
  type FfmpegFrames,
  type FfmpegProgress,
  type FfmpegUrls,
} from './ffmpegFallback';
import { estimateFps, tableDuration, type FrameSelection } from './sampleTable';

export type { FfmpegFrames, FfmpegProgress } from './ffmpegFallback';

export type VideoProbe =
  | {
      decoder: 'webcodecs';
      /** Content key: SHA-256 of size, first and last MiB and the sample table. */
      key: string;
      codec: string;
      mime: string;
      width: number;
      height: number;
      rotation: number;
      fps: number;
      duration: number;
      /** Presentation order, µs. */
      timestamps: Float64Array;
      keyframes: Uint8Array;
    }
  | { decoder: 'ffmpeg'; reason: string; codec: string | null; rotation: number };

/** Videos kept open for decoding, least recently used first. */
const MAX_OPEN = 4;
const open = new Map<string, Promise<VideoFrameDecoder>>();
const cancelled = new Set<number>();

function remember(key: string, decoder: Promise<VideoFrameDecoder>): void {
  open.delete(key);
  open.set(key, decoder);
  while (open.size > MAX_OPEN) {
    const [oldest, entry] = open.entries().next().value as [string, Promise<VideoFrameDecoder>];
    open.delete(oldest);
    void entry.then((d) => d.close()).catch(() => {});
  }
}

export function videoWorkerApi(ffmpegUrls: () => FfmpegUrls) {
  return {
    /**
     * Reads the container and sample table. When WebCodecs can decode the track the video stays
     * open here, so the first frames decode without opening it again.
     */
    async probeVideo(blob: Blob, name: string): Promise<VideoProbe> {
      const result = await demux(blob, name);
      if (result.kind === 'unsupported-container') {
        return {
          decoder: 'ffmpeg',
          reason: 'container not readable by the demuxer',
          codec: null,
          rotation: 0,
        };
      }
      if (result.kind === 'unsupported-codec') {
        result.input.dispose();
        return {
          decoder: 'ffmpeg',
          reason: `codec ${result.codec} not decodable by WebCodecs here`,
          codec: result.codec,
          rotation: result.rotation,
        };
      }
      const { video, table } = result;
      const key = await videoContentKey(blob, table);
      remember(key, Promise.resolve(new VideoFrameDecoder(video, name)));
      const probe: VideoProbe = {
        decoder: 'webcodecs',
        key,
        codec: result.codec,
        mime: result.mime,
        width: video.width,
        height: video.height,
        rotation: video.rotation,
        fps: estimateFps(table),
        duration: tableDuration(table),
        timestamps: table.timestamps,
        keyframes: table.keyframes,
      };
      return Comlink.transfer(probe, [table.timestamps.buffer, table.keyframes.buffer]);
    },

    /**
     * Decodes the frames with these timestamps (µs) and calls `onFrame` for each as soon as it is
     * ready (the bitmap is transferred). `requestId` lets `cancelDecode` stop the rest.
     */
    async decodeVideoFrames(
      key: string,
      blob: Blob,
      name: string,
      timestamps: number[],
      requestId: number,
      onFrame: (timestamp: number, bitmap: ImageBitmap) => void,
    ): Promise<void> {
      let decoder = open.get(key);
      if (!decoder) {
        decoder = demux(blob, name).then((result) => {
          if (result.kind !== 'ok') {
            if (result.kind === 'unsupported-codec') result.input.dispose();
            throw new VideoError(`"${name}" cannot be decoded with WebCodecs in this browser.`);
          }
          return new VideoFrameDecoder(result.video, name);
        });
        decoder.catch(() => open.delete(key));
      }
      remember(key, decoder);
      try {
        await (
          await decoder
        ).decode(
          timestamps,
          (t, bitmap) => void onFrame(t, Comlink.transfer(bitmap, [bitmap])),
          () => cancelled.has(requestId),
        );
      } finally {
        cancelled.delete(requestId);
      }
    },

    cancelDecode(requestId: number): void {
      cancelled.add(requestId);
    },

    closeVideo(key: string): void {
      const entry = open.get(key);
      open.delete(key);
      void entry?.then((d) => d.close()).catch(() => {});
    },

    async convertVideoWithFfmpeg(
      jobId: string,
      blob: Blob,
      name: string,
      selection: FrameSelection,
      onProgress?: (p: FfmpegProgress) => void,
    ): Promise<FfmpegFrames> {
      const result = await convertWithFfmpeg(ffmpegUrls(), jobId, blob, name, selection, onProgress);
      return Comlink.transfer(
        result,
        result.pngs.map((p) => p.buffer),
      );
    },

    abortFfmpegJob(jobId: string): void {
      abortFfmpegJob(jobId);
    },
  };
}
