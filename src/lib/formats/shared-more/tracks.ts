/**
 * Tracks from per-frame rows (MOT, MOTS, detection-track formats): each row is a keyframe, and
 * a track goes outside on the frame after each run of consecutive frames (when that frame is
 * in the dataset), so that it is not held over gaps or past its end.
 */
import type { TrackedShape } from '../../core/types';

export function closeRuns(shapes: readonly TrackedShape[], frames: ReadonlySet<number>): TrackedShape[] {
  const sorted = [...shapes].sort((a, b) => a.frame - b.frame);
  const out: TrackedShape[] = [];
  for (const [i, s] of sorted.entries()) {
    out.push(s);
    const next = sorted[i + 1];
    if ((next === undefined || next.frame > s.frame + 1) && frames.has(s.frame + 1)) {
      out.push({ ...s, frame: s.frame + 1, outside: true });
    }
  }
  return out;
}
