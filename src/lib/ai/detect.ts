/**
 * One detector run: pre-processing for the model's input, the session, and the decoder for its
 * outputs (NMS and mask post-processing included). Independent of the onnxruntime flavour, so the
 * worker (onnxruntime-web) and the Node tests (onnxruntime-node) run exactly this code.
 */
import { decodeBlazeface } from './decoders/blazeface';
import { decodeGeneric } from './decoders/generic';
import { decodeMovenet } from './decoders/movenet';
import type { OutputTensor } from './decoders/tensor';
import { requireOutput } from './decoders/tensor';
import { decodeTextDetection } from './decoders/textDetection';
import { decodeYolo } from './decoders/yolo';
import { cropImage, toTensor, type RgbaImage, type TensorSpec } from './image';
import type { Detection, DetectOptions, ModelDescriptor } from './types';

export interface SessionLike {
  readonly outputNames: readonly string[];
  run(feeds: Record<string, never>): Promise<Record<string, OutputTensor>>;
}

export type TensorFactory = (
  type: 'float32' | 'int32' | 'uint8',
  data: Float32Array | Int32Array | Uint8Array,
  dims: number[],
) => unknown;

const MULTIPLE = 32;

/** PP-OCR takes any size that is a multiple of 32: scale the longer side down to the limit. */
function dynamicSize(image: RgbaImage, limit: number): { width: number; height: number } {
  const s = Math.min(1, limit / Math.max(image.width, image.height));
  const round = (v: number) => Math.max(MULTIPLE, Math.round((v * s) / MULTIPLE) * MULTIPLE);
  return { width: round(image.width), height: round(image.height) };
}

export function inputSpec(model: ModelDescriptor, image: RgbaImage): TensorSpec {
  if (model.decoder.kind === 'ppocr-det')
    return { ...model.input, ...dynamicSize(image, Math.max(model.input.width, model.input.height)) };
  return model.input;
}

export async function runDetector(
  model: ModelDescriptor,
  session: SessionLike,
  tensor: TensorFactory,
  source: RgbaImage,
  options: DetectOptions,
): Promise<Detection[]> {
  if (model.type !== 'detector') throw new Error(`${model.name} is an interactor, not a detector.`);
  const region = options.region ? cropImage(source, options.region) : undefined;
  const image = region ?? source;
  const spec = inputSpec(model, image);
  const { data, placement } = toTensor(image, spec);
  const dims = spec.layout === 'nchw' ? [1, 3, spec.height, spec.width] : [1, spec.height, spec.width, 3];
  const elem = model.input.elemType;
  const feed =
    elem === 6
      ? tensor('int32', Int32Array.from(data, Math.round), dims)
      : elem === 2
        ? tensor(
            'uint8',
            Uint8Array.from(data, (v) => Math.max(0, Math.min(255, Math.round(v)))),
            dims,
          )
        : tensor('float32', data, dims);
  const results = await session.run({ [model.input.name]: feed } as Record<string, never>);
  const outputs = session.outputNames.map((n) => results[n]!).filter(Boolean);
  const size = { width: source.width, height: source.height };
  const classCount = model.labels.length;
  const offset = { left: region?.left ?? 0, top: region?.top ?? 0 };
  let found: Detection[];
  switch (model.decoder.kind) {
    case 'yolo':
      found = decodeYolo(model.decoder, outputs, classCount, placement, image, options, model.iouThreshold);
      break;
    case 'generic':
      found = decodeGeneric(
        model.decoder.output,
        requireOutput(results, model.decoder.output.name, 'the detections'),
        classCount,
        placement,
        image,
        options,
        model.iouThreshold,
      );
      break;
    case 'blazeface':
      found = decodeBlazeface(outputs, placement, image, options, model.iouThreshold);
      break;
    case 'movenet':
      return decodeMovenet(
        requireOutput(results, undefined, 'the keypoints'),
        placement,
        offset,
        size,
        options,
      );
    case 'ppocr-det':
      found = decodeTextDetection(
        requireOutput(results, undefined, 'the text map'),
        placement,
        image,
        options,
      );
      break;
    case 'sam':
      throw new Error(`${model.name} is an interactor; use it from the AI tools in a job.`);
  }
  return offset.left || offset.top ? found.map((d) => shift(d, offset.left, offset.top)) : found;
}

function shift(d: Detection, dx: number, dy: number): Detection {
  const box = (b: [number, number, number, number]): [number, number, number, number] => [
    b[0] + dx,
    b[1] + dy,
    b[2] + dx,
    b[3] + dy,
  ];
  switch (d.type) {
    case 'rectangle':
      return { ...d, points: box(d.points) };
    case 'polygon':
      return { ...d, points: d.points.map((v, i) => v + (i % 2 ? dy : dx)) };
    case 'skeleton':
      return {
        ...d,
        box: box(d.box),
        keypoints: d.keypoints.map((k) => ({ ...k, x: k.x + dx, y: k.y + dy })),
      };
    case 'mask':
      // Masks are only produced on whole frames.
      return d;
  }
}
