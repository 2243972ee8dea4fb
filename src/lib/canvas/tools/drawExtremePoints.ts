import { boundsOfFlat, clampPointToImage } from '../geometry';
import { CONTINUE, REJECTED, finished, type DrawPreview, type DrawTool } from './drawTool';

/**
 * CVAT's rectangle "by 4 points": click the top-, bottom-, left- and right-most points of the
 * object, in any order; the box through them is finished on the fourth click.
 */
export function createExtremePointsTool(): DrawTool {
  let points: number[] = [];
  let pointer: { x: number; y: number } | null = null;
  return {
    get busy() {
      return points.length > 0;
    },
    down(i) {
      if (i.button === 2 && points.length > 0) {
        points.splice(-2, 2);
        return CONTINUE;
      }
      if (i.button !== 0) return CONTINUE;
      const p = i.image ? clampPointToImage(i.world, i.image) : i.world;
      points.push(p.x, p.y);
      if (points.length < 8) return CONTINUE;
      const b = boundsOfFlat(points);
      points = [];
      if (b.maxX - b.minX < 1 || b.maxY - b.minY < 1) return REJECTED;
      return finished({ type: 'rectangle', points: [b.minX, b.minY, b.maxX, b.maxY], rotation: 0 });
    },
    move(i) {
      pointer = i.world;
    },
    up() {
      return CONTINUE;
    },
    key(key, i) {
      if (points.length > 0 && (key === 'Backspace' || ((key === 'z' || key === 'Z') && i.ctrl))) {
        points.splice(-2, 2);
        return CONTINUE;
      }
      return null;
    },
    preview(): DrawPreview | null {
      if (points.length === 0) return null;
      const all = pointer ? [...points, pointer.x, pointer.y] : points;
      const b = boundsOfFlat(all);
      return {
        shape: { type: 'rectangle', points: [b.minX, b.minY, b.maxX, b.maxY] },
        vertices: [...points],
        rubber: null,
      };
    },
    reset() {
      points = [];
      pointer = null;
    },
  };
}
