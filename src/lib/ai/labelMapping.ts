/**
 * Model labels → task labels, as CVAT's detector and automatic annotation dialogs do: matched by
 * name (case, spaces, dashes and underscores ignored), editable, with skeleton keypoints mapped by
 * sublabel name. Unmapped model labels are dropped from the results.
 */
import { createShape } from '../core/shapes';
import type { FrameObject, Id, LabelSpec, Shape, SkeletonElement } from '../core/types';
import type { Detection, ModelLabel } from './types';

export interface LabelMappingEntry {
  label_id: Id;
  /** Model keypoint name → task sublabel id, for skeletons. */
  sublabels: Record<string, Id>;
}

/** Keyed by model label name. */
export type LabelMapping = Record<string, LabelMappingEntry>;

export const normalizeLabelName = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

/** Which task labels can take a model label's results. */
export function compatible(model: ModelLabel, task: LabelSpec): boolean {
  if (task.type === 'tag') return false;
  if (model.type === 'skeleton')
    return (
      task.type === 'skeleton' || task.type === 'rectangle' || task.type === 'points' || task.type === 'any'
    );
  if (task.type === 'skeleton') return false;
  if (task.type === 'any' || task.type === 'rectangle') return true;
  if (model.type === 'mask') return task.type === 'mask' || task.type === 'polygon';
  if (model.type === 'polygon') return task.type === 'polygon' || task.type === 'mask';
  return task.type === model.type;
}

export function sublabelMapping(model: ModelLabel, task: LabelSpec): Record<string, Id> {
  const out: Record<string, Id> = {};
  if (task.type !== 'skeleton') return out;
  const byName = new Map(task.sublabels.map((s) => [normalizeLabelName(s.name), s.id]));
  for (const name of model.sublabels ?? []) {
    const id = byName.get(normalizeLabelName(name));
    if (id) out[name] = id;
  }
  // Skeletons drawn with numbered points ("1".."17") match a same-sized model skeleton by order.
  const names = model.sublabels ?? [];
  if (Object.keys(out).length === 0 && names.length > 0 && names.length === task.sublabels.length) {
    names.forEach((name, i) => (out[name] = task.sublabels[i]!.id));
  }
  return out;
}

/** The mapping CVAT proposes: every model label whose name matches a compatible task label. */
export function defaultMapping(
  modelLabels: readonly ModelLabel[],
  taskLabels: readonly LabelSpec[],
): LabelMapping {
  const mapping: LabelMapping = {};
  for (const label of modelLabels) {
    const target = taskLabels.find(
      (t) => normalizeLabelName(t.name) === normalizeLabelName(label.name) && compatible(label, t),
    );
    if (target) mapping[label.name] = { label_id: target.id, sublabels: sublabelMapping(label, target) };
  }
  return mapping;
}

export interface ToObjectsContext {
  frame: number;
  modelLabels: readonly ModelLabel[];
  taskLabels: readonly LabelSpec[];
  mapping: LabelMapping;
  author?: string;
  /** Keypoints under this score are outside. */
  keypointThreshold?: number;
  /** z_order of the first new shape (they stack above what is on the frame). */
  zBase?: number;
}

function bounds(points: readonly number[]): [number, number, number, number] {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x1 = Math.min(x1, points[i]!);
    x2 = Math.max(x2, points[i]!);
    y1 = Math.min(y1, points[i + 1]!);
    y2 = Math.max(y2, points[i + 1]!);
  }
  return [x1, y1, x2, y2];
}

/** The geometry a detection becomes under a task label, or null when it cannot take it. */
export function geometryFor(
  d: Detection,
  target: LabelSpec,
  entry: LabelMappingEntry,
  keypointThreshold: number,
): (Pick<Shape, 'type' | 'points' | 'rotation'> & { elements?: SkeletonElement[] }) | null {
  const wantsBox = target.type === 'rectangle';
  switch (d.type) {
    case 'rectangle':
      return { type: 'rectangle', points: d.points, rotation: d.rotation };
    case 'polygon':
      return wantsBox
        ? { type: 'rectangle', points: bounds(d.points), rotation: 0 }
        : { type: 'polygon', points: d.points, rotation: 0 };
    case 'mask':
      return wantsBox
        ? { type: 'rectangle', points: d.box, rotation: 0 }
        : { type: 'mask', points: d.points, rotation: 0 };
    case 'skeleton': {
      if (wantsBox) return { type: 'rectangle', points: d.box, rotation: 0 };
      if (target.type !== 'skeleton') {
        const pts = d.keypoints.filter((k) => k.score >= keypointThreshold).flatMap((k) => [k.x, k.y]);
        return pts.length ? { type: 'points', points: pts, rotation: 0 } : null;
      }
      return null;
    }
  }
}

/** Detections on one frame → new frame objects with source `auto`, through the mapping. */
export function detectionsToObjects(detections: readonly Detection[], ctx: ToObjectsContext): FrameObject[] {
  const out: FrameObject[] = [];
  const kpThreshold = ctx.keypointThreshold ?? 0.2;
  let z = ctx.zBase ?? 0;
  for (const d of detections) {
    const modelLabel = ctx.modelLabels[d.label];
    if (!modelLabel) continue;
    const entry = ctx.mapping[modelLabel.name];
    if (!entry) continue;
    const target = ctx.taskLabels.find((l) => l.id === entry.label_id);
    if (!target) continue;
    const base = {
      frame: ctx.frame,
      label: target,
      author: ctx.author,
      source: 'auto' as const,
      z_order: z++,
    };
    if (d.type === 'skeleton' && target.type === 'skeleton') {
      const names = modelLabel.sublabels ?? [];
      const elements = target.sublabels.map((sub) => {
        const k = names.findIndex((n) => entry.sublabels[n] === sub.id);
        const kp = k >= 0 ? d.keypoints[k] : undefined;
        const visible = kp !== undefined && kp.score >= kpThreshold;
        return {
          label_id: sub.id,
          points: [kp?.x ?? (d.box[0] + d.box[2]) / 2, kp?.y ?? (d.box[1] + d.box[3]) / 2] as [
            number,
            number,
          ],
          outside: !visible,
          occluded: false,
        };
      });
      out.push({ kind: 'shape', ...createShape({ ...base, type: 'skeleton', points: [], elements }) });
      continue;
    }
    const geometry = geometryFor(d, target, entry, kpThreshold);
    if (!geometry) continue;
    out.push({ kind: 'shape', ...createShape({ ...base, ...geometry, points: [...geometry.points] }) });
  }
  return out;
}
