import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../core/ids';
import type { FrameObject } from '../core/types';
import { openWorkspace, type Workspace } from './database';
import { MEDIA_CHUNK_SIZE } from './documents';
import { NotFoundError } from './errors';
import { createRepository, type Repository } from './repository';
import { frameMetas, rectangle } from './testObjects';

let workspace: Workspace;
let repo: Repository;

beforeEach(async () => {
  workspace = await openWorkspace(newId(), { storage: 'memory', validate: true });
  repo = createRepository(workspace);
});

afterEach(async () => {
  await workspace.remove();
});

async function taskWithJobs(frames = 25, segment_size = 10) {
  const project = await repo.projects.create({ name: 'Cars', owner: 'ann' });
  const { task, jobs } = await repo.tasks.create({
    project_id: project.id,
    name: 'street',
    segment_size,
    overlap: 0,
    frames: frameMetas(frames),
  });
  return { project, task, jobs };
}

describe('projects', () => {
  it('creates, reads, updates and lists projects', async () => {
    const created = await repo.projects.create({ name: 'Cars', owner: 'ann' });
    expect(await repo.projects.get(created.id)).toEqual(created);

    const updated = await repo.projects.update(created.id, { name: 'Vehicles' });
    expect(updated.name).toBe('Vehicles');
    expect(updated.updated_date >= created.updated_date).toBe(true);
    expect(updated.created_date).toBe(created.created_date);

    const second = await repo.projects.create({ name: 'Birds' });
    expect((await repo.projects.list()).map((p) => p.id)).toEqual([created.id, second.id]);
  });

  it('emits the project list on every change', async () => {
    const lists = firstValueFrom(repo.projects.observe$().pipe(take(2), toArray()));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await repo.projects.create({ name: 'Cars' });
    const [before, after] = await lists;
    expect(before).toEqual([]);
    expect(after?.map((p) => p.name)).toEqual(['Cars']);
  });

  it('reports a missing project by kind and id', async () => {
    await expect(repo.projects.update('nope', { name: 'x' })).rejects.toThrow(NotFoundError);
  });
});

describe('tasks', () => {
  it('splits a task into jobs by segment size and stores its frames in order', async () => {
    const { project, task, jobs } = await taskWithJobs(25, 10);
    expect(task.size).toBe(25);
    expect(jobs.map((j) => [j.start_frame, j.stop_frame])).toEqual([
      [0, 9],
      [10, 19],
      [20, 24],
    ]);
    expect((await repo.jobs.listByTask(task.id)).map((j) => j.id)).toEqual(jobs.map((j) => j.id));
    expect((await repo.tasks.listByProject(project.id)).map((t) => t.id)).toEqual([task.id]);
    const frames = await repo.media.framesOfTask(task.id);
    expect(frames.map((f) => f.name)).toEqual(frameMetas(25).map((f) => f.name));
  });

  it('chunks media metadata at a fixed number of frames per document', async () => {
    const { task } = await taskWithJobs(MEDIA_CHUNK_SIZE * 2 + 5, 0);
    expect(await workspace.db.media.count().exec()).toBe(3);
    expect((await repo.media.frameMeta(task.id, MEDIA_CHUNK_SIZE + 7))?.name).toBe('img_01007.jpg');
    expect(await repo.media.frameMeta(task.id, MEDIA_CHUNK_SIZE * 3)).toBeUndefined();
    expect(await repo.media.framesOfTask(task.id)).toHaveLength(MEDIA_CHUNK_SIZE * 2 + 5);
  });

  it('refuses a task for a project that does not exist', async () => {
    await expect(
      repo.tasks.create({ project_id: 'missing', name: 't', segment_size: 0, frames: frameMetas(2) }),
    ).rejects.toThrow(NotFoundError);
    expect(await workspace.db.media.count().exec()).toBe(0);
  });

  it('removing a task cascades to jobs, media, frames, tracks and reviews', async () => {
    const { task, jobs } = await taskWithJobs(25, 10);
    const other = await taskWithJobs(5, 0);
    const job = jobs[0]!;
    await repo.annotations.applyDiff(job.id, { added: { a: rectangle('a', 1) }, updated: {}, removed: {} });
    await repo.annotations.applyDiff(other.jobs[0]!.id, {
      added: { b: rectangle('b', 1) },
      updated: {},
      removed: {},
    });
    await repo.annotations.putTracks([
      {
        id: 't1',
        job_id: job.id,
        frame: 0,
        label_id: 'l',
        group: 0,
        source: 'manual',
        attributes: [],
        shapes: [],
        elements: [],
        updated_date: '2024-01-01T00:00:00.000Z',
        author: 'ann',
      },
    ]);
    await repo.reviews.create({
      job_id: job.id,
      frame: 2,
      position: [0, 0, 5, 5],
      owner: 'ann',
      message: 'missing car',
    });

    await repo.tasks.remove(task.id);

    expect(await repo.tasks.get(task.id)).toBeUndefined();
    expect(await repo.jobs.listByTask(task.id)).toEqual([]);
    expect(await repo.media.framesOfTask(task.id)).toEqual([]);
    expect(await repo.annotations.objectsOnFrame(job.id, 1)).toEqual([]);
    expect(await repo.annotations.tracksOfJob(job.id)).toEqual([]);
    expect(await repo.reviews.listByJob(job.id)).toEqual([]);
    // The other task is untouched.
    expect(await repo.annotations.objectsOnFrame(other.jobs[0]!.id, 1)).toHaveLength(1);
  });

  it('removing a project removes its tasks', async () => {
    const { project, task } = await taskWithJobs(5, 0);
    await repo.projects.remove(project.id);
    expect(await repo.projects.get(project.id)).toBeUndefined();
    expect(await repo.tasks.get(task.id)).toBeUndefined();
    expect(await workspace.db.job.count().exec()).toBe(0);
  });
});

describe('jobs', () => {
  it('updates stage, state and assignee', async () => {
    const { jobs } = await taskWithJobs(5, 0);
    const job = await repo.jobs.update(jobs[0]!.id, {
      stage: 'validation',
      state: 'in progress',
      assignee: 'bob',
    });
    expect(job).toMatchObject({ stage: 'validation', state: 'in progress', assignee: 'bob' });
    expect((await repo.jobs.update(job.id, { assignee: null })).assignee).toBeNull();
  });
});

describe('annotations', () => {
  it('round-trips a diff: added, updated (also across frames) and removed objects', async () => {
    const { jobs } = await taskWithJobs(10, 0);
    const jobId = jobs[0]!.id;
    const a = rectangle('a', 1);
    const b = rectangle('b', 1);
    const c = rectangle('c', 2);
    await repo.annotations.applyDiff(jobId, { added: { a, b, c }, updated: {}, removed: {} });

    const loaded = await repo.annotations.loadJob(jobId);
    expect([...loaded.frames.keys()]).toEqual([1, 2]);
    expect(loaded.frames.get(1)).toEqual({ a, b });

    const aMoved: FrameObject = { ...a, frame: 3, updated_date: '2024-02-01T00:00:00.000Z' };
    const bEdited: FrameObject = { ...b, occluded: true, updated_date: '2024-02-01T00:00:00.000Z' };
    await repo.annotations.applyDiff(jobId, {
      added: {},
      updated: { a: [a, aMoved], b: [b, bEdited] },
      removed: { c },
    });

    expect(await repo.annotations.objectsOnFrame(jobId, 1)).toEqual([bEdited]);
    expect(await repo.annotations.objectsOnFrame(jobId, 2)).toEqual([]);
    expect(await repo.annotations.objectsOnFrame(jobId, 3)).toEqual([aMoved]);
    const reloaded = await repo.annotations.loadJob(jobId);
    expect([...reloaded.frames.keys()]).toEqual([1, 3]);
  });

  it('stamps an object restored over its own tombstone so merges see it as newer', async () => {
    const { jobs } = await taskWithJobs(5, 0);
    const jobId = jobs[0]!.id;
    const a = rectangle('a', 0);
    await repo.annotations.applyDiff(jobId, { added: { a }, updated: {}, removed: {} });
    await repo.annotations.applyDiff(jobId, { added: {}, updated: {}, removed: { a } });
    await repo.annotations.applyDiff(jobId, { added: { a }, updated: {}, removed: {} });
    const doc = await workspace.db.frame.findOne(`${jobId}:0`).exec();
    expect(doc?.removed).toEqual({});
    expect(doc!.objects.a!.updated_date > a.updated_date).toBe(true);
  });

  it('emits frame changes of the job', async () => {
    const { jobs } = await taskWithJobs(5, 0);
    const jobId = jobs[0]!.id;
    const change = firstValueFrom(repo.annotations.changes$(jobId));
    await repo.annotations.applyDiff(jobId, { added: { a: rectangle('a', 4) }, updated: {}, removed: {} });
    expect(await change).toMatchObject({ frame: 4, objects: { a: { id: 'a' } } });
  });

  it('writes 10k frame documents through applyDiff and replaceFrames', async () => {
    const { jobs } = await taskWithJobs(10_000, 0);
    const jobId = jobs[0]!.id;
    const objects = Array.from({ length: 10_000 }, (_, i) => rectangle(`o${i}`, i));
    const added = Object.fromEntries(objects.map((o) => [o.id, o]));

    let started = performance.now();
    await repo.annotations.applyDiff(jobId, { added, updated: {}, removed: {} });
    const insertMs = performance.now() - started;

    const edited = objects.map((o) => ({ ...o, occluded: true, updated_date: '2025-01-01T00:00:00.000Z' }));
    started = performance.now();
    await repo.annotations.applyDiff(jobId, {
      added: {},
      updated: Object.fromEntries(objects.map((o, i) => [o.id, [o, edited[i]!]])),
      removed: {},
    });
    const updateMs = performance.now() - started;

    started = performance.now();
    await repo.annotations.replaceFrames(jobId, objects);
    const replaceMs = performance.now() - started;

    expect(await workspace.db.frame.count().exec()).toBe(10_000);
    expect((await repo.annotations.loadJob(jobId)).frames.size).toBe(10_000);
    console.info(
      `10k frames (memory storage): applyDiff insert ${insertMs.toFixed(0)} ms, update ${updateMs.toFixed(0)} ms, replaceFrames ${replaceMs.toFixed(0)} ms`,
    );
  }, 60_000);
});

describe('reviews', () => {
  it('opens an issue, adds a comment and resolves it', async () => {
    const { jobs } = await taskWithJobs(5, 0);
    const review = await repo.reviews.create({
      job_id: jobs[0]!.id,
      frame: 1,
      position: [1, 2, 3, 4],
      owner: 'ann',
      message: 'wrong label',
    });
    await repo.reviews.addComment(review.id, 'bob', 'fixed');
    const resolved = await repo.reviews.setResolved(review.id, true);
    expect(resolved.resolved).toBe(true);
    expect(resolved.comments.map((c) => c.message)).toEqual(['wrong label', 'fixed']);
  });
});
