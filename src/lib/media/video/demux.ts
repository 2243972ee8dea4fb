/**
 * Worker side: opens a video with Mediabunny (MP4/MOV/WebM/MKV and more), reads its sample table
 * and decides whether WebCodecs can decode it. Nothing is decoded here.
 */
import {
  ALL_FORMATS,
  BlobSource,
  EncodedPacketSink,
  Input,
  UnsupportedInputFormatError,
  type InputVideoTrack,
} from 'mediabunny';
import {
  CONTENT_KEY_EDGE_BYTES,
  contentKeyMaterial,
  presentationOrder,
  type PacketInfo,
  type SampleTable,
} from './sampleTable';
import { VideoError } from './errors';

export interface OpenedVideo {
  input: Input<BlobSource>;
  track: InputVideoTrack;
  sink: EncodedPacketSink;
  config: VideoDecoderConfig;
  rotation: 0 | 90 | 180 | 270;
  flip: boolean;
  /** Display size, after rotation. */
  width: number;
  height: number;
}

export type DemuxResult =
  | { kind: 'unsupported-container' }
  | {
      kind: 'unsupported-codec';
      codec: string;
      rotation: number;
      width: number;
      height: number;
      input: Input<BlobSource>;
    }
  | {
      kind: 'ok';
      video: OpenedVideo;
      codec: string;
      mime: string;
      table: SampleTable;
    };

/** Opens the container and reads its sample table; throws a VideoError naming the file when it is damaged. */
export async function demux(blob: Blob, name: string): Promise<DemuxResult> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  let format;
  try {
    format = await input.getFormat();
  } catch (error) {
    input.dispose();
    if (error instanceof UnsupportedInputFormatError) return { kind: 'unsupported-container' };
    throw damaged(name, error);
  }
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) {
      const tracks = await input.getTracks();
      throw new VideoError(
        tracks.length === 0
          ? `"${name}" is truncated or damaged: it holds no track index (for MP4, the "moov" box is missing).`
          : `"${name}" has no video track.`,
      );
    }
    const rotation = await track.getRotation();
    const width = await track.getDisplayWidth();
    const height = await track.getDisplayHeight();
    const codec = await track.getCodec();
    const config = codec ? await track.getDecoderConfig() : null;
    const decodable = config ? await track.canDecode() : false;
    if (!codec || !config || !decodable) {
      const label = codec ?? (await track.getCodecParameterString()) ?? 'unknown codec';
      return { kind: 'unsupported-codec', codec: label, rotation, width, height, input };
    }
    const sink = new EncodedPacketSink(track);
    const packets: PacketInfo[] = [];
    for await (const p of sink.packets(undefined, undefined, { metadataOnly: true })) {
      packets.push({
        // Exactly as the packet will be timestamped when handed to the decoder.
        timestamp: p.microsecondTimestamp,
        duration: p.microsecondDuration,
        key: p.type === 'key',
        byteLength: p.byteLength,
      });
    }
    if (packets.length === 0) throw new VideoError(`"${name}" has a video track without frames.`);
    // The sample table can list samples the file no longer holds (a cut-off download): read the
    // last one, which sits at the end of the data.
    const last = await sink.getPacket(Infinity).catch((error: unknown) => {
      throw damaged(name, error);
    });
    if (!last || last.data.byteLength < last.byteLength || last.data.byteLength === 0) {
      throw new VideoError(`"${name}" is truncated: its last frames are missing from the file.`);
    }
    return {
      kind: 'ok',
      video: { input, track, sink, config, rotation, flip: await track.getFlip(), width, height },
      codec: (await track.getCodecParameterString()) ?? codec,
      mime: format.mimeType,
      table: presentationOrder(packets),
    };
  } catch (error) {
    input.dispose();
    if (error instanceof VideoError) throw error;
    throw damaged(name, error);
  }
}

function damaged(name: string, error: unknown): VideoError {
  const reason = error instanceof Error ? error.message : String(error);
  return new VideoError(`"${name}" is damaged or truncated and cannot be read (${reason}).`);
}

/** SHA-256 (hex) of `contentKeyMaterial`: cheap to compute whatever the file size. */
export async function videoContentKey(blob: Blob, table: SampleTable): Promise<string> {
  const edge = Math.min(CONTENT_KEY_EDGE_BYTES, blob.size);
  const head = new Uint8Array(await blob.slice(0, edge).arrayBuffer());
  const tail = new Uint8Array(await blob.slice(blob.size - edge).arrayBuffer());
  const material = contentKeyMaterial(blob.size, head, tail, table);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', material));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
