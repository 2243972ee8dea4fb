import { describe, expect, it } from 'vitest';
import { createIssueTool, issueMarks, ISSUE_COLORS, markAt, POINT_RADIUS } from './issueCanvas';
import {
  canAccept,
  commentSummary,
  decisionPatch,
  issuesOnFrame,
  positionToRegion,
  QUICK_ISSUES,
  quickIssues,
  regionFromDrag,
  regionToPosition,
  reviewPermissions,
  sortIssues,
  stepIssue,
  type IssueRegion,
} from './issues';

const issue = (id: string, frame: number, resolved = false, created = '2024-01-01T00:00:00Z') => ({
  id,
  frame,
  resolved,
  created_date: created,
  position: [10, 10, 20, 20],
  comments: [{ id: `${id}c`, author: 'r', message: `about ${id}`, created_date: created }],
});

describe('review permissions by job stage', () => {
  it('lets the reviewer open issues and decide only in validation', () => {
    expect(reviewPermissions('validation')).toMatchObject({
      canReview: true,
      canOpenIssue: true,
      canDecide: true,
    });
    expect(reviewPermissions('annotation')).toMatchObject({
      canReview: false,
      canOpenIssue: false,
      canDecide: false,
    });
  });

  it('lets the annotator comment and resolve but not reopen', () => {
    expect(reviewPermissions('annotation')).toMatchObject({
      canComment: true,
      canResolve: true,
      canReopen: false,
    });
  });

  it('makes issues read-only once the job is accepted', () => {
    const p = reviewPermissions('acceptance');
    expect(Object.values(p).every((v) => v === false)).toBe(true);
  });

  it('accepts to acceptance/completed and rejects back to annotation/rejected', () => {
    expect(decisionPatch('accept')).toEqual({ stage: 'acceptance', state: 'completed' });
    expect(decisionPatch('reject')).toEqual({ stage: 'annotation', state: 'rejected' });
    expect(canAccept([issue('a', 0, true)])).toBe(true);
    expect(canAccept([issue('a', 0, true), issue('b', 1)])).toBe(false);
  });
});

describe('issue regions', () => {
  const image = { width: 100, height: 50 };

  it('makes a rectangle from a drag in any direction, clamped to the image', () => {
    expect(regionFromDrag({ x: 90, y: 40 }, { x: 120, y: -5 }, image)).toEqual({
      kind: 'rect',
      xtl: 90,
      ytl: 0,
      xbr: 100,
      ybr: 40,
    });
  });

  it('makes a point from a click', () => {
    expect(regionFromDrag({ x: 30, y: 30 }, { x: 30.5, y: 31 }, image)).toEqual({
      kind: 'point',
      x: 30.5,
      y: 31,
    });
  });

  it('round-trips through the stored position', () => {
    const regions: IssueRegion[] = [
      { kind: 'point', x: 3, y: 4 },
      { kind: 'rect', xtl: 1, ytl: 2, xbr: 3, ybr: 4 },
    ];
    for (const region of regions) expect(positionToRegion(regionToPosition(region))).toEqual(region);
  });

  it('shows a stored polygon by its bounding box and ignores malformed positions', () => {
    expect(positionToRegion([0, 0, 10, 2, 4, 8])).toEqual({ kind: 'rect', xtl: 0, ytl: 0, xbr: 10, ybr: 8 });
    expect(positionToRegion([])).toBeNull();
    expect(positionToRegion([1, 2, 3])).toBeNull();
  });
});

describe('issues list', () => {
  const list = sortIssues([
    issue('c', 5, false, '2024-01-03T00:00:00Z'),
    issue('b', 2, true, '2024-01-01T00:00:00Z'),
    issue('a', 2, false, '2024-01-02T00:00:00Z'),
    issue('d', 9),
  ]);

  it('orders by frame, open first, then by creation', () => {
    expect(list.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('steps through the list, wrapping around', () => {
    expect(stepIssue(list, 'a', 0, 1)?.id).toBe('b');
    expect(stepIssue(list, 'd', 0, 1)?.id).toBe('a');
    expect(stepIssue(list, 'a', 0, -1)?.id).toBe('d');
  });

  it('starts from the current frame when no issue is chosen', () => {
    expect(stepIssue(list, null, 3, 1)?.id).toBe('c');
    expect(stepIssue(list, null, 3, -1)?.id).toBe('b');
    expect(stepIssue(list, null, 10, 1)?.id).toBe('a');
    expect(stepIssue([], null, 0, 1)).toBeNull();
  });

  it('draws a frame’s issues, or none, or only the open ones', () => {
    expect(issuesOnFrame(list, 2).map((i) => i.id)).toEqual(['a', 'b']);
    expect(issuesOnFrame(list, 2, { hideResolved: true }).map((i) => i.id)).toEqual(['a']);
    expect(issuesOnFrame(list, 2, { hideAll: true })).toEqual([]);
  });

  it('summarises a discussion by its first and last comments', () => {
    const long = {
      comments: ['one', 'two', 'three'].map((message, i) => ({
        id: `${i}`,
        author: 'x',
        message,
        created_date: '',
      })),
    };
    expect(commentSummary(long)).toEqual({ first: 'one', last: 'three' });
    expect(commentSummary({ comments: long.comments.slice(0, 1) })).toEqual({ first: 'one', last: null });
  });
});

describe('quick issues', () => {
  it('offers the fixed ones, then this reviewer’s earlier messages, newest first', () => {
    const mine = (message: string, created: string) => ({
      owner: 'ann',
      created_date: created,
      comments: [{ id: message, author: 'ann', message, created_date: created }],
    });
    const list = quickIssues(
      [
        mine('Box cuts the wheel', '2024-01-01T00:00:00Z'),
        { ...mine('Not mine', '2024-01-03T00:00:00Z'), owner: 'bob' },
        mine('Occluded flag missing', '2024-01-02T00:00:00Z'),
        mine('Incorrect position', '2024-01-04T00:00:00Z'),
      ],
      'ann',
    );
    expect(list).toEqual([...QUICK_ISSUES, 'Occluded flag missing', 'Box cuts the wheel']);
    expect(quickIssues([], 'ann', 2)).toEqual(QUICK_ISSUES.slice(0, 2));
  });
});

describe('issues on the canvas', () => {
  const view = { worldToScreen: (p: { x: number; y: number }) => ({ x: p.x * 2 + 5, y: p.y * 2 + 7 }) };

  it('places rectangles and points on screen and colours them by state', () => {
    const marks = issueMarks(
      [
        { id: 'r', position: [10, 10, 20, 30], resolved: false },
        { id: 'p', position: [4, 4], resolved: true },
        { id: 'bad', position: [1], resolved: false },
      ],
      view,
      'p',
    );
    expect(marks).toHaveLength(2);
    expect(marks[0]).toMatchObject({
      x: 25,
      y: 27,
      width: 20,
      height: 40,
      point: false,
      color: ISSUE_COLORS.open,
    });
    expect(marks[1]).toMatchObject({
      x: 13 - POINT_RADIUS,
      y: 15 - POINT_RADIUS,
      point: true,
      active: true,
      color: ISSUE_COLORS.active,
    });
  });

  it('the issue tool reports a dragged rectangle in image coordinates', () => {
    const regions: IssueRegion[] = [];
    let redraws = 0;
    const tool = createIssueTool({ onregion: (r) => regions.push(r), requestRedraw: () => redraws++ });
    const toolView = {
      viewport: { scale: 1, tx: 0, ty: 0 },
      imageWidth: 200,
      imageHeight: 100,
      worldToScreen: (p: { x: number; y: number }) => p,
      screenToWorld: (p: { x: number; y: number }) => p,
    };
    const e = {} as PointerEvent;
    expect(tool.pointerDown({ x: 50, y: 20 }, e, toolView)).toBe(true);
    tool.pointerMove({ x: 80, y: 60 }, e, toolView);
    tool.pointerUp({ x: 90, y: 70 }, e, toolView);
    tool.pointerDown({ x: 5, y: 5 }, e, toolView);
    tool.pointerUp({ x: 5, y: 5 }, e, toolView);
    expect(regions).toEqual([
      { kind: 'rect', xtl: 50, ytl: 20, xbr: 90, ybr: 70 },
      { kind: 'point', x: 5, y: 5 },
    ]);
    expect(redraws).toBeGreaterThan(0);
  });

  it('finds the issue under a screen point, topmost first', () => {
    const marks = issueMarks(
      [
        { id: 'big', position: [0, 0, 50, 50], resolved: false },
        { id: 'small', position: [10, 10, 20, 20], resolved: false },
        { id: 'dot', position: [40, 40], resolved: true },
      ],
      { worldToScreen: (p) => p },
      null,
    );
    expect(markAt(marks, { x: 15, y: 15 })).toBe('small');
    expect(markAt(marks, { x: 30, y: 5 })).toBe('big');
    expect(markAt(marks, { x: 42, y: 41 })).toBe('dot');
    expect(markAt(marks, { x: 70, y: 70 })).toBeNull();
  });

  it('the issue tool picks an issue clicked on instead of opening one', () => {
    const regions: IssueRegion[] = [];
    const picked: string[] = [];
    const tool = createIssueTool({
      onregion: (r) => regions.push(r),
      onpick: (id) => picked.push(id),
      hit: (p) => (p.x < 10 ? 'existing' : null),
      requestRedraw: () => {},
    });
    const identity = (p: { x: number; y: number }) => p;
    const toolView = {
      viewport: { scale: 1, tx: 0, ty: 0 },
      imageWidth: 100,
      imageHeight: 100,
      worldToScreen: identity,
      screenToWorld: identity,
    };
    const e = {} as PointerEvent;
    tool.pointerDown({ x: 5, y: 5 }, e, toolView);
    tool.pointerUp({ x: 5, y: 5 }, e, toolView);
    tool.pointerDown({ x: 50, y: 50 }, e, toolView);
    tool.pointerUp({ x: 50, y: 50 }, e, toolView);
    // A drag over an issue still draws a new one.
    tool.pointerDown({ x: 2, y: 2 }, e, toolView);
    tool.pointerUp({ x: 30, y: 30 }, e, toolView);
    expect(picked).toEqual(['existing']);
    expect(regions).toEqual([
      { kind: 'point', x: 50, y: 50 },
      { kind: 'rect', xtl: 2, ytl: 2, xbr: 30, ybr: 30 },
    ]);
  });
});
