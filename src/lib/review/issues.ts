/**
 * Review mode's rules and geometry: what a job's stage allows, the issue regions (a rectangle
 * `[xtl, ytl, xbr, ybr]` or a point `[x, y]` in image coordinates, as stored in `ReviewDoc.position`),
 * the order of the issues list and moving through it.
 *
 * Stages follow CVAT: in `validation` the reviewer opens issues and accepts or rejects the job;
 * in `annotation` the annotator (corrector) comments on issues and resolves them but opens none;
 * `acceptance` only marks the job done, so issues are read-only there.
 */
import type { JobStage, JobState } from '../core/types';
import type { ReviewDoc } from '../store/documents';

export interface ReviewPermissions {
  /** The Review workspace (the issue tool) can be switched on. */
  canReview: boolean;
  /** New issues can be opened on the frame. */
  canOpenIssue: boolean;
  canComment: boolean;
  canResolve: boolean;
  canReopen: boolean;
  canRemove: boolean;
  /** Accept or reject the job (the end of validation). */
  canDecide: boolean;
}

export function reviewPermissions(stage: JobStage): ReviewPermissions {
  switch (stage) {
    case 'validation':
      return {
        canReview: true,
        canOpenIssue: true,
        canComment: true,
        canResolve: true,
        canReopen: true,
        canRemove: true,
        canDecide: true,
      };
    case 'annotation':
      return {
        canReview: false,
        canOpenIssue: false,
        canComment: true,
        canResolve: true,
        canReopen: false,
        canRemove: false,
        canDecide: false,
      };
    case 'acceptance':
      return {
        canReview: false,
        canOpenIssue: false,
        canComment: false,
        canResolve: false,
        canReopen: false,
        canRemove: false,
        canDecide: false,
      };
  }
}

/** The job change of a review decision: accepted jobs are done, rejected ones go back to annotation. */
export function decisionPatch(decision: 'accept' | 'reject'): { stage: JobStage; state: JobState } {
  return decision === 'accept'
    ? { stage: 'acceptance', state: 'completed' }
    : { stage: 'annotation', state: 'rejected' };
}

/** Whether the job may be accepted: no issue is left open. */
export function canAccept(issues: readonly Pick<ReviewDoc, 'resolved'>[]): boolean {
  return issues.every((issue) => issue.resolved);
}

export type IssueRegion =
  | { kind: 'rect'; xtl: number; ytl: number; xbr: number; ybr: number }
  | { kind: 'point'; x: number; y: number };

/** A drag shorter than this (image pixels on each axis) is a click: the issue is a point. */
export const POINT_ISSUE_SIZE = 2;

/** The region of a drag from `a` to `b`, clamped to the image; a short drag is a point. */
export function regionFromDrag(
  a: { x: number; y: number },
  b: { x: number; y: number },
  image: { width: number; height: number },
  pointSize = POINT_ISSUE_SIZE,
): IssueRegion {
  const clampX = (x: number) => Math.min(Math.max(x, 0), image.width);
  const clampY = (y: number) => Math.min(Math.max(y, 0), image.height);
  const x1 = clampX(Math.min(a.x, b.x));
  const x2 = clampX(Math.max(a.x, b.x));
  const y1 = clampY(Math.min(a.y, b.y));
  const y2 = clampY(Math.max(a.y, b.y));
  if (x2 - x1 < pointSize && y2 - y1 < pointSize) return { kind: 'point', x: clampX(b.x), y: clampY(b.y) };
  return { kind: 'rect', xtl: x1, ytl: y1, xbr: x2, ybr: y2 };
}

export function regionToPosition(region: IssueRegion): number[] {
  return region.kind === 'point' ? [region.x, region.y] : [region.xtl, region.ytl, region.xbr, region.ybr];
}

/**
 * The region of a stored position: two numbers are a point, four a rectangle; a longer list
 * (a polygon, as CVAT may store) is shown by its bounding box. Null for an empty or odd list.
 */
export function positionToRegion(position: readonly number[]): IssueRegion | null {
  if (position.length === 2) return { kind: 'point', x: position[0]!, y: position[1]! };
  if (position.length < 4 || position.length % 2 !== 0) return null;
  const xs = position.filter((_v, i) => i % 2 === 0);
  const ys = position.filter((_v, i) => i % 2 === 1);
  return {
    kind: 'rect',
    xtl: Math.min(...xs),
    ytl: Math.min(...ys),
    xbr: Math.max(...xs),
    ybr: Math.max(...ys),
  };
}

/** The region's bounding box, a point being an empty box. */
export function regionBox(region: IssueRegion): { minX: number; minY: number; maxX: number; maxY: number } {
  return region.kind === 'point'
    ? { minX: region.x, minY: region.y, maxX: region.x, maxY: region.y }
    : { minX: region.xtl, minY: region.ytl, maxX: region.xbr, maxY: region.ybr };
}

/** Issues in list order: by frame, open before resolved, then by creation. */
export function sortIssues<T extends Pick<ReviewDoc, 'frame' | 'resolved' | 'created_date'>>(
  issues: readonly T[],
): T[] {
  return [...issues].sort(
    (a, b) =>
      a.frame - b.frame ||
      Number(a.resolved) - Number(b.resolved) ||
      a.created_date.localeCompare(b.created_date),
  );
}

/**
 * The issue after (or before) the current one in list order, wrapping around; with no current
 * issue, the first issue at or after (last at or before) `frame`. Null for an empty list.
 */
export function stepIssue<T extends Pick<ReviewDoc, 'id' | 'frame'>>(
  sorted: readonly T[],
  currentId: string | null,
  frame: number,
  direction: 1 | -1,
): T | null {
  if (sorted.length === 0) return null;
  const at = currentId === null ? -1 : sorted.findIndex((issue) => issue.id === currentId);
  if (at >= 0) return sorted[(at + direction + sorted.length) % sorted.length] ?? null;
  if (direction === 1) return sorted.find((issue) => issue.frame >= frame) ?? sorted[0]!;
  return [...sorted].reverse().find((issue) => issue.frame <= frame) ?? sorted[sorted.length - 1]!;
}

/** The issues to draw on a frame, by the list's visibility switches. */
export function issuesOnFrame<T extends Pick<ReviewDoc, 'frame' | 'resolved'>>(
  issues: readonly T[],
  frame: number,
  options: { hideAll?: boolean; hideResolved?: boolean } = {},
): T[] {
  if (options.hideAll) return [];
  return issues.filter((issue) => issue.frame === frame && !(options.hideResolved && issue.resolved));
}

/** The first and last comments, which the list shows of a long discussion (as CVAT does). */
export function commentSummary(issue: Pick<ReviewDoc, 'comments'>): { first: string; last: string | null } {
  const first = issue.comments[0]?.message ?? '';
  const last = issue.comments.length > 1 ? (issue.comments.at(-1)?.message ?? null) : null;
  return { first, last };
}

/** CVAT's quick issues, offered for a new region beside the reviewer's own earlier messages. */
export const QUICK_ISSUES = ['Incorrect position', 'Incorrect attribute', 'Missing object', 'Wrong label'];

/**
 * The quick-issue choices: the fixed ones, then the first messages of issues this reviewer
 * opened before (newest first, no repeats), `max` in all.
 */
export function quickIssues(
  issues: readonly Pick<ReviewDoc, 'owner' | 'created_date' | 'comments'>[],
  owner: string,
  max = 8,
): string[] {
  const own = [...issues]
    .filter((issue) => issue.owner === owner)
    .sort((a, b) => b.created_date.localeCompare(a.created_date))
    .map((issue) => issue.comments[0]?.message ?? '')
    .filter((text) => text !== '');
  return [...new Set([...QUICK_ISSUES, ...own])].slice(0, max);
}
