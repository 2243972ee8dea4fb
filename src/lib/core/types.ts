/**
 * Domain types of Loupe. Field names follow CVAT's API so that CVAT formats round-trip
 * without renaming; IDs are client-generated ULIDs (strings) instead of server integers.
 */

export type Id = string;

/** ISO-8601 timestamp. */
export type Timestamp = string;

export const SHAPE_TYPES = [
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'cuboid',
  'mask',
  'skeleton',
] as const;
export type ShapeType = (typeof SHAPE_TYPES)[number];

export const LABEL_TYPES = [
  'any',
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'cuboid',
  'mask',
  'skeleton',
  'tag',
] as const;
export type LabelType = (typeof LABEL_TYPES)[number];

export const INPUT_TYPES = ['select', 'radio', 'checkbox', 'text', 'number'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export const JOB_STAGES = ['annotation', 'validation', 'acceptance'] as const;
export type JobStage = (typeof JOB_STAGES)[number];

export const JOB_STATES = ['new', 'in progress', 'completed', 'rejected'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOB_TYPES = ['annotation', 'ground_truth'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const SORTING_METHODS = ['lexicographical', 'natural', 'predefined', 'random'] as const;
export type SortingMethod = (typeof SORTING_METHODS)[number];

export type Dimension = '2d' | '3d';
export type TaskMode = 'annotation' | 'interpolation';
export type Source = 'manual' | 'auto' | 'semi-auto' | 'file' | 'consensus';

/** An attribute of a label. For `number`, `values` is `[min, max, step]` as in CVAT. */
export interface AttributeSpec {
  id: Id;
  name: string;
  input_type: InputType;
  mutable: boolean;
  values: string[];
  default_value: string;
}

/** A keypoint of a skeleton label. */
export interface SublabelSpec {
  id: Id;
  name: string;
  color: string;
  type: 'points';
  attributes: AttributeSpec[];
}

export interface LabelSpec {
  id: Id;
  name: string;
  color: string;
  type: LabelType;
  attributes: AttributeSpec[];
  /** Skeleton keypoints; empty for other label types. */
  sublabels: SublabelSpec[];
  /** Skeleton drawing: SVG elements of points and edges, as CVAT stores it. */
  svg: string;
}

/** All attribute values are strings, as in CVAT. */
export interface AttributeValue {
  spec_id: Id;
  value: string;
}

/** Fields every drawn object carries, for per-object merges during sync. */
export interface ObjectMeta {
  id: Id;
  updated_date: Timestamp;
  /** User name of the last editor. */
  author: string;
}

interface ShapeBase extends ObjectMeta {
  frame: number;
  /** Per-object colour chosen by the annotator (used when colouring by instance). */
  color?: string;
  label_id: Id;
  occluded: boolean;
  outside: boolean;
  z_order: number;
  /** Degrees, clockwise, around the centre (rectangles and ellipses). */
  rotation: number;
  group: number;
  source: Source;
  attributes: AttributeValue[];
}

/**
 * `points` encodings (CVAT's): rectangle `[xtl, ytl, xbr, ybr]`; polygon/polyline/points flat
 * `[x0, y0, …]`; ellipse `[cx, cy, rx, ty]`; cuboid 8 points; mask RLE followed by
 * `[left, top, right, bottom]`; skeleton geometry lives in `elements`.
 */
export interface RectangleShape extends ShapeBase {
  type: 'rectangle';
  points: [number, number, number, number];
}
export interface PolygonShape extends ShapeBase {
  type: 'polygon';
  points: number[];
}
export interface PolylineShape extends ShapeBase {
  type: 'polyline';
  points: number[];
}
export interface PointsShape extends ShapeBase {
  type: 'points';
  points: number[];
}
export interface EllipseShape extends ShapeBase {
  type: 'ellipse';
  points: [number, number, number, number];
}
export interface CuboidShape extends ShapeBase {
  type: 'cuboid';
  points: number[];
}
export interface MaskShape extends ShapeBase {
  type: 'mask';
  points: number[];
}
export interface SkeletonElement {
  label_id: Id;
  type: 'points';
  points: [number, number];
  occluded: boolean;
  outside: boolean;
  attributes: AttributeValue[];
}
export interface SkeletonShape extends ShapeBase {
  type: 'skeleton';
  points: [];
  elements: SkeletonElement[];
}

export type Shape =
  | RectangleShape
  | PolygonShape
  | PolylineShape
  | PointsShape
  | EllipseShape
  | CuboidShape
  | MaskShape
  | SkeletonShape;

export interface Tag extends ObjectMeta {
  frame: number;
  label_id: Id;
  group: number;
  source: Source;
  attributes: AttributeValue[];
}

/** A keyframe of a track; label, group and source come from the track. */
export interface TrackedShape {
  type: ShapeType;
  frame: number;
  occluded: boolean;
  outside: boolean;
  z_order: number;
  rotation: number;
  points: number[];
  attributes: AttributeValue[];
}

export interface Track extends ObjectMeta {
  job_id: Id;
  frame: number;
  label_id: Id;
  group: number;
  source: Source;
  attributes: AttributeValue[];
  /** Keyframes sorted by frame. */
  shapes: TrackedShape[];
  elements: { label_id: Id; shapes: TrackedShape[]; attributes: AttributeValue[] }[];
}

/** An annotation object on one frame: a shape or a tag. */
export type FrameObject = ({ kind: 'shape' } & Shape) | ({ kind: 'tag' } & Tag);

export interface Project {
  id: Id;
  name: string;
  labels: LabelSpec[];
  bug_tracker: string;
  owner: string;
  created_date: Timestamp;
  updated_date: Timestamp;
}

export interface Task {
  id: Id;
  project_id: Id;
  name: string;
  mode: TaskMode;
  dimension: Dimension;
  subset: string;
  /** Frames per job; 0 means one job for the whole task. */
  segment_size: number;
  overlap: number;
  image_quality: number;
  start_frame: number;
  stop_frame: number;
  /** `step=N` as in CVAT, or empty. */
  frame_filter: string;
  sorting_method: SortingMethod;
  size: number;
  /** Frames hidden from annotation and export, as CVAT's frame deleting; restorable. */
  deleted_frames: number[];
  /** Video tasks: the source rate divided by the frame step, the player's default speed. */
  fps?: number;
  owner: string;
  created_date: Timestamp;
  updated_date: Timestamp;
}

export interface Job {
  id: Id;
  task_id: Id;
  project_id: Id;
  type: JobType;
  stage: JobStage;
  state: JobState;
  assignee: string | null;
  /** Task-global, inclusive. */
  start_frame: number;
  stop_frame: number;
  created_date: Timestamp;
  updated_date: Timestamp;
}

/** Metadata of one frame of a task. Images point at a blob by SHA-256. */
export interface FrameMeta {
  name: string;
  width: number;
  height: number;
  /** SHA-256 of the image bytes (images), or of the video file (video). */
  blob: string;
  mime: string;
  /** Presentation timestamp in microseconds, for video frames. */
  timestamp?: number;
  keyframe?: boolean;
  related_files: number;
  /** SHA-256 of the context (related) images of this frame. */
  related?: string[];
  /** Point clouds: the number of points and the PCD fields. */
  points?: number;
  fields?: string[];
}
