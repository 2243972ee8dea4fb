import RBush from 'rbush';
import type { Id, Shape } from '../core/types';
import { shapeBounds, shapeContains, type Box, type Point } from './geometry';

export interface IndexedShape extends Box {
  id: Id;
  shape: Shape;
  /** Position in the list given to `sync`: breaks z_order ties (later draws on top). */
  order: number;
}

/** What `sync` changed: the world boxes to redraw, or 'all' when a partial redraw isn't worth it. */
export type IndexChange = { kind: 'none' } | { kind: 'boxes'; boxes: Box[] } | { kind: 'all' };

/** Above this many changed shapes a rebuild and a full redraw beat incremental updates. */
const INCREMENTAL_LIMIT = 256;

export function paintOrder(a: IndexedShape, b: IndexedShape): number {
  return a.shape.z_order - b.shape.z_order || a.order - b.order;
}

/**
 * R-tree of shape bounds. Shapes are compared by identity, so an app that replaces only the
 * edited object gets an incremental update and a small dirty region.
 */
export class ShapeIndex {
  private readonly tree = new RBush<IndexedShape>();
  private readonly byId = new Map<Id, IndexedShape>();

  get size(): number {
    return this.byId.size;
  }

  get(id: Id): IndexedShape | undefined {
    return this.byId.get(id);
  }

  sync(shapes: readonly Shape[]): IndexChange {
    const next = new Map<Id, Shape>();
    for (const s of shapes) next.set(s.id, s);

    let changes = 0;
    for (const [id, item] of this.byId) {
      if (next.get(id) !== item.shape) changes++;
    }
    for (const [id, shape] of next) {
      if (this.byId.get(id)?.shape !== shape) changes++;
    }
    if (changes === 0) {
      this.renumber(shapes);
      return { kind: 'none' };
    }
    if (changes > INCREMENTAL_LIMIT) {
      this.rebuild(shapes);
      return { kind: 'all' };
    }

    const boxes: Box[] = [];
    for (const [id, item] of [...this.byId]) {
      if (next.get(id) === item.shape) continue;
      this.tree.remove(item);
      this.byId.delete(id);
      boxes.push(item);
    }
    for (const [id, shape] of next) {
      if (this.byId.has(id)) continue;
      const item = toItem(shape, 0);
      if (!item) continue;
      this.tree.insert(item);
      this.byId.set(id, item);
      boxes.push(item);
    }
    this.renumber(shapes);
    return { kind: 'boxes', boxes };
  }

  /** Shapes whose bounds meet `box`, in paint order (bottom first). */
  search(box: Box): IndexedShape[] {
    return this.tree.search(box).sort(paintOrder);
  }

  /**
   * The topmost shape under a world point, by z_order and then list order; `tolerance` is in
   * world units and widens strokes and points.
   */
  hitTest(p: Point, tolerance: number, accept?: (item: IndexedShape) => boolean): IndexedShape | null {
    const candidates = this.tree.search({
      minX: p.x - tolerance,
      minY: p.y - tolerance,
      maxX: p.x + tolerance,
      maxY: p.y + tolerance,
    });
    let best: IndexedShape | null = null;
    for (const item of candidates) {
      if (best && paintOrder(item, best) < 0) continue;
      if (accept && !accept(item)) continue;
      if (shapeContains(item.shape, p, tolerance)) best = item;
    }
    return best;
  }

  clear(): void {
    this.tree.clear();
    this.byId.clear();
  }

  private rebuild(shapes: readonly Shape[]): void {
    this.clear();
    const items: IndexedShape[] = [];
    shapes.forEach((shape, i) => {
      const item = toItem(shape, i);
      if (!item) return;
      items.push(item);
      this.byId.set(shape.id, item);
    });
    this.tree.load(items);
  }

  private renumber(shapes: readonly Shape[]): void {
    shapes.forEach((shape, i) => {
      const item = this.byId.get(shape.id);
      if (item) item.order = i;
    });
  }
}

function toItem(shape: Shape, order: number): IndexedShape | null {
  const box = shapeBounds(shape);
  return box ? { ...box, id: shape.id, shape, order } : null;
}
