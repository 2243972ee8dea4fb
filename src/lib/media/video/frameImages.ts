/**
 * Worker side: frames of stored videos as JPEG files, for exports that save images (CVAT
 * writes a video task's frames as images too). An export asks for frames in order, so one
 * decoder per video carries on forward instead of seeking for every frame.
 */
import type { FrameMeta } from '../../core/types';
import { getBlob } from '../../store/blobs';
import { VideoFrameDecoder } from './decoder';
import { demux } from './demux';

const JPEG_QUALITY = 0.95;

export interface VideoFrameImages {
  /** The frame as JPEG bytes, or undefined when the video is not on this device or not decodable here. */
  read(meta: FrameMeta): Promise<Uint8Array | undefined>;
  close(): void;
}

export function videoFrameImages(): VideoFrameImages {
  let open: { key: string; decoder: VideoFrameDecoder | null } | null = null;

  async function decoderFor(meta: FrameMeta): Promise<VideoFrameDecoder | null> {
    if (open?.key === meta.blob) return open.decoder;
    open?.decoder?.close();
    open = { key: meta.blob, decoder: null };
    const blob = await getBlob(meta.blob);
    if (!blob) return null;
    const result = await demux(blob, meta.name.split('/')[0] ?? meta.name);
    if (result.kind !== 'ok') return null;
    open.decoder = new VideoFrameDecoder(result.video, meta.name);
    return open.decoder;
  }

  return {
    async read(meta) {
      if (typeof VideoDecoder === 'undefined' || typeof OffscreenCanvas === 'undefined') return undefined;
      if (meta.timestamp === undefined) return undefined;
      const decoder = await decoderFor(meta);
      if (!decoder) return undefined;
      let bitmap: ImageBitmap | undefined;
      await decoder.decode([meta.timestamp], (_, b) => (bitmap = b));
      if (!bitmap) return undefined;
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      bitmap.close();
      const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
      return new Uint8Array(await jpeg.arrayBuffer());
    },
    close() {
      open?.decoder?.close();
      open = null;
    },
  };
}
