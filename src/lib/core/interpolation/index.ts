export {
  interpolateShape,
  interpolatePolyPoints,
  interpolateRotation,
  shortestAngleDiff,
  type InterpolationOptions,
} from './interpolate';
export {
  keyframeIndexAt,
  resolveShapes,
  resolveTrack,
  resolveTrackFull,
  shapeStateAt,
  shapesRange,
  trackRange,
  TrackIndex,
  type ResolvedElement,
  type ResolvedShape,
  type ResolvedTrack,
} from './resolve';
