import type { Point } from './geometry';

/** CVAT snaps the rotation handle to multiples of this many degrees while Shift is held. */
export const ROTATION_SNAP_DEGREES = 15;

/** An angle in degrees brought into [0, 360). */
export function normalizeDegrees(degrees: number): number {
  const d = degrees % 360;
  const n = d < 0 ? d + 360 : d;
  // -0 and float residue of 360 both read as 0.
  return n === 0 || n >= 360 - 1e-9 ? 0 : n;
}

export function snapDegrees(degrees: number, step = ROTATION_SNAP_DEGREES): number {
  return normalizeDegrees(Math.round(degrees / step) * step);
}

/**
 * The rotation of a shape whose rotation handle (straight above the centre when unrotated) is
 * dragged to `pointer`: clockwise degrees, as the `rotation` field stores them.
 */
export function rotationFromHandle(center: Point, pointer: Point, snap: boolean): number {
  // Screen y grows downwards, so atan2 already turns clockwise; "up" is -90°.
  const raw = (Math.atan2(pointer.y - center.y, pointer.x - center.x) * 180) / Math.PI + 90;
  return snap ? snapDegrees(raw) : normalizeDegrees(raw);
}

/** Rotates `p` clockwise by `degrees` around `center`. */
export function rotatePoint(p: Point, center: Point, degrees: number): Point {
  if (degrees === 0) return p;
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const dx = p.x - center.x;
  const dy = p.y - center.y;
  return { x: center.x + dx * cos - dy * sin, y: center.y + dx * sin + dy * cos };
}

/** Where the rotation handle of a box sits: `offset` world units above its top edge, rotated. */
export function rotationHandlePosition(
  center: Point,
  halfHeight: number,
  degrees: number,
  offset: number,
): Point {
  return rotatePoint({ x: center.x, y: center.y - halfHeight - offset }, center, degrees);
}
