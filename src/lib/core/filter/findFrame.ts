import type { FrameObject } from '../types';
import type { FilterContext, FilterPredicate } from './compile';

export type FramesWithObjects =
  ReadonlyMap<number, readonly FrameObject[]> | readonly (readonly [number, readonly FrameObject[]])[];

export type FrameTest = (objects: readonly FrameObject[], frame: number) => boolean;

/**
 * The nearest frame strictly after (`next`) or before (`previous`) `from` whose objects pass
 * `predicate`, among the frames given; null when none does. Frames need not be sorted.
 */
export function findFrame(
  framesWithObjects: FramesWithObjects,
  from: number,
  direction: 'next' | 'previous',
  predicate: FrameTest,
): number | null {
  const entries: (readonly [number, readonly FrameObject[]])[] =
    framesWithObjects instanceof Map ? [...framesWithObjects.entries()] : [...framesWithObjects];
  const candidates = entries.filter(([frame]) => (direction === 'next' ? frame > from : frame < from));
  candidates.sort((a, b) => (direction === 'next' ? a[0] - b[0] : b[0] - a[0]));
  for (const [frame, objects] of candidates) {
    if (predicate(objects, frame)) return frame;
  }
  return null;
}

/**
 * A frame test for `findFrame`: the frame has an object matching the filter. `contextOf` gives
 * the frame size (and other context) per frame.
 */
export function anyObjectMatches(
  matches: FilterPredicate,
  contextOf: (frame: number, object: FrameObject) => FilterContext = () => ({}),
): FrameTest {
  return (objects, frame) => objects.some((object) => matches(object, contextOf(frame, object)));
}
