import { isDeepStrictEqual } from 'node:util';
import { ANNOTATION_COLLECTIONS, type Collection } from './access';
import type { Role } from './orgs';

/**
 * The role rules for document writes, as a pure function of the document sent, the version
 * stored on the server and the assignees of the jobs involved. The gate gathers those and
 * refuses a whole request when any of its documents breaks a rule.
 *
 * - owner, maintainer: anything in their workspace.
 * - supervisor: the annotations (frame, track, review) of any job; on jobs, only `assignee`,
 *   `stage` and `state`.
 * - worker: the annotations of jobs assigned to them (the stored and the new `job_id`), and
 *   the `state` of those jobs.
 */
export interface CouchDoc {
  _id?: string;
  _rev?: string;
  _deleted?: boolean;
  [key: string]: unknown;
}

export interface WriteCheck {
  user: string;
  role: Role;
  collection: Collection;
  /** The document as sent. */
  incoming: CouchDoc;
  /** The current version on the server, when there is one (deleted ones count as absent). */
  stored: CouchDoc | undefined;
  /** Assignee of each job id that the check may ask about (null: unassigned; absent: no such job). */
  assignees: ReadonlyMap<string, string | null>;
}

const MANAGERS: readonly Role[] = ['owner', 'maintainer'];
// Fields that change with every write, whoever makes it.
const BOOKKEEPING = new Set(['_rev', '_revisions', '_deleted', 'updated_date']);

/** The job ids a check of this write will look up (for workers). */
export function jobIdsToCheck(
  collection: Collection,
  incoming: CouchDoc,
  stored: CouchDoc | undefined,
): string[] {
  const ids = new Set<string>();
  if (ANNOTATION_COLLECTIONS.includes(collection)) {
    if (typeof incoming.job_id === 'string') ids.add(incoming.job_id);
    if (typeof stored?.job_id === 'string') ids.add(stored.job_id);
  }
  return [...ids];
}

/** Undefined when the write is allowed; otherwise the reason it is not. */
export function checkWrite(check: WriteCheck): string | undefined {
  const { role, collection, incoming, stored } = check;
  const deleting = incoming._deleted === true;

  const shape = checkShape(collection, incoming, deleting);
  if (shape) return shape;
  if (hasInlineAttachments(incoming) && !MANAGERS.includes(role))
    return 'Only owners and maintainers add attachments.';
  if (MANAGERS.includes(role)) return undefined;

  if (collection === 'project' || collection === 'task' || collection === 'media') {
    const what = collection === 'project' ? 'projects and their labels' : `${collection} documents`;
    return `Only owners and maintainers change ${what}; you are ${role}.`;
  }

  if (collection === 'job') {
    if (!stored) return `Only owners and maintainers create jobs; you are ${role}.`;
    if (deleting) return `Only owners and maintainers delete jobs; you are ${role}.`;
    const allowed =
      role === 'supervisor' ? new Set(['assignee', 'stage', 'state']) : new Set<string>(['state']);
    if (role === 'worker' && stored.assignee !== check.user)
      return 'Workers change only jobs assigned to them.';
    const changed = changedFields(stored, incoming).filter((f) => !allowed.has(f));
    if (changed.length > 0) {
      return role === 'supervisor'
        ? `Supervisors change only the assignee, stage and state of a job (not ${changed.join(', ')}).`
        : `Workers change only the state of their job (not ${changed.join(', ')}).`;
    }
    return undefined;
  }

  // Annotations: frame, track, review.
  if (role === 'supervisor') return undefined;
  const jobs = jobIdsToCheck(collection, incoming, stored);
  if (jobs.length === 0) return 'The document names no job (job_id).';
  for (const job of jobs) {
    const assignee = check.assignees.get(job);
    if (assignee === undefined) return `Job ${job} does not exist.`;
    if (assignee !== check.user)
      return `Job ${job} is not assigned to you; workers edit only their own jobs.`;
  }
  return undefined;
}

function checkShape(collection: Collection, doc: CouchDoc, deleting: boolean): string | undefined {
  if (deleting) return undefined;
  if (ANNOTATION_COLLECTIONS.includes(collection) && typeof doc.job_id !== 'string')
    return `A ${collection} document needs a job_id.`;
  if (collection === 'frame') {
    const expected = `${String(doc.job_id)}:${String(doc.frame)}`;
    if (doc._id !== expected || typeof doc.frame !== 'number')
      return `A frame document's id must be "<job_id>:<frame>" (expected "${expected}").`;
  }
  return undefined;
}

function hasInlineAttachments(doc: CouchDoc): boolean {
  const attachments = doc._attachments;
  if (attachments === undefined) return false;
  if (typeof attachments !== 'object' || attachments === null) return true;
  return Object.values(attachments as Record<string, { stub?: boolean }>).some((a) => a?.stub !== true);
}

function changedFields(before: CouchDoc, after: CouchDoc): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => !k.startsWith('_') && !BOOKKEEPING.has(k) && !isDeepStrictEqual(before[k], after[k]))
    .sort();
}
