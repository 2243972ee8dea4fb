/**
 * The SAM encoder and decoder over any onnxruntime flavour (onnxruntime-web in the worker,
 * onnxruntime-node in tests): both expose the same Tensor and session shapes used here.
 */
import { samEncoderInput, samFrame, type SamFrame, SAM_SIZE } from './preprocess';
import { encodePrompt, type SamPrompt } from './prompt';
import { logitsToBitmap } from './postprocess';

export interface TensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}
export type TensorFactory = (data: Float32Array, dims: readonly number[]) => TensorLike;
export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
}

/** The encoder output for one image: `[1, 256, 64, 64]`, and how the image maps into it. */
export interface SamEmbedding {
  data: Float32Array;
  dims: number[];
  frame: SamFrame;
}

export interface SamMask {
  /** One byte per image pixel, 1 inside. */
  bitmap: Uint8Array;
  width: number;
  height: number;
  /** The decoder's own estimate of the mask's IoU. */
  score: number;
}

function floats(t: TensorLike | undefined, name: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array))
    throw new Error(`the SAM model gave no float output "${name}"`);
  return t.data;
}

export async function encodeImage(
  session: SessionLike,
  tensor: TensorFactory,
  rgba: ArrayLike<number>,
  width: number,
  height: number,
): Promise<SamEmbedding> {
  const input = tensor(samEncoderInput(rgba, width, height), [1, 3, SAM_SIZE, SAM_SIZE]);
  const out = await session.run({ [session.inputNames[0] ?? 'input']: input });
  input.dispose?.();
  const name = session.outputNames[0] ?? 'output';
  const result = out[name];
  const data = floats(result, name).slice();
  const dims = [...(result?.dims ?? [])];
  result?.dispose?.();
  return { data, dims, frame: samFrame(width, height) };
}

export async function decodeMask(
  session: SessionLike,
  tensor: TensorFactory,
  embedding: SamEmbedding,
  prompt: SamPrompt,
): Promise<SamMask> {
  const { frame } = embedding;
  const p = encodePrompt(prompt, frame);
  const feeds: Record<string, TensorLike> = {
    image_embeddings: tensor(embedding.data, embedding.dims),
    point_coords: tensor(p.coords, [1, p.count, 2]),
    point_labels: tensor(p.labels, [1, p.count]),
    mask_input: tensor(new Float32Array(256 * 256), [1, 1, 256, 256]),
    has_mask_input: tensor(new Float32Array([0]), [1]),
    orig_im_size: tensor(new Float32Array([frame.height, frame.width]), [2]),
  };
  const out = await session.run(feeds);
  for (const t of Object.values(feeds)) t.dispose?.();
  const masks = out['masks'];
  const logits = floats(masks, 'masks');
  const dims = masks?.dims ?? [];
  const h = dims[dims.length - 2] ?? 0;
  const w = dims[dims.length - 1] ?? 0;
  if (w !== frame.width || h !== frame.height) {
    throw new Error(`the SAM decoder gave a ${w}x${h} mask for a ${frame.width}x${frame.height} image`);
  }
  const score = floats(out['iou_predictions'], 'iou_predictions')[0] ?? 0;
  const bitmap = logitsToBitmap(logits.subarray(0, w * h));
  for (const t of Object.values(out)) t.dispose?.();
  return { bitmap, width: w, height: h, score };
}
