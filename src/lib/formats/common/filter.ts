/**
 * Export filtering: only the objects a CVAT filter accepts go into the archive. The filter is
 * the one language and compiler of `src/lib/core/filter`, as in the job view and the shapes
 * converter. Shapes and tags are tested on their frame (sizes measured inside it); a track is
 * tested as the shape it has on its first frame, with type `track`.
 */
import { compileFilter, type FilterLogic } from '../../core/filter';
import { trackShapeAt } from '../../core/tracks';
import type { FrameObject } from '../../core/types';
import type { Dataset } from '../types';

export function filterDataset(dataset: Dataset, filter: FilterLogic | null | undefined): Dataset {
  if (filter === null || filter === undefined) return dataset;
  const matches = compileFilter(filter, { labels: dataset.labels });
  const sizes = new Map(dataset.items.map((item) => [item.frame, item]));
  const context = (frame: number) => {
    const item = sizes.get(frame);
    return item && item.width > 0 ? { frameWidth: item.width, frameHeight: item.height } : {};
  };
  return {
    ...dataset,
    shapes: dataset.shapes.filter((shape) =>
      matches({ kind: 'shape', ...shape } as FrameObject, context(shape.frame)),
    ),
    tags: dataset.tags.filter((tag) => matches({ kind: 'tag', ...tag } as FrameObject, context(tag.frame))),
    tracks: dataset.tracks.filter((track) => {
      const first = track.shapes[0];
      const shape = first ? trackShapeAt(track, first.frame) : null;
      return shape !== null && matches(shape, { ...context(first!.frame), objectType: 'track' });
    }),
  };
}
