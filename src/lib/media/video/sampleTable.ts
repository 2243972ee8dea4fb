/**
 * The sample table of a video track, in presentation order, and what is derived from it: the
 * frame list of a task, the frame rate and the cheap content key. Pure logic, unit-tested in Node.
 */

/** One sample as the demuxer reports it, in decode order. */
export interface PacketInfo {
  /** Presentation timestamp in microseconds. */
  timestamp: number;
  /** Duration in microseconds. */
  duration: number;
  key: boolean;
  byteLength: number;
}

/** Samples in presentation order: frame i of the video is sample i of this table. */
export interface SampleTable {
  timestamps: Float64Array;
  durations: Float64Array;
  keyframes: Uint8Array;
  sizes: Uint32Array;
}

/**
 * Sorts decode-order packets into presentation order. Stable, so two samples with the same
 * timestamp (a broken muxer) keep their decode order instead of being merged.
 */
export function presentationOrder(packets: readonly PacketInfo[]): SampleTable {
  const order = packets.map((_, i) => i);
  order.sort((a, b) => packets[a]!.timestamp - packets[b]!.timestamp || a - b);
  const n = order.length;
  const table: SampleTable = {
    timestamps: new Float64Array(n),
    durations: new Float64Array(n),
    keyframes: new Uint8Array(n),
    sizes: new Uint32Array(n),
  };
  order.forEach((src, i) => {
    const p = packets[src]!;
    table.timestamps[i] = p.timestamp;
    table.durations[i] = p.duration;
    table.keyframes[i] = p.key ? 1 : 0;
    table.sizes[i] = p.byteLength;
  });
  return table;
}

export interface FrameSelection {
  startFrame?: number;
  stopFrame?: number;
  step?: number;
}

/** The video frame indices a task keeps: start..stop (inclusive) every `step` frames. */
export function selectFrames(total: number, selection: FrameSelection = {}): number[] {
  const step = selection.step ?? 1;
  const start = selection.startFrame ?? 0;
  const stop = Math.min(selection.stopFrame ?? total - 1, total - 1);
  if (!Number.isInteger(step) || step < 1)
    throw new RangeError(`the frame step must be a positive integer, not ${step}`);
  if (!Number.isInteger(start) || start < 0)
    throw new RangeError(`the start frame must be 0 or more, not ${start}`);
  if (!Number.isInteger(stop)) throw new RangeError(`the stop frame must be an integer, not ${stop}`);
  if (start >= total) throw new RangeError(`the start frame ${start} is past the last frame (${total - 1})`);
  if (stop < start) throw new RangeError(`the stop frame ${stop} is before the start frame ${start}`);
  const out: number[] = [];
  for (let i = start; i <= stop; i += step) out.push(i);
  return out;
}

/** `clip.mp4/frame_000042`: unique within a task and sortable, in the style of CVAT's `frame_%06d`. */
export function videoFrameName(fileName: string, index: number): string {
  return `${fileName}/frame_${String(index).padStart(6, '0')}`;
}

/**
 * Frames per second from the timestamps: samples over the span they cover (the last sample's
 * duration included), which is right for constant rates and the average for variable ones.
 */
export function estimateFps(table: SampleTable): number {
  const n = table.timestamps.length;
  if (n === 0) return 0;
  const first = table.timestamps[0]!;
  const lastEnd = table.timestamps[n - 1]! + (table.durations[n - 1]! || 0);
  const span = lastEnd - first;
  if (span > 0 && table.durations[n - 1]! > 0) return (n * 1e6) / span;
  if (n > 1) return ((n - 1) * 1e6) / (table.timestamps[n - 1]! - first);
  return 0;
}

/** Duration in seconds, from the first sample's start to the last sample's end. */
export function tableDuration(table: SampleTable): number {
  const n = table.timestamps.length;
  if (n === 0) return 0;
  return (table.timestamps[n - 1]! + table.durations[n - 1]! - table.timestamps[0]!) / 1e6;
}

/** Index of the sample with exactly this timestamp (µs, rounded), or -1. */
export function findSample(timestamps: Float64Array, timestamp: number): number {
  let lo = 0;
  let hi = timestamps.length - 1;
  const t = Math.round(timestamp);
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = Math.round(timestamps[mid]!);
    if (v === t) return mid;
    if (v < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export const CONTENT_KEY_EDGE_BYTES = 1024 * 1024;

/**
 * The bytes hashed into a video's content key: a version tag, the file size, the first and last
 * MiB and the whole sample table (timestamps, durations, key flags and the byte size of every
 * sample). Hashing a multi-gigabyte file would take tens of seconds before the task exists;
 * this takes milliseconds. Two different files get the same key only if they have the same size,
 * the same head and tail, and the same size and timing for every single sample, which in
 * practice needs a same-size edit inside one frame's bitstream.
 */
export function contentKeyMaterial(
  size: number,
  head: Uint8Array,
  tail: Uint8Array,
  table: SampleTable,
): Uint8Array<ArrayBuffer> {
  const tag = new TextEncoder().encode('loupe-video-key-v1\0');
  const sizeBytes = new Uint8Array(new Float64Array([size]).buffer);
  const parts: Uint8Array[] = [
    tag,
    sizeBytes,
    head,
    tail,
    new Uint8Array(table.timestamps.buffer, table.timestamps.byteOffset, table.timestamps.byteLength),
    new Uint8Array(table.durations.buffer, table.durations.byteOffset, table.durations.byteLength),
    table.keyframes,
    new Uint8Array(table.sizes.buffer, table.sizes.byteOffset, table.sizes.byteLength),
  ];
  const total = parts.reduce((sum, p) => sum + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
