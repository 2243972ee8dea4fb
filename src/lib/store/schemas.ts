/**
 * RxDB JSON schemas of the workspace collections. Nested domain structures (labels, shapes,
 * keyframes) are typed loosely here: their rules live in lib/core and are checked at the
 * boundaries where outside data comes in (imports, migrations).
 * Bump `version` and add a strategy in migrations.ts whenever a stored shape changes.
 */
import type { RxJsonSchema } from 'rxdb';
import type {
  ConflictLogDoc,
  FrameDoc,
  JobDoc,
  MediaChunkDoc,
  ProjectDoc,
  ReviewDoc,
  TaskDoc,
  TrackDoc,
} from './documents';

const ID = { type: 'string', maxLength: 128 } as const;
/** Composite ids: `${parentId}:${number}`. */
const COMPOSITE_ID = { type: 'string', maxLength: 160 } as const;
const DATE = { type: 'string', maxLength: 40 } as const;
const FRAME_NUMBER = { type: 'integer', minimum: 0, maximum: 1e9, multipleOf: 1 } as const;
const STRING = { type: 'string' } as const;
const INTEGER = { type: 'integer' } as const;
const OBJECT_ARRAY = { type: 'array', items: { type: 'object' } } as const;

export const projectSchema: RxJsonSchema<ProjectDoc> = {
  title: 'project',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    name: STRING,
    labels: OBJECT_ARRAY,
    bug_tracker: STRING,
    owner: STRING,
    created_date: DATE,
    updated_date: DATE,
  },
  required: ['id', 'name', 'labels', 'owner', 'created_date', 'updated_date'],
};

export const taskSchema: RxJsonSchema<TaskDoc> = {
  title: 'task',
  version: 2,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    project_id: ID,
    name: STRING,
    mode: { type: 'string', enum: ['annotation', 'interpolation'] },
    dimension: { type: 'string', enum: ['2d', '3d'] },
    subset: STRING,
    segment_size: INTEGER,
    overlap: INTEGER,
    image_quality: INTEGER,
    start_frame: INTEGER,
    stop_frame: INTEGER,
    frame_filter: STRING,
    sorting_method: STRING,
    size: INTEGER,
    deleted_frames: { type: 'array', items: FRAME_NUMBER },
    fps: { type: 'number', minimum: 0 },
    owner: STRING,
    created_date: DATE,
    updated_date: DATE,
  },
  required: [
    'id',
    'project_id',
    'name',
    'segment_size',
    'overlap',
    'size',
    'deleted_frames',
    'created_date',
    'updated_date',
  ],
  indexes: ['project_id'],
};

export const jobSchema: RxJsonSchema<JobDoc> = {
  title: 'job',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    task_id: ID,
    project_id: ID,
    type: STRING,
    stage: STRING,
    state: STRING,
    assignee: { type: ['string', 'null'] },
    start_frame: INTEGER,
    stop_frame: INTEGER,
    created_date: DATE,
    updated_date: DATE,
  },
  required: ['id', 'task_id', 'project_id', 'start_frame', 'stop_frame', 'created_date', 'updated_date'],
  indexes: ['task_id'],
};

/** v1: the optional `files` (video content key → SHA-256 of its bytes on the sync server). */
export const mediaSchema: RxJsonSchema<MediaChunkDoc> = {
  title: 'media',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: COMPOSITE_ID,
    task_id: ID,
    chunk: INTEGER,
    frames: OBJECT_ARRAY,
    files: { type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    updated_date: DATE,
  },
  required: ['id', 'task_id', 'chunk', 'frames', 'updated_date'],
  indexes: ['task_id'],
};

export const frameSchema: RxJsonSchema<FrameDoc> = {
  title: 'frame',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: COMPOSITE_ID,
    job_id: ID,
    frame: FRAME_NUMBER,
    objects: { type: 'object' },
    removed: { type: 'object' },
    updated_date: DATE,
  },
  required: ['id', 'job_id', 'frame', 'objects', 'removed', 'updated_date'],
  indexes: [['job_id', 'frame']],
};

export const trackSchema: RxJsonSchema<TrackDoc> = {
  title: 'track',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    job_id: ID,
    frame: INTEGER,
    label_id: STRING,
    group: INTEGER,
    source: STRING,
    attributes: OBJECT_ARRAY,
    shapes: OBJECT_ARRAY,
    elements: OBJECT_ARRAY,
    author: STRING,
    updated_date: DATE,
  },
  required: ['id', 'job_id', 'frame', 'label_id', 'shapes', 'updated_date'],
  indexes: ['job_id'],
};

/** v1: `resolved: boolean` replaced v0's `status: 'open' | 'resolved'` (see migrations.ts). */
export const reviewSchema: RxJsonSchema<ReviewDoc> = {
  title: 'review',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: ID,
    job_id: ID,
    frame: INTEGER,
    position: { type: 'array', items: { type: 'number' } },
    resolved: { type: 'boolean' },
    owner: STRING,
    comments: OBJECT_ARRAY,
    created_date: DATE,
    updated_date: DATE,
  },
  required: ['id', 'job_id', 'frame', 'position', 'resolved', 'comments', 'created_date', 'updated_date'],
  indexes: ['job_id'],
};

export const conflictLogSchema: RxJsonSchema<ConflictLogDoc> = {
  title: 'conflict log',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 400 },
    doc_collection: STRING,
    doc_id: STRING,
    object_id: STRING,
    fields: { type: 'array', items: STRING },
    kept: STRING,
    lost: STRING,
    kept_date: DATE,
    lost_date: DATE,
    lost_side: { type: 'string', enum: ['fork', 'master'] },
    dismissed: { type: 'boolean' },
    created_date: DATE,
    updated_date: DATE,
  },
  required: [
    'id',
    'doc_collection',
    'doc_id',
    'object_id',
    'fields',
    'kept',
    'lost',
    'created_date',
    'updated_date',
  ],
  indexes: ['created_date'],
};
