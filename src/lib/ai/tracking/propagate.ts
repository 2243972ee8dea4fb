/**
 * SAM-based propagation (CVAT's SAM2-tracker action, run with the interactor model): each next
 * frame is prompted with the previous frame's mask, reduced to its box and most interior
 * point, until the target frame, an empty result or cancellation.
 */
import { promptFromBitmap } from '../sam/postprocess';
import type { SamPrompt } from '../sam/prompt';

export interface PropagationStep {
  frame: number;
  bitmap: Uint8Array;
  width: number;
  height: number;
  score: number;
}

export interface PropagationOptions {
  /** The frame holding `initial`; propagation starts on the frame after it. */
  fromFrame: number;
  /** Last frame to fill (inclusive). */
  toFrame: number;
  initial: { bitmap: Uint8Array; width: number; height: number };
  /** SAM on one frame: a mask for `prompt`. Embeddings are the caller's business (cached). */
  segment(
    frame: number,
    prompt: SamPrompt,
  ): Promise<{ bitmap: Uint8Array; width: number; height: number; score: number }>;
  /** Frames to skip (deleted frames). */
  skip?: (frame: number) => boolean;
  signal?: AbortSignal;
  /** Results under this predicted IoU end the propagation (the object is likely gone). */
  minScore?: number;
}

export async function* propagateMask(options: PropagationOptions): AsyncGenerator<PropagationStep> {
  let previous = options.initial;
  for (let frame = options.fromFrame + 1; frame <= options.toFrame; frame++) {
    if (options.signal?.aborted) return;
    if (options.skip?.(frame)) continue;
    const prompt = promptFromBitmap(previous.bitmap, previous.width, previous.height);
    if (!prompt) return;
    const result = await options.segment(frame, prompt);
    if (options.signal?.aborted) return;
    if (result.score < (options.minScore ?? 0.5)) return;
    if (!result.bitmap.some((v) => v !== 0)) return;
    yield { frame, ...result };
    previous = result;
  }
}
