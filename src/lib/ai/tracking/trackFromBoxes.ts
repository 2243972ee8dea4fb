/**
 * A tracker's output as a CVAT track: one rectangle keyframe per tracked frame, and an
 * `outside` keyframe on the first frame where the object was lost (the track ends there).
 */
import { newId, now } from '$lib/core/ids';
import type { AttributeValue, Id, Source, Track, TrackedShape } from '$lib/core/types';
import type { Box } from '../cv/tracker';

export interface TrackedBoxes {
  jobId: Id;
  labelId: Id;
  /** Frame of `boxes[0]`, the box the user drew. */
  startFrame: number;
  /** One entry per frame from `startFrame`; null where the tracker lost the object. */
  boxes: ReadonlyArray<Box | null>;
  attributes?: AttributeValue[];
  source?: Source;
  author?: string;
  zOrder?: number;
}

export function trackFromBoxes(input: TrackedBoxes): Track {
  const shapes: TrackedShape[] = [];
  const keyframe = (frame: number, points: number[], outside: boolean): TrackedShape => ({
    type: 'rectangle',
    frame,
    occluded: false,
    outside,
    z_order: input.zOrder ?? 0,
    rotation: 0,
    points,
    attributes: [],
  });
  for (let i = 0; i < input.boxes.length; i++) {
    const box = input.boxes[i];
    const frame = input.startFrame + i;
    if (box) {
      shapes.push(
        keyframe(
          frame,
          box.map((v) => Math.round(v * 100) / 100),
          false,
        ),
      );
      continue;
    }
    const last = shapes.at(-1);
    if (last) shapes.push(keyframe(frame, last.points, true));
    break;
  }
  if (shapes.length === 0) throw new Error('A track needs the box of its first frame.');
  return {
    id: newId(),
    updated_date: now(),
    author: input.author ?? '',
    job_id: input.jobId,
    frame: input.startFrame,
    label_id: input.labelId,
    group: 0,
    source: input.source ?? 'semi-auto',
    attributes: input.attributes ?? [],
    shapes,
    elements: [],
  };
}
