/**
 * Worker side: frame-exact decoding of one video with WebCodecs. To reach a frame it seeks to the
 * key frame at or before it, then decodes forward; a decoder that is already positioned before
 * the wanted frame in the same run of packets simply continues, so playback decodes each frame
 * once. Decoded frames that nobody asked for yet are kept for a moment (`surplus`) because the
 * decoder always runs a few packets ahead of the frame being waited for.
 */
import type { EncodedPacket } from 'mediabunny';
import type { OpenedVideo } from './demux';
import { VideoError } from './errors';

/** Packets handed to the decoder and not yet consumed; a little run-ahead keeps it busy. */
const MAX_QUEUE = 3;
/** Decoded frames kept without a request for them (each holds a decoder buffer). */
const MAX_SURPLUS = 8;

export type DeliverFrame = (timestamp: number, bitmap: ImageBitmap) => void;

export class VideoFrameDecoder {
  readonly #video: OpenedVideo;
  readonly #name: string;
  #decoder: VideoDecoder | null = null;
  #packets: AsyncGenerator<EncodedPacket, void, unknown> | null = null;
  /** Decode-order sequence number of the last packet fed since the last seek. */
  #lastFedSeq = -1;
  /** Largest timestamp output since the last seek. */
  #maxOut = -Infinity;
  #ended = false;
  #surplus = new Map<number, VideoFrame>();
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  /** Serialises requests: one decoder, one position. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(video: OpenedVideo, name: string) {
    this.#video = video;
    this.#name = name;
  }

  /**
   * Decodes the frames with these timestamps (µs) in ascending order and hands each over as soon
   * as it is ready. Stops early, without error, once `cancelled()` returns true.
   */
  decode(
    timestamps: readonly number[],
    deliver: DeliverFrame,
    cancelled: () => boolean = () => false,
  ): Promise<void> {
    const sorted = [...timestamps].sort((a, b) => a - b);
    const run = this.#queue.then(async () => {
      for (const t of sorted) {
        if (cancelled() || this.#closed) return;
        const frame = await this.#frameAt(t, cancelled);
        if (!frame) return;
        let bitmap: ImageBitmap;
        try {
          bitmap = await toBitmap(frame, this.#video);
        } finally {
          frame.close();
        }
        deliver(t, bitmap);
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  close(): void {
    this.#closed = true;
    this.#reset();
    this.#video.input.dispose();
  }

  async #frameAt(t: number, cancelled: () => boolean): Promise<VideoFrame | null> {
    const ready = this.#takeSurplus(t);
    if (ready) return ready;
    if (!(await this.#canContinueTo(t))) await this.#seek(t);
    for (;;) {
      if (this.#error) {
        const error = this.#error;
        this.#reset();
        throw new VideoError(
          `Could not decode "${this.#name}" at ${(t / 1e6).toFixed(3)} s: ${error.message}`,
        );
      }
      const frame = this.#takeSurplus(t);
      if (frame) return frame;
      if (cancelled()) return null;
      const decoder = this.#decoder!;
      if (this.#ended) {
        if (decoder.decodeQueueSize > 0) {
          await this.#sleep();
          continue;
        }
        await decoder.flush().catch((e: unknown) => {
          this.#error ??= e instanceof Error ? e : new Error(String(e));
        });
        const flushed = this.#takeSurplus(t);
        if (flushed) {
          // A flushed decoder needs a key frame next: make the next request seek.
          this.#lastFedSeq = Infinity;
          return flushed;
        }
        if (this.#error) continue;
        this.#reset();
        throw new VideoError(`"${this.#name}" has no decodable frame at ${(t / 1e6).toFixed(3)} s.`);
      }
      if (decoder.decodeQueueSize >= MAX_QUEUE) {
        await this.#sleep();
        continue;
      }
      const next = await this.#packets!.next();
      if (next.done) {
        this.#ended = true;
        continue;
      }
      const packet = next.value;
      this.#lastFedSeq = packet.sequenceNumber;
      try {
        decoder.decode(packet.toEncodedVideoChunk());
      } catch (e) {
        this.#error ??= e instanceof Error ? e : new Error(String(e));
      }
    }
  }

  /** True when feeding the current run forward reaches `t` before any key frame would. */
  async #canContinueTo(t: number): Promise<boolean> {
    if (!this.#decoder || this.#decoder.state !== 'configured' || !this.#packets) return false;
    if (this.#lastFedSeq === Infinity || t <= this.#maxOut) return false;
    const key = await this.#video.sink.getKeyPacket(seconds(t), { metadataOnly: true });
    // Continue when the key frame for `t` was already fed (same run) or is the very next packet.
    return key !== null && key.sequenceNumber <= this.#lastFedSeq + 1;
  }

  async #seek(t: number): Promise<void> {
    this.#reset();
    const sink = this.#video.sink;
    // Verified: containers can flag frames as key frames that are not (or flag none at all).
    const key =
      (await sink.getKeyPacket(seconds(t), { verifyKeyPackets: true })) ??
      (await sink.getFirstKeyPacket({ verifyKeyPackets: true })) ??
      (await sink.getFirstPacket());
    if (!key) throw new VideoError(`"${this.#name}" has no frames.`);
    this.#decoder = new VideoDecoder({
      output: (frame) => this.#onOutput(frame),
      error: (e) => {
        this.#error ??= e instanceof Error ? e : new Error(String(e));
        this.#wakeUp();
      },
    });
    this.#decoder.addEventListener('dequeue', () => this.#wakeUp());
    this.#decoder.configure({ ...this.#video.config, optimizeForLatency: true });
    this.#packets = sink.packets(key);
  }

  #onOutput(frame: VideoFrame): void {
    const t = frame.timestamp;
    if (this.#closed) {
      frame.close();
      return;
    }
    if (t > this.#maxOut) this.#maxOut = t;
    this.#surplus.get(t)?.close();
    this.#surplus.set(t, frame);
    if (this.#surplus.size > MAX_SURPLUS) {
      const oldest = Math.min(...this.#surplus.keys());
      this.#surplus.get(oldest)!.close();
      this.#surplus.delete(oldest);
    }
    this.#wakeUp();
  }

  /** Takes the decoded frame for `t`, and drops the decoded frames before it. */
  #takeSurplus(t: number): VideoFrame | null {
    const frame = this.#surplus.get(t) ?? null;
    for (const [ts, f] of this.#surplus) {
      if (ts <= t) {
        if (f !== frame) f.close();
        this.#surplus.delete(ts);
      }
    }
    return frame;
  }

  #reset(): void {
    if (this.#decoder && this.#decoder.state !== 'closed') this.#decoder.close();
    this.#decoder = null;
    void this.#packets?.return();
    this.#packets = null;
    this.#lastFedSeq = -1;
    this.#maxOut = -Infinity;
    this.#ended = false;
    this.#error = null;
    for (const f of this.#surplus.values()) f.close();
    this.#surplus.clear();
  }

  #sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

/**
 * A frame's µs timestamp (truncated from seconds) back to seconds for packet look-ups: 1 µs later,
 * so that truncation cannot land just before the frame and find the previous key frame.
 */
function seconds(t: number): number {
  return (t + 1) / 1e6;
}

/** The frame as the viewer should see it: container rotation and flip applied. */
async function toBitmap(frame: VideoFrame, video: OpenedVideo): Promise<ImageBitmap> {
  if (video.rotation === 0 && !video.flip) return createImageBitmap(frame);
  const w = frame.displayWidth;
  const h = frame.displayHeight;
  const swap = video.rotation % 180 !== 0;
  const canvas = new OffscreenCanvas(swap ? h : w, swap ? w : h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new VideoError('no 2D canvas in this worker');
  ctx.translate(canvas.width / 2, canvas.height / 2);
  if (video.flip) ctx.scale(-1, 1);
  ctx.rotate((video.rotation * Math.PI) / 180);
  ctx.drawImage(frame, -w / 2, -h / 2, w, h);
  return canvas.transferToImageBitmap();
}
