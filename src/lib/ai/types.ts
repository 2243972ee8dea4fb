/** What a model is, and what a detector returns, in the model's own label space. */
import type { TensorSpec } from './image';

/** Shape a model label produces; skeletons carry their keypoint names. */
export interface ModelLabel {
  name: string;
  type: 'rectangle' | 'polygon' | 'mask' | 'skeleton' | 'points';
  /** Skeleton keypoints, in output order. */
  sublabels?: string[];
}

export interface ModelFile {
  /** `model` for detectors; `encoder` and `decoder` for SAM-family pairs. */
  role: 'model' | 'encoder' | 'decoder';
  /** Where the bytes come from: a same-origin URL for built-ins, `opfs:<name>` for user models. */
  url: string;
  bytes: number;
}

export interface ModelInput {
  name: string;
  /** ONNX element type: 1 float32, 2 uint8, 6 int32. */
  elemType: number;
}

/** How raw outputs become detections. */
export type DecoderSpec =
  | {
      kind: 'yolo';
      task: 'detect' | 'segment' | 'pose' | 'obb';
      /** Keypoints per instance and values per keypoint, for pose. */
      kpt?: [number, number];
    }
  | { kind: 'blazeface' }
  | { kind: 'movenet' }
  | { kind: 'ppocr-det' }
  | { kind: 'generic'; output: GenericOutput }
  | { kind: 'sam' };

/**
 * Rows of one output tensor `[1, N, K]` (or `[N, K]`): box in `format`, a score column, and
 * either a class column or a run of per-class score columns.
 */
export interface GenericOutput {
  name?: string;
  format: 'xyxy' | 'xywh' | 'cxcywh';
  /** Box values are 0–1 of the input size. */
  normalized: boolean;
  /** Column of the box's first value. */
  box: number;
  score?: number;
  class?: number;
  /** First column of per-class scores (their count is the label count). */
  classScores?: number;
  /** Rows are columns (`[1, K, N]`), as Ultralytics lays them out. */
  transposed?: boolean;
}

export type ModelType = 'detector' | 'interactor';

export interface ModelDescriptor {
  id: string;
  name: string;
  type: ModelType;
  framework: string;
  description: string;
  licence: string;
  builtin: boolean;
  labels: ModelLabel[];
  files: ModelFile[];
  input: ModelInput & TensorSpec;
  decoder: DecoderSpec;
  /** Non-maximum suppression overlap for this model's boxes. */
  iouThreshold: number;
  /** Default confidence threshold shown in the dialogs. */
  defaultThreshold: number;
}

export type Point = [number, number];

interface DetectionBase {
  /** Index into the model's labels. */
  label: number;
  score: number;
}

/** Image pixel coordinates; rectangles as CVAT `[xtl, ytl, xbr, ybr]` with rotation in degrees. */
export type Detection =
  | (DetectionBase & { type: 'rectangle'; points: [number, number, number, number]; rotation: number })
  | (DetectionBase & { type: 'polygon'; points: number[] })
  | (DetectionBase & {
      type: 'mask';
      /** CVAT mask points: RLE of the cropped bitmap, then `[left, top, right, bottom]`. */
      points: number[];
      box: [number, number, number, number];
    })
  | (DetectionBase & {
      type: 'skeleton';
      box: [number, number, number, number];
      keypoints: { x: number; y: number; score: number }[];
    });

export interface DetectOptions {
  /** Keep detections at or above this score (CVAT's `threshold`, 0.5 by default). */
  threshold: number;
  /** Masks are returned as polygons (CVAT's "convert masks to polygons"). */
  masksAsPolygons: boolean;
  /** Keypoints below this score are marked outside. */
  keypointThreshold?: number;
  /** Run on this region of the image only (pose on a person box). */
  region?: [number, number, number, number];
}
