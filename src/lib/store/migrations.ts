/**
 * Schema migrations, one strategy per version step. Old documents are outside data: each
 * strategy parses them with valibot before it reshapes them, so a malformed document fails
 * loudly with the field that was wrong instead of being written half-migrated.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import * as v from 'valibot';
import type { MediaChunkDoc, ReviewDoc, TaskDoc } from './documents';

/** The review document as version 0 stored it. */
const ReviewV0 = v.object({
  id: v.string(),
  job_id: v.string(),
  frame: v.number(),
  position: v.array(v.number()),
  status: v.picklist(['open', 'resolved']),
  owner: v.optional(v.string(), ''),
  comments: v.array(
    v.object({ id: v.string(), author: v.string(), message: v.string(), created_date: v.string() }),
  ),
  created_date: v.string(),
  updated_date: v.string(),
});
export type ReviewDocV0 = v.InferOutput<typeof ReviewV0>;

/** Version 0 of the review schema, kept so tests can write old documents. */
export const reviewSchemaV0: RxJsonSchema<ReviewDocV0> = {
  title: 'review',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 128 },
    job_id: { type: 'string', maxLength: 128 },
    frame: { type: 'integer' },
    position: { type: 'array', items: { type: 'number' } },
    status: { type: 'string', enum: ['open', 'resolved'] },
    owner: { type: 'string' },
    comments: { type: 'array', items: { type: 'object' } },
    created_date: { type: 'string', maxLength: 40 },
    updated_date: { type: 'string', maxLength: 40 },
  },
  required: ['id', 'job_id', 'frame', 'position', 'status', 'comments', 'created_date', 'updated_date'],
  indexes: ['job_id'],
};

export function migrateReviewV0ToV1(oldDoc: unknown): ReviewDoc {
  const { status, ...rest } = v.parse(ReviewV0, oldDoc);
  return { ...rest, resolved: status === 'resolved' };
}

export const reviewMigrations: MigrationStrategies<ReviewDoc> = {
  1: migrateReviewV0ToV1,
};

/** The task document as version 0 stored it: no frame deletion yet. */
const TaskV0 = v.looseObject({
  id: v.string(),
  project_id: v.string(),
  name: v.string(),
  segment_size: v.number(),
  overlap: v.number(),
  size: v.number(),
  created_date: v.string(),
  updated_date: v.string(),
});

export function migrateTaskV0ToV1(oldDoc: unknown): TaskDoc {
  const task = v.parse(TaskV0, oldDoc);
  return { ...(task as unknown as Omit<TaskDoc, 'deleted_frames'>), deleted_frames: [] };
}

export const taskMigrations: MigrationStrategies<TaskDoc> = {
  1: migrateTaskV0ToV1,
  // Version 2 adds the optional `fps` of video tasks; older tasks simply have none.
  2: (oldDoc: TaskDoc) => oldDoc,
};

export const mediaMigrations: MigrationStrategies<MediaChunkDoc> = {
  // Version 1 adds the optional `files` of shared videos; older chunks simply have none.
  1: (oldDoc: MediaChunkDoc) => oldDoc,
};
