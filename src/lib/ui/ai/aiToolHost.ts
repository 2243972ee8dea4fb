/**
 * What the AI and OpenCV panels need from the job view, and the one rule they share with it:
 * a panel's canvas tool is only active while the view's own tool is "select"; activating one
 * first puts the view in select mode.
 */
import type { CanvasEngine, ExternalTool } from '$lib/canvas';
import type { FrameMeta, Id, LabelSpec } from '$lib/core/types';
import { getFrame } from '$lib/media/frameService';
import type { JobSession } from '$lib/ui/jobSession.svelte';
import { frameContentKey } from '$lib/ai/sam/embeddingCache';

export interface AiToolHostProps {
  session: JobSession;
  engine: CanvasEngine | null;
  /** The view's label for new objects. */
  labelId: Id;
  /** The view's current tool ('select' when none of its drawing tools is on). */
  pageTool: string;
  selected: Id | null;
  /** Puts the view in select mode before a panel takes the canvas. */
  onactivate(): void;
}

export function labelsFor(session: JobSession, types: readonly string[]): LabelSpec[] {
  return session.labels.filter((l) => l.type === 'any' || types.includes(l.type));
}

export function pickLabel(labels: LabelSpec[], preferred: Id, current: Id): Id {
  if (labels.some((l) => l.id === current)) return current;
  return (labels.find((l) => l.id === preferred) ?? labels[0])?.id ?? '';
}

export function frameBitmap(session: JobSession, frame: number): Promise<ImageBitmap> {
  return getFrame(session.frames, frame);
}

export function frameKey(meta: FrameMeta | undefined, frame: number): string {
  return meta ? frameContentKey(meta) : `frame:${frame}`;
}

/** Sets a panel's tool on the canvas after the view has gone to select mode. */
export function takeCanvas(props: AiToolHostProps, tool: ExternalTool): boolean {
  if (!props.engine) return false;
  props.onactivate();
  props.engine.setExternalTool(tool);
  return true;
}

/** Drops a panel's tool from the canvas unless the view put its own there (the mask editor). */
export function releaseCanvas(props: AiToolHostProps): void {
  if (props.pageTool !== 'mask') props.engine?.setExternalTool(null);
}
