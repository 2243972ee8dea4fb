import { newId, now } from '../core/ids';
import type { Id } from '../core/types';
import type { WorkspaceDatabase } from './database';
import type { ReviewComment, ReviewDoc } from './documents';
import { guardQuota, NotFoundError } from './errors';

export interface NewReview {
  job_id: Id;
  frame: number;
  position: number[];
  owner: string;
  message: string;
}

export interface ReviewStore {
  /** Opens an issue with its first comment. */
  create(input: NewReview): Promise<ReviewDoc>;
  /** Ordered by frame, then creation. */
  listByJob(jobId: Id): Promise<ReviewDoc[]>;
  addComment(id: Id, author: string, message: string): Promise<ReviewDoc>;
  setResolved(id: Id, resolved: boolean): Promise<ReviewDoc>;
  /** Removes an issue with its comments (CVAT's Remove on an issue). */
  remove(id: Id): Promise<void>;
}

export function createReviewStore(db: WorkspaceDatabase): ReviewStore {
  async function modify(id: Id, change: (review: ReviewDoc) => ReviewDoc): Promise<ReviewDoc> {
    const doc = await db.review.findOne(id).exec();
    if (!doc) throw new NotFoundError('Review', id);
    const updated = await guardQuota(() =>
      doc.incrementalModify((data) => ({ ...change(data), updated_date: now() })),
    );
    return updated.toMutableJSON();
  }

  return {
    async create(input) {
      const date = now();
      const comment: ReviewComment = {
        id: newId(),
        author: input.owner,
        message: input.message,
        created_date: date,
      };
      const review: ReviewDoc = {
        id: newId(),
        job_id: input.job_id,
        frame: input.frame,
        position: input.position,
        resolved: false,
        owner: input.owner,
        comments: [comment],
        created_date: date,
        updated_date: date,
      };
      await guardQuota(() => db.review.insert(review));
      return review;
    },
    async listByJob(jobId) {
      const docs = await db.review.find({ selector: { job_id: jobId } }).exec();
      return docs.map((doc) => doc.toMutableJSON()).sort((a, b) => a.frame - b.frame);
    },
    addComment(id, author, message) {
      return modify(id, (review) => ({
        ...review,
        comments: [...review.comments, { id: newId(), author, message, created_date: now() }],
      }));
    },
    setResolved(id, resolved) {
      return modify(id, (review) => ({ ...review, resolved }));
    },
    async remove(id) {
      const doc = await db.review.findOne(id).exec();
      if (!doc) throw new NotFoundError('Review', id);
      await doc.remove();
    },
  };
}
