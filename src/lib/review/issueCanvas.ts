/**
 * Review issues on the canvas: the marks drawn for the issues of a frame (through the engine's
 * `addOverlay`) and the issue tool (an `ExternalTool`) that draws a new issue's region, a
 * rectangle by dragging or a point by clicking.
 */
import type { ExternalTool, Point, ToolView } from '../canvas';
import { positionToRegion, regionFromDrag, type IssueRegion } from './issues';

export const ISSUE_COLORS = { open: '#ff4d4f', resolved: '#52c41a', active: '#ffd666' } as const;
/** A point issue is drawn as a circle of this radius, CSS pixels. */
export const POINT_RADIUS = 7;

export interface IssueMark {
  id: string;
  /** Screen rectangle (CSS pixels); for points, the circle's box. */
  x: number;
  y: number;
  width: number;
  height: number;
  point: boolean;
  color: string;
  active: boolean;
}

/** Where and in which colour each issue is drawn on screen. */
export function issueMarks(
  issues: readonly { id: string; position: readonly number[]; resolved: boolean }[],
  view: Pick<ToolView, 'worldToScreen'>,
  activeId: string | null,
): IssueMark[] {
  const marks: IssueMark[] = [];
  for (const issue of issues) {
    const region = positionToRegion(issue.position);
    if (!region) continue;
    const active = issue.id === activeId;
    const color = active ? ISSUE_COLORS.active : issue.resolved ? ISSUE_COLORS.resolved : ISSUE_COLORS.open;
    if (region.kind === 'point') {
      const p = view.worldToScreen({ x: region.x, y: region.y });
      marks.push({
        id: issue.id,
        x: p.x - POINT_RADIUS,
        y: p.y - POINT_RADIUS,
        width: 2 * POINT_RADIUS,
        height: 2 * POINT_RADIUS,
        point: true,
        color,
        active,
      });
    } else {
      const a = view.worldToScreen({ x: region.xtl, y: region.ytl });
      const b = view.worldToScreen({ x: region.xbr, y: region.ybr });
      marks.push({
        id: issue.id,
        x: a.x,
        y: a.y,
        width: b.x - a.x,
        height: b.y - a.y,
        point: false,
        color,
        active,
      });
    }
  }
  return marks;
}

function strokeMark(ctx: CanvasRenderingContext2D, mark: Omit<IssueMark, 'id'>): void {
  ctx.strokeStyle = mark.color;
  ctx.fillStyle = mark.color;
  ctx.lineWidth = mark.active ? 3 : 2;
  ctx.setLineDash(mark.point ? [] : [6, 4]);
  ctx.beginPath();
  if (mark.point) {
    ctx.arc(mark.x + mark.width / 2, mark.y + mark.height / 2, mark.width / 2, 0, 2 * Math.PI);
    ctx.globalAlpha = 0.35;
    ctx.fill();
    ctx.globalAlpha = 1;
  } else {
    ctx.rect(mark.x, mark.y, mark.width, mark.height);
    ctx.globalAlpha = 0.12;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  ctx.stroke();
}

export function drawIssueMarks(ctx: CanvasRenderingContext2D, marks: readonly IssueMark[]): void {
  for (const mark of marks) strokeMark(ctx, mark);
  ctx.setLineDash([]);
}

/**
 * The issue under a screen point: the topmost (last drawn) mark that contains it, points
 * within their circle. Null when there is none.
 */
export function markAt(marks: readonly IssueMark[], screen: Point): string | null {
  for (let i = marks.length - 1; i >= 0; i--) {
    const m = marks[i]!;
    if (m.point) {
      const dx = screen.x - (m.x + m.width / 2);
      const dy = screen.y - (m.y + m.height / 2);
      if (dx * dx + dy * dy <= (m.width / 2) ** 2) return m.id;
    } else if (
      screen.x >= m.x &&
      screen.x <= m.x + m.width &&
      screen.y >= m.y &&
      screen.y <= m.y + m.height
    ) {
      return m.id;
    }
  }
  return null;
}

/**
 * The issue tool: press, drag and release draws a rectangle; a click (a drag under
 * `POINT_ISSUE_SIZE` image pixels) marks a point, unless it lands on an issue already drawn
 * (`hit` says which), which is then picked instead. `onregion` gets the finished region.
 */
export function createIssueTool(options: {
  onregion: (region: IssueRegion) => void;
  requestRedraw: () => void;
  hit?: (screen: Point, view: ToolView) => string | null;
  onpick?: (id: string) => void;
}): ExternalTool {
  let start: Point | null = null;
  let current: Point | null = null;
  return {
    pointerDown(p) {
      start = p;
      current = p;
      options.requestRedraw();
      return true;
    },
    pointerMove(p) {
      if (!start) return;
      current = p;
      options.requestRedraw();
    },
    pointerUp(p, _e, view) {
      if (!start) return;
      const region = regionFromDrag(start, p, { width: view.imageWidth, height: view.imageHeight });
      start = null;
      current = null;
      options.requestRedraw();
      const picked = region.kind === 'point' ? (options.hit?.(view.worldToScreen(p), view) ?? null) : null;
      if (picked !== null) options.onpick?.(picked);
      else options.onregion(region);
    },
    drawOverlay(ctx, view) {
      if (!start || !current) return;
      const a = view.worldToScreen(start);
      const b = view.worldToScreen(current);
      strokeMark(ctx, {
        x: Math.min(a.x, b.x),
        y: Math.min(a.y, b.y),
        width: Math.abs(b.x - a.x),
        height: Math.abs(b.y - a.y),
        point: false,
        color: ISSUE_COLORS.active,
        active: true,
      });
      ctx.setLineDash([]);
    },
    cancel() {
      start = null;
      current = null;
      options.requestRedraw();
    },
  };
}
