import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabelSpec } from '$lib/core/types';
import type { Repository, Workspace } from '$lib/store';
import { JobSession } from './jobSession.svelte';
import { createTestJob } from './testJob';

const label: LabelSpec = {
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

let workspace: Workspace;
let repo: Repository;
let jobId: string;

beforeEach(async () => {
  ({ workspace, repo, jobId } = await createTestJob([label], 4));
});

afterEach(async () => {
  await workspace.remove();
});

describe('JobSession', () => {
  it('draws every geometry with label defaults, on top of what is there', async () => {
    const s = await JobSession.open(repo, jobId);
    const box = s.draw({ type: 'rectangle', points: [30, 40, 10, 20] }, label);
    const poly = s.draw({ type: 'polygon', points: [1, 1, 9, 1, 5, 8] }, label);
    expect(box).toMatchObject({ kind: 'shape', type: 'rectangle', points: [10, 20, 30, 40], z_order: 0 });
    expect(poly).toMatchObject({ type: 'polygon', z_order: 1, attributes: [{ spec_id: 'a1', value: 'x' }] });
    await s.flush();
    const stored = await repo.annotations.objectsOnFrame(jobId, 0);
    expect(stored.map((o) => o.id).sort()).toEqual([box.id, poly.id].sort());
  });

  it('copies and pastes onto another frame as new objects', async () => {
    const s = await JobSession.open(repo, jobId);
    const box = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    s.copy([box.id]);
    s.goTo(2);
    const [pasted] = s.paste();
    expect(pasted).toMatchObject({ frame: 2, type: 'rectangle', points: [0, 0, 5, 5] });
    expect(pasted!.id).not.toBe(box.id);
    expect(s.objectsOn(2)).toHaveLength(1);
  });

  it('reorders z: to front, to back, one step', async () => {
    const s = await JobSession.open(repo, jobId);
    const a = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    const b = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    s.reorder(a.id, 'front');
    expect(s.objectsOn(0).map((o) => o.id)).toEqual([b.id, a.id]);
    s.reorder(a.id, 'back');
    expect(s.objectsOn(0).map((o) => o.id)).toEqual([a.id, b.id]);
    s.reorder(a.id, 'forward');
    const za = s.objects[a.id];
    expect(za?.kind === 'shape' && za.z_order).toBe(1);
  });

  it('undoes and redoes across a reopen, beyond CVAT’s 128 steps', async () => {
    const s = await JobSession.open(repo, jobId);
    const box = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    for (let i = 0; i < 300; i++) {
      s.update(box.id, (o) => ({ ...o, points: [i, 0, i + 5, 5] }) as typeof o, 'Move');
    }
    await s.flush();
    const reopened = await JobSession.open(repo, jobId);
    for (let i = 0; i < 300; i++) reopened.undo();
    const back = reopened.objects[box.id];
    expect(back?.kind === 'shape' && back.points).toEqual([0, 0, 5, 5]);
    reopened.undo();
    expect(reopened.objects[box.id]).toBeUndefined();
    expect(reopened.canUndo).toBe(false);
    reopened.redo();
    await reopened.flush();
    expect(await repo.annotations.objectsOnFrame(jobId, 0)).toHaveLength(1);
  });

  it('adds tags with attribute defaults', async () => {
    const s = await JobSession.open(repo, jobId);
    const tag = s.addTag(label);
    expect(tag).toMatchObject({
      kind: 'tag',
      frame: 0,
      label_id: 'car',
      attributes: [{ spec_id: 'a1', value: 'x' }],
    });
  });

  it('undoes hide, lock and pin, and keeps them on this device across a reopen', async () => {
    const s = await JobSession.open(repo, jobId);
    const a = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    const b = s.draw({ type: 'rectangle', points: [1, 1, 6, 6] }, label);
    s.setView([a.id, b.id], 'locked', true);
    s.toggleView(a.id, 'hidden');
    expect([...s.locked].sort()).toEqual([a.id, b.id].sort());
    expect(s.hidden.has(a.id)).toBe(true);
    s.undo();
    expect(s.hidden.has(a.id)).toBe(false);
    s.undo();
    expect(s.locked.size).toBe(0);
    s.redo();
    await s.flush();
    const reopened = await JobSession.open(repo, jobId);
    expect([...reopened.locked].sort()).toEqual([a.id, b.id].sort());
    expect(reopened.undoLabel).toBe('Lock objects');
    // View state is not an annotation: the stored objects carry none of it.
    const stored = await repo.annotations.objectsOnFrame(jobId, 0);
    expect(stored.every((o) => !('locked' in o))).toBe(true);
  });

  it('drops the view state of a deleted object, and brings both back on undo', async () => {
    const s = await JobSession.open(repo, jobId);
    const a = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    s.toggleView(a.id, 'pinned');
    s.remove(a.id);
    expect(s.pinned.has(a.id)).toBe(false);
    s.undo();
    expect(s.objects[a.id]).toBeDefined();
    expect(s.pinned.has(a.id)).toBe(true);
  });

  it('shows changes made elsewhere while open, without ever reverting its own edits', async () => {
    const here = await JobSession.open(repo, jobId, { watch: true });
    const elsewhere = await JobSession.open(repo, jobId);
    const until = async (what: string, check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
      if (!check()) throw new Error(`timed out waiting for ${what}`);
    };

    const box = elsewhere.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    elsewhere.goTo(1);
    const track = elsewhere.drawTrack({ type: 'rectangle', points: [0, 0, 8, 8] }, label);
    await elsewhere.flush();
    await until('the box', () => here.objects[box.id] !== undefined);
    await until('the track', () => here.isTrack(track.id));
    expect(here.canUndo).toBe(false);

    // Bursts of quick edits here: the last one stays shown while the earlier ones are written.
    for (let burst = 0; burst < 3; burst++) {
      for (let x = burst * 5 + 1; x <= burst * 5 + 5; x++)
        here.update(box.id, (o) => ({ ...o, points: [x, 0, x + 5, 5] }) as typeof o, 'Move');
      const last = burst * 5 + 5;
      for (let tick = 0; tick < 15; tick++) {
        await new Promise((r) => setTimeout(r, 2));
        expect(here.objects[box.id]).toMatchObject({ points: [last, 0, last + 5, 5] });
      }
    }
    here.undo();
    await here.flush();
    await new Promise((r) => setTimeout(r, 50));
    expect(here.objects[box.id]).toMatchObject({ points: [14, 0, 19, 5] });
    const [stored] = await repo.annotations.objectsOnFrame(jobId, 0);
    expect(stored).toMatchObject({ points: [14, 0, 19, 5] });

    // A removal and a track edit elsewhere show up here too.
    elsewhere.remove(box.id);
    elsewhere.setOutside(track.id, true);
    await elsewhere.flush();
    await until('the removal', () => here.objects[box.id] === undefined);
    await until('the outside track', () => here.trackPosition(track.id, 1)?.outside === true);
    expect(here.objectsOn(0)).toEqual([]);

    // A label added to the project elsewhere is offered here at once.
    await repo.projects.update(here.project.id, {
      labels: [...here.labels, { ...label, id: 'bike', name: 'bike' }],
    });
    await until('the new label', () => here.labels.some((l) => l.id === 'bike'));
    // So does a supervisor moving the job to validation.
    await repo.jobs.update(jobId, { stage: 'validation' });
    await until('the new stage', () => here.job.stage === 'validation');

    // After stopping, nothing more arrives.
    here.stopWatching();
    elsewhere.goTo(2);
    const late = elsewhere.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    await elsewhere.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(here.objects[late.id]).toBeUndefined();
  });

  it('stamps what undo and redo bring back with the time they were made (the latest edit for sync)', async () => {
    const s = await JobSession.open(repo, jobId);
    const box = s.draw({ type: 'rectangle', points: [0, 0, 5, 5] }, label);
    await new Promise((r) => setTimeout(r, 5));
    s.update(box.id, (o) => ({ ...o, points: [1, 1, 6, 6] }) as typeof o, 'Move');
    const moved = s.objects[box.id]!.updated_date;
    await new Promise((r) => setTimeout(r, 5));
    s.undo();
    const undone = s.objects[box.id]!;
    expect(undone).toMatchObject({ points: [0, 0, 5, 5] });
    expect(undone.updated_date > moved).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    s.redo();
    expect(s.objects[box.id]!.updated_date > undone.updated_date).toBe(true);
    await s.flush();
    const [stored] = await repo.annotations.objectsOnFrame(jobId, 0);
    expect(stored).toMatchObject({ points: [1, 1, 6, 6], updated_date: s.objects[box.id]!.updated_date });
  });
});
