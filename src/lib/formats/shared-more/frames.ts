/**
 * Per-frame objects of a dataset for image formats: standalone shapes plus tracks turned into
 * shapes on each item's frame (by `expandTracks`, which uses the one interpolation in core).
 */
import type { Shape, Tag } from '../../core/types';
import { expandTracks } from '../common/dataset';
import type { Dataset } from '../types';

export interface FrameObjects {
  shapes: Shape[];
  tags: Tag[];
}

/** Objects per item frame, in dataset order; outside shapes are left out. */
export function objectsByFrame(dataset: Dataset): Map<number, FrameObjects> {
  const out = new Map<number, FrameObjects>();
  for (const item of dataset.items) out.set(item.frame, { shapes: [], tags: [] });
  for (const shape of expandTracks(dataset).shapes)
    if (!shape.outside) out.get(shape.frame)?.shapes.push(shape);
  for (const tag of dataset.tags) out.get(tag.frame)?.tags.push(tag);
  return out;
}
