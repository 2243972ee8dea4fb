import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FrameObject, LabelSpec } from '$lib/core/types';
import type { Repository, Workspace } from '$lib/store';
import { JobSession } from './jobSession.svelte';
import { createTestJob } from './testJob';

const label: LabelSpec = {
  id: 'car',
  name: 'car',
  color: '#ff0000',
  type: 'any',
  attributes: [
    {
      id: 'model',
      name: 'model',
      input_type: 'select',
      mutable: false,
      values: ['x', 'y'],
      default_value: 'x',
    },
    {
      id: 'moving',
      name: 'moving',
      input_type: 'checkbox',
      mutable: true,
      values: ['false'],
      default_value: 'false',
    },
  ],
  sublabels: [],
  svg: '',
};

let workspace: Workspace;
let repo: Repository;
let jobId: string;

beforeEach(async () => {
  ({ workspace, repo, jobId } = await createTestJob([label], 20));
});

afterEach(async () => {
  await workspace.remove();
});

const points = (o: FrameObject | undefined) => (o?.kind === 'shape' ? o.points : null);
const move = (dx: number) => (o: FrameObject) =>
  ({
    ...o,
    points: o.kind === 'shape' ? o.points.map((p, i) => (i % 2 === 0 ? p + dx : p)) : [],
  }) as FrameObject;

describe('JobSession tracks', () => {
  it('draws a track, moves it on a later frame and interpolates between', async () => {
    const s = await JobSession.open(repo, jobId);
    const t = s.drawTrack({ type: 'rectangle', points: [0, 0, 10, 10] }, label);
    expect(s.isTrack(t.id)).toBe(true);
    s.goTo(10);
    expect(points(s.get(t.id))).toEqual([0, 0, 10, 10]);
    s.update(t.id, move(100), 'Move');
    expect(s.trackPosition(t.id)).toMatchObject({ keyframe: true, previousKeyframe: 0 });
    s.goTo(5);
    expect(points(s.objectsOn(5)[0])).toEqual([50, 0, 60, 10]);
    expect(s.trackPosition(t.id)).toMatchObject({ keyframe: false, previousKeyframe: 0, nextKeyframe: 10 });
    await s.flush();
    const reopened = await JobSession.open(repo, jobId);
    reopened.goTo(5);
    expect(points(reopened.get(t.id))).toEqual([50, 0, 60, 10]);
    reopened.undo();
    expect(points(reopened.get(t.id))).toEqual([0, 0, 10, 10]);
  });

  it('keeps mutable attributes per keyframe and immutable ones on the track', async () => {
    const s = await JobSession.open(repo, jobId);
    const t = s.drawTrack({ type: 'rectangle', points: [0, 0, 10, 10] }, label);
    s.goTo(4);
    s.update(
      t.id,
      (o) => ({
        ...o,
        attributes: [
          { spec_id: 'model', value: 'y' },
          { spec_id: 'moving', value: 'true' },
        ],
      }),
      'Attr',
    );
    const track = s.tracks[0]!;
    expect(track.attributes).toEqual([{ spec_id: 'model', value: 'y' }]);
    expect(track.shapes.map((k) => [k.frame, k.attributes[0]?.value])).toEqual([
      [0, 'false'],
      [4, 'true'],
    ]);
    s.goTo(2);
    expect(s.get(t.id)?.attributes).toEqual([
      { spec_id: 'model', value: 'y' },
      { spec_id: 'moving', value: 'false' },
    ]);
  });

  it('switches outside and keyframes, and shows outside tracks only when asked', async () => {
    const s = await JobSession.open(repo, jobId);
    const t = s.drawTrack({ type: 'rectangle', points: [0, 0, 10, 10] }, label);
    s.goTo(6);
    s.setOutside(t.id, true);
    expect(s.objectsOn(6)).toHaveLength(0);
    expect(s.objectsOn(12)).toHaveLength(0);
    s.showAllTracks = true;
    expect(s.objectsOn(12)[0]).toMatchObject({ id: t.id, outside: true });
    s.showAllTracks = false;
    s.goTo(9);
    s.setOutside(t.id, false);
    expect(s.objectsOn(12)).toHaveLength(1);
    s.goTo(3);
    s.toggleKeyframe(t.id);
    expect(s.tracks[0]!.shapes.map((k) => k.frame)).toEqual([0, 3, 6, 9]);
    s.toggleKeyframe(t.id);
    expect(s.tracks[0]!.shapes.map((k) => k.frame)).toEqual([0, 6, 9]);
  });

  it('splits a track and merges shapes and tracks back into one', async () => {
    const s = await JobSession.open(repo, jobId);
    const t = s.drawTrack({ type: 'rectangle', points: [0, 0, 10, 10] }, label);
    s.goTo(10);
    s.update(t.id, move(100), 'Move');
    s.goTo(5);
    const second = s.split(t.id)!;
    expect(s.tracks).toHaveLength(2);
    expect(s.objectsOn(4).map((o) => o.id)).toEqual([t.id]);
    expect(s.objectsOn(5).map((o) => o.id)).toEqual([second]);
    expect(points(s.objectsOn(7)[0])).toEqual([70, 0, 80, 10]);
    s.goTo(15);
    const shape = s.draw({ type: 'rectangle', points: [200, 0, 210, 10] }, label);
    const merged = s.merge([t.id, second, shape.id]);
    expect(s.tracks.map((x) => x.id)).toEqual([merged]);
    expect(s.objectsOn(15).map((o) => o.id)).toEqual([merged]);
    s.goTo(12);
    expect(points(s.get(merged))).toEqual([140, 0, 150, 10]);
    s.undo();
    expect(s.tracks).toHaveLength(2);
    expect(
      s
        .objectsOn(15)
        .map((o) => o.id)
        .sort(),
    ).toEqual([second, shape.id].sort());
    expect(() => s.merge([shape.id])).toThrow(/at least two/);
  });

  it('propagates a shape and groups objects, as one undo step each', async () => {
    const s = await JobSession.open(repo, jobId);
    s.deletedFrames.add(2);
    const box = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    expect(s.propagate(box.id, 3)).toBe(3);
    expect([1, 2, 3, 4].map((f) => s.objectsOn(f).length)).toEqual([1, 0, 1, 1]);
    s.undo();
    expect(s.objectsOn(1)).toHaveLength(0);
    const other = s.drawTrack({ type: 'ellipse', points: [5, 5, 8, 8] }, label);
    const g = s.group([box.id, other.id]);
    expect(g).toBeGreaterThan(0);
    expect(s.get(box.id)?.group).toBe(g);
    expect(s.get(other.id)?.group).toBe(g);
    s.group([box.id], true);
    expect(s.get(box.id)?.group).toBe(0);
  });

  it('copies a track and pastes it as a new track on another frame', async () => {
    const s = await JobSession.open(repo, jobId);
    const t = s.drawTrack({ type: 'polygon', points: [0, 0, 10, 0, 5, 5] }, label);
    s.copy([t.id]);
    s.goTo(8);
    const [pasted] = s.paste();
    expect(s.isTrack(pasted!.id)).toBe(true);
    expect(s.tracks).toHaveLength(2);
    expect(s.tracks.find((x) => x.id === pasted!.id)!.shapes[0]!.frame).toBe(8);
  });

  it('tracks a skeleton with one track per keypoint', async () => {
    const s = await JobSession.open(repo, jobId);
    const t = s.drawTrack(
      {
        type: 'skeleton',
        points: [],
        elements: [
          { label_id: 'k1', points: [0, 0], outside: false, occluded: false },
          { label_id: 'k2', points: [10, 0], outside: false, occluded: false },
        ],
      },
      label,
    );
    s.goTo(10);
    s.update(
      t.id,
      (o) =>
        o.kind === 'shape' && o.type === 'skeleton'
          ? {
              ...o,
              elements: o.elements.map((e, i) =>
                i === 1 ? { ...e, points: [20, 10] as [number, number] } : e,
              ),
            }
          : o,
      'Move keypoint',
    );
    const track = s.tracks[0]!;
    expect(track.elements[1]!.shapes.map((k) => k.frame)).toEqual([0, 10]);
    expect(track.elements[0]!.shapes.map((k) => k.frame)).toEqual([0]);
    s.goTo(5);
    const mid = s.get(t.id);
    expect(mid?.kind === 'shape' && mid.type === 'skeleton' && mid.elements[1]!.points).toEqual([15, 5]);
  });

  it('tracks a mask by holding each keyframe', async () => {
    const s = await JobSession.open(repo, jobId);
    const t = s.drawTrack({ type: 'mask', points: [4, 0, 0, 1, 1] }, label);
    s.goTo(7);
    expect(s.objectsOn(7)[0]).toMatchObject({ id: t.id, type: 'mask', points: [4, 0, 0, 1, 1] });
  });
});
