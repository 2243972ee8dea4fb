import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileFilter } from '$lib/core/filter';
import { newId } from '$lib/core/ids';
import { maskArea, maskToPolygons, polygonsToMask, polygonToMask } from '$lib/core/mask';
import type { FrameMeta, LabelSpec } from '$lib/core/types';
import { BlobDatabase } from '$lib/store/blobs';
import { createRepository, openWorkspace, type Repository, type Workspace } from '$lib/store';
import { JobSession } from '../jobSession.svelte';
import {
  applyPlan,
  planConversion,
  polygonToRectangle,
  rectangleToPolygon,
  selectShapes,
  type MaskOps,
} from './shapesConverter';

const car: LabelSpec = {
  id: 'car',
  name: 'car',
  color: '#ff0000',
  type: 'any',
  attributes: [
    { id: 'a1', name: 'model', input_type: 'select', mutable: false, values: ['x', 'y'], default_value: 'x' },
  ],
  sublabels: [],
  svg: '',
};
const person: LabelSpec = { ...car, id: 'person', name: 'person', attributes: [] };

const W = 64;
const H = 48;
const frames: FrameMeta[] = Array.from({ length: 3 }, (_, i) => ({
  name: `f${i}.png`,
  width: W,
  height: H,
  blob: 'b'.repeat(64),
  mime: 'image/png',
  related_files: 0,
}));

/** The real conversions on the main thread (what the worker runs). */
const ops: MaskOps = {
  maskToPolygons: (points, w, h, accuracy) => Promise.resolve(maskToPolygons(points, w, h, accuracy)),
  polygonsToMask: (polygons, w, h) => Promise.resolve(polygonsToMask(polygons, w, h)),
};
const frameSize = () => ({ width: W, height: H });

let workspace: Workspace;
let repo: Repository;
let jobId: string;

beforeEach(async () => {
  workspace = await openWorkspace(newId(), { storage: 'memory' });
  repo = createRepository(workspace, { blobs: new BlobDatabase(`blobs_${newId()}`) });
  const project = await repo.projects.create({ name: 'p', labels: [car, person] });
  const { jobs } = await repo.tasks.create({ project_id: project.id, name: 't', frames, segment_size: 0 });
  jobId = jobs[0]!.id;
});

afterEach(async () => {
  await workspace.remove();
});

const isCar = compileFilter({ '==': [{ var: 'label' }, 'car'] }, { labels: [car, person] });

describe('geometry helpers', () => {
  it('turns rectangles into corner polygons (rotated about the centre) and back', () => {
    expect(rectangleToPolygon([0, 0, 4, 2])).toEqual([0, 0, 4, 0, 4, 2, 0, 2]);
    const rotated = rectangleToPolygon([0, 0, 4, 2], 90);
    expect(rotated.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([3, -1, 3, 3, 1, 3, 1, -1]);
    expect(polygonToRectangle([5, 1, 9, 4, 2, 8])).toEqual([2, 1, 9, 8]);
  });
});

describe('shapes converter on a real job session', () => {
  it('converts filtered masks to polygons on every frame of the range as one undo step', async () => {
    const s = await JobSession.open(repo, jobId);
    // Two separate squares in one mask: it becomes two polygons.
    const twoSquares = polygonsToMask(
      [
        [2, 2, 10, 2, 10, 10, 2, 10],
        [30, 20, 40, 20, 40, 30, 30, 30],
      ],
      W,
      H,
    )!;
    const mask = s.draw({ type: 'mask', points: twoSquares }, car);
    s.update(mask.id, (o) => ({ ...o, attributes: [{ spec_id: 'a1', value: 'y' }] }), 'set');
    s.goTo(2);
    const other = s.draw({ type: 'mask', points: polygonToMask([5, 5, 15, 5, 15, 15, 5, 15], W, H)! }, car);
    const personMask = s.draw({ type: 'mask', points: polygonToMask([1, 1, 6, 1, 6, 6], W, H)! }, person);
    s.goTo(0);

    const shapes = selectShapes(Object.values(s.objects), 'masks-to-polygons', {
      predicate: isCar,
      from: 0,
      to: 2,
    });
    expect(shapes.map((o) => o.id)).toEqual([mask.id, other.id]);
    const progress: number[] = [];
    const plan = await planConversion(shapes, 'masks-to-polygons', {
      ops,
      frameSize,
      accuracy: 0,
      onprogress: (done) => progress.push(done),
    });
    expect(progress).toEqual([1, 2]);
    const result = applyPlan(s, plan);
    expect(result).toEqual({ converted: 2, removed: 0, added: 1 });
    expect(s.frame).toBe(0);

    const first = s.objects[mask.id]!;
    expect(first).toMatchObject({ type: 'polygon', frame: 0, attributes: [{ spec_id: 'a1', value: 'y' }] });
    const onFrame0 = s.objectsOn(0);
    expect(onFrame0).toHaveLength(2);
    expect(onFrame0.every((o) => o.kind === 'shape' && o.type === 'polygon')).toBe(true);
    expect(onFrame0.map((o) => o.attributes[0]?.value)).toEqual(['y', 'y']);
    expect(s.objects[other.id]).toMatchObject({ type: 'polygon', frame: 2 });
    expect(s.objects[personMask.id]).toMatchObject({ type: 'mask' });

    // One undo step brings every mask back.
    expect(s.undoLabel).toBe('Shapes converter: masks to polygons');
    s.undo();
    expect(s.objects[mask.id]).toMatchObject({ type: 'mask', points: twoSquares });
    expect(s.objectsOn(0)).toHaveLength(1);
    expect(s.objects[other.id]).toMatchObject({ type: 'mask' });
  });

  it('converts polygons to masks and to rectangles', async () => {
    const s = await JobSession.open(repo, jobId);
    const square = s.draw({ type: 'polygon', points: [10, 10, 20, 10, 20, 20, 10, 20] }, car);
    const toMask = await planConversion([s.objects[square.id] as never], 'polygons-to-masks', {
      ops,
      frameSize,
      accuracy: 0,
    });
    applyPlan(s, toMask);
    const masked = s.objects[square.id]!;
    expect(masked).toMatchObject({ type: 'mask' });
    if (masked.kind === 'shape') expect(maskArea(masked.points)).toBe(100);
    const toBox = await planConversion([s.objects[square.id] as never], 'masks-to-rectangles', {
      ops,
      frameSize,
      accuracy: 0,
    });
    applyPlan(s, toBox);
    expect(s.objects[square.id]).toMatchObject({ type: 'rectangle', points: [10, 10, 20, 20] });
  });

  it('removes the filtered shapes and nothing else, undoably', async () => {
    const s = await JobSession.open(repo, jobId);
    const a = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, car);
    const b = s.draw({ type: 'polygon', points: [1, 1, 5, 1, 5, 5] }, car);
    const c = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, person);
    s.goTo(1);
    const d = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, car);
    s.goTo(0);
    const shapes = selectShapes(Object.values(s.objects), 'remove-filtered', {
      predicate: isCar,
      from: 0,
      to: 0,
    });
    const plan = await planConversion(shapes, 'remove-filtered', { ops, frameSize, accuracy: 0 });
    expect(applyPlan(s, plan)).toEqual({ converted: 0, removed: 2, added: 0 });
    expect(Object.keys(s.objects).sort()).toEqual([c.id, d.id].sort());
    s.undo();
    expect(Object.keys(s.objects).sort()).toEqual([a.id, b.id, c.id, d.id].sort());
  });

  it('stops when cancelled, before changing anything', async () => {
    const s = await JobSession.open(repo, jobId);
    s.draw({ type: 'polygon', points: [10, 10, 20, 10, 20, 20] }, car);
    const controller = new AbortController();
    controller.abort();
    const shapes = selectShapes(Object.values(s.objects), 'polygons-to-masks', {
      predicate: isCar,
      from: 0,
      to: 2,
    });
    await expect(
      planConversion(shapes, 'polygons-to-masks', { ops, frameSize, accuracy: 0, signal: controller.signal }),
    ).rejects.toThrow(/cancelled/);
  });
});
