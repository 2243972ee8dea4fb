import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySource } from '../../../src/lib/formats/common/memory';
import {
  blobIngest,
  datasetFromJob,
  datasetFromProject,
  datasetFromTask,
  importDataset,
  ImportError,
  proposeLabelMapping,
} from '../../../src/lib/formats/app';
import type { Dataset } from '../../../src/lib/formats/types';
import type { Repository } from '../../../src/lib/store';
import { asShape, box, openStore, seedTask, skeleton, tag, track, type Store } from './appFixtures';

let store: Store;
let repo: Repository;

beforeEach(async () => {
  store = await openStore();
  repo = store.repo;
});

afterEach(async () => {
  await store.close();
});

async function annotatedTask() {
  const seeded = await seedTask(repo, 10, 5);
  const [job1, job2] = seeded.jobs;
  const objects = [box(0), box(0, 50), tag(1), skeleton(2)];
  await repo.annotations.applyDiff(job1!.id, {
    added: Object.fromEntries(objects.map((o) => [o.id, o])),
    updated: {},
    removed: {},
  });
  const later = box(7, 5, 'person');
  await repo.annotations.applyDiff(job2!.id, { added: { [later.id]: later }, updated: {}, removed: {} });
  await repo.annotations.putTracks([track(job1!.id, [1, 3, 4])]);
  return seeded;
}

async function counts(jobIds: string[]) {
  let objects = 0;
  let tracks = 0;
  for (const id of jobIds) {
    const loaded = await repo.annotations.loadJob(id);
    for (const onFrame of loaded.frames.values()) objects += Object.keys(onFrame).length;
    tracks += loaded.tracks.length;
  }
  return { objects, tracks };
}

describe('datasets from the store', () => {
  it('reads a task: frames as items, every job, shapes, tags and tracks', async () => {
    const { task } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id, { blobs: store.blobs });
    expect(dataset.items).toHaveLength(10);
    expect(dataset.items[3]).toEqual({
      frame: 3,
      name: 'img_00003.jpg',
      width: 640,
      height: 480,
      subset: '',
    });
    expect(dataset.shapes.map((s) => [s.type, s.frame]).sort()).toEqual([
      ['rectangle', 0],
      ['rectangle', 0],
      ['rectangle', 7],
      ['skeleton', 2],
    ]);
    expect(dataset.tags).toHaveLength(1);
    expect(dataset.tags[0]).not.toHaveProperty('kind');
    expect(dataset.tracks).toHaveLength(1);
    expect(dataset.tracks[0]!.job_id).toBe('');
    expect(dataset.labels.map((l) => l.name)).toEqual(['car', 'person', 'hand']);
    expect(dataset.meta.name).toBe('street');
  });

  it('leaves deleted frames and their objects out', async () => {
    const { task } = await annotatedTask();
    await repo.tasks.update(task.id, { deleted_frames: [0] });
    const { dataset } = await datasetFromTask(repo, task.id);
    expect(dataset.items.map((i) => i.frame)).not.toContain(0);
    expect(dataset.shapes.some((s) => s.frame === 0)).toBe(false);
  });

  it('reads one job: its frame range and its own annotations', async () => {
    const { jobs } = await annotatedTask();
    const { dataset } = await datasetFromJob(repo, jobs[1]!.id);
    expect(dataset.items.map((i) => i.frame)).toEqual([5, 6, 7, 8, 9]);
    expect(dataset.shapes.map((s) => s.frame)).toEqual([7]);
    expect(dataset.tracks).toHaveLength(0);
  });

  it('reads a project: tasks one after the other, subsets from the tasks', async () => {
    const { project } = await annotatedTask();
    const { task: second } = await repo.tasks.create({
      project_id: project.id,
      name: 'second',
      subset: 'val',
      frames: (await repo.media.framesOfTask((await repo.tasks.listByProject(project.id))[0]!.id)).slice(
        0,
        3,
      ),
      segment_size: 0,
    });
    const [job] = await repo.jobs.listByTask(second.id);
    const shape = box(1);
    await repo.annotations.applyDiff(job!.id, { added: { [shape.id]: shape }, updated: {}, removed: {} });
    const { dataset, origin } = await datasetFromProject(repo, project.id);
    expect(dataset.items).toHaveLength(13);
    expect(dataset.items[11]).toMatchObject({ frame: 11, subset: 'val' });
    expect(dataset.shapes.filter((s) => s.frame === 11)).toHaveLength(1);
    expect(origin.get(11)).toMatchObject({ taskId: second.id, frame: 1 });
    expect(dataset.tracks[0]!.shapes.map((s) => s.frame)).toEqual([1, 3, 4]);
  });

  it('renames images that two tasks of one subset share, so an archive holds both', async () => {
    const { project, task } = await seedTask(repo, 2, 0, 'first');
    const frames = await repo.media.framesOfTask(task.id);
    await repo.tasks.create({ project_id: project.id, name: 'second', frames, segment_size: 0 });
    await repo.tasks.create({
      project_id: project.id,
      name: 'third',
      subset: 'val',
      frames,
      segment_size: 0,
    });
    const { dataset } = await datasetFromProject(repo, project.id);
    expect(dataset.items.map((i) => i.name)).toEqual([
      'img_00000.jpg',
      'img_00001.jpg',
      'second/img_00000.jpg',
      'second/img_00001.jpg',
      'img_00000.jpg',
      'img_00001.jpg',
    ]);
  });

  it('reads the original image bytes of an item', async () => {
    const { project } = await seedTask(repo, 1, 0, 'pics');
    const bytes = new Uint8Array([
      137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 3,
    ]);
    const [stored] = await blobIngest(store.blobs).store([
      { name: 'a.png', bytes, mime: 'image/png', width: 0, height: 0 },
    ]);
    expect(stored).toMatchObject({ width: 4, height: 3, created: true });
    const { task } = await repo.tasks.create({
      project_id: project.id,
      name: 'one',
      frames: [
        { name: 'a.png', width: 4, height: 3, blob: stored!.sha256, mime: 'image/png', related_files: 0 },
      ],
      segment_size: 0,
    });
    const { dataset, media } = await datasetFromTask(repo, task.id, { blobs: store.blobs });
    expect(await media(dataset.items[0]!)).toEqual(bytes);
  });
});

describe('importing into a task or a job', () => {
  it('appends a task export to another task, mapping frames by name and splitting by job', async () => {
    const { task } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    const target = await seedTask(repo, 10, 3, 'copy');
    const result = await importDataset(
      repo,
      dataset,
      { kind: 'task', taskId: target.task.id },
      { author: 'bob' },
    );
    expect(result).toMatchObject({ shapes: 4, tags: 1, tracks: 1, warnings: [] });
    const round = await datasetFromTask(repo, target.task.id);
    expect(round.dataset.shapes).toHaveLength(4);
    const sk = round.dataset.shapes.find((s) => s.type === 'skeleton');
    expect(sk?.type === 'skeleton' && sk.elements.map((e) => e.points)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const car = round.dataset.shapes.find((s) => s.label_id === 'car');
    expect(car?.attributes).toEqual([
      { spec_id: 'color', value: 'blue' },
      { spec_id: 'speed', value: '42' },
    ]);
    expect(car?.author).toBe('bob');
    // Frame 7 is in the third job of 3-frame segments.
    const jobs = await repo.jobs.listByTask(target.task.id);
    expect((await repo.annotations.objectsOnFrame(jobs[2]!.id, 7)).length).toBe(1);
    expect(round.dataset.tracks[0]!.shapes.map((s) => s.frame)).toEqual([1, 3, 4]);
    // Importing again appends.
    await importDataset(repo, dataset, { kind: 'task', taskId: target.task.id });
    expect((await counts(jobs.map((j) => j.id))).objects).toBe(10);
  });

  it('replaces the annotations with "clean old annotations"', async () => {
    const { task, jobs } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    const only = { ...dataset, shapes: dataset.shapes.slice(0, 1), tags: [], tracks: [] };
    await importDataset(repo, only, { kind: 'task', taskId: task.id }, { clean: true });
    expect(await counts(jobs.map((j) => j.id))).toEqual({ objects: 1, tracks: 0 });
  });

  it('imports into one job only the frames of that job', async () => {
    const { task, jobs } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    const result = await importDataset(repo, dataset, { kind: 'job', jobId: jobs[1]!.id }, { clean: true });
    expect(result.shapes).toBe(1);
    expect(result.warnings.join(' ')).toMatch(/outside the target/);
    expect(await counts([jobs[1]!.id])).toEqual({ objects: 1, tracks: 0 });
    expect((await counts([jobs[0]!.id])).objects).toBe(4);
  });

  it('matches images by name without folders or extension', async () => {
    const { task, jobs } = await seedTask(repo, 3, 0);
    const dataset: Dataset = {
      ...(await datasetFromTask(repo, task.id)).dataset,
      items: [{ frame: 0, name: 'images/img_00002', width: 0, height: 0, subset: '' }],
    };
    dataset.shapes = [asShape(box(0))];
    await importDataset(repo, dataset, { kind: 'task', taskId: task.id });
    expect(await repo.annotations.objectsOnFrame(jobs[0]!.id, 2)).toHaveLength(1);
  });

  it('refuses images that are not frames of the task, naming them, and writes nothing', async () => {
    const { task, jobs } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    dataset.items[0] = { ...dataset.items[0]!, name: 'holiday.jpg' };
    const before = await counts(jobs.map((j) => j.id));
    const error = await importDataset(repo, dataset, { kind: 'task', taskId: task.id }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toMatch(
      /not frames of task "street": "holiday\.jpg" \(expected frame names such as "img_00000\.jpg"/,
    );
    expect(await counts(jobs.map((j) => j.id))).toEqual(before);
  });

  it('refuses unknown labels and ids, listing what was expected', async () => {
    const { task, jobs } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    dataset.labels = dataset.labels.map((l) => (l.name === 'car' ? { ...l, name: 'truck' } : l));
    dataset.shapes.push({ ...dataset.shapes[0]!, label_id: 'nope' });
    dataset.tags.push({ ...dataset.tags[0]!, frame: 99 });
    const error = (await importDataset(repo, dataset, { kind: 'task', taskId: task.id }).catch(
      (e: unknown) => e,
    )) as ImportError;
    expect(error.problems.join('\n')).toMatch(
      /label "truck" is not in project "project street" \(expected one of "car", "person", "hand"/,
    );
    expect(error.problems.join('\n')).toMatch(/label id "nope"/);
    expect(error.problems.join('\n')).toMatch(/tag on frame 99.*no image of the dataset has frame 99/);
    expect(await counts(jobs.map((j) => j.id))).toEqual({ objects: 5, tracks: 1 });
  });

  it('maps, adds or skips labels whose names differ', async () => {
    const { task } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    dataset.labels = dataset.labels.map((l) =>
      l.name === 'car'
        ? { ...l, name: 'Automobile' }
        : l.name === 'person'
          ? { ...l, name: 'pedestrian' }
          : l,
    );
    expect(proposeLabelMapping(dataset.labels, (await repo.projects.get(task.project_id))!.labels)).toEqual({
      mapping: { hand: 'hand' },
      unmatched: ['Automobile', 'pedestrian'],
    });
    const target = await seedTask(repo, 10, 0, 'other');
    const result = await importDataset(
      repo,
      dataset,
      { kind: 'task', taskId: target.task.id },
      { labelMapping: { Automobile: 'car', pedestrian: '+' } },
    );
    expect(result.labelsAdded).toEqual(['pedestrian']);
    const project = await repo.projects.get(target.project.id);
    expect(project!.labels.map((l) => l.name)).toEqual(['car', 'person', 'hand', 'pedestrian']);
    const pedestrian = project!.labels.find((l) => l.name === 'pedestrian')!;
    const { dataset: round } = await datasetFromTask(repo, target.task.id);
    expect(round.shapes.filter((s) => s.label_id === 'car')).toHaveLength(2);
    expect(round.tags.map((t) => t.label_id)).toEqual([pedestrian.id]);

    const skipping = await seedTask(repo, 10, 0, 'skip');
    const skipped = await importDataset(
      repo,
      dataset,
      { kind: 'task', taskId: skipping.task.id },
      { labelMapping: { Automobile: null, pedestrian: null } },
    );
    expect(skipped).toMatchObject({ shapes: 1, tags: 0, tracks: 0 });
    expect(skipped.warnings.join(' ')).toMatch(/5 object\(s\) of skipped labels/);
  });

  it('undoes everything written when a write fails midway', async () => {
    const { task, jobs } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    const before = await datasetFromTask(repo, task.id);
    let calls = 0;
    const failing: Repository = {
      ...repo,
      annotations: {
        ...repo.annotations,
        async putTracks(tracks) {
          if (++calls === 1) throw new Error('the disk is full');
          return repo.annotations.putTracks(tracks);
        },
      },
    };
    dataset.labels.push({
      id: 'new',
      name: 'bus',
      color: '#123456',
      type: 'any',
      attributes: [],
      sublabels: [],
      svg: '',
    });
    dataset.tags.push({ ...dataset.tags[0]!, label_id: 'new' });
    await expect(
      importDataset(
        failing,
        dataset,
        { kind: 'task', taskId: task.id },
        { clean: true, labelMapping: { bus: '+' } },
      ),
    ).rejects.toThrow('the disk is full');
    const after = await datasetFromTask(repo, task.id);
    const ids = (d: Dataset) => [...d.shapes, ...d.tags].map((o) => o.id).sort();
    expect(ids(after.dataset)).toEqual(ids(before.dataset));
    expect(after.dataset.tracks.map((t) => t.id)).toEqual(before.dataset.tracks.map((t) => t.id));
    expect(after.dataset.labels.map((l) => l.name)).toEqual(['car', 'person', 'hand']);
    expect(await counts(jobs.map((j) => j.id))).toEqual({ objects: 5, tracks: 1 });
  });

  it('undoes the jobs already written when cancelled while writing', async () => {
    const { task, jobs } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    const before = await datasetFromTask(repo, task.id);
    const controller = new AbortController();
    let writes = 0;
    const progress = (_: number, message?: string) => {
      // Cancel once the first job has been written.
      if (message === 'Writing annotations' && ++writes === 2) controller.abort();
    };
    await expect(
      importDataset(
        repo,
        dataset,
        { kind: 'task', taskId: task.id },
        { clean: true, progress, signal: controller.signal },
      ),
    ).rejects.toThrow(/cancelled/);
    const after = await datasetFromTask(repo, task.id);
    const ids = (d: Dataset) => [...d.shapes, ...d.tags].map((o) => o.id).sort();
    expect(ids(after.dataset)).toEqual(ids(before.dataset));
    expect(await counts(jobs.map((j) => j.id))).toEqual({ objects: 5, tracks: 1 });
  });

  it('matches label names ignoring case and spaces, and widens mapped labels with missing attributes', async () => {
    const { task } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    dataset.labels = dataset.labels.map((l) =>
      l.name === 'car'
        ? {
            ...l,
            name: ' CAR ',
            attributes: [
              ...l.attributes,
              {
                id: 'doors',
                name: 'doors',
                input_type: 'number',
                mutable: false,
                values: ['2', '5', '1'],
                default_value: '4',
              },
            ],
          }
        : l,
    );
    dataset.shapes = dataset.shapes.map((s) =>
      s.label_id === 'car' ? { ...s, attributes: [...s.attributes, { spec_id: 'doors', value: '3' }] } : s,
    );
    const target = await seedTask(repo, 10, 0, 'wide');
    const result = await importDataset(repo, dataset, { kind: 'task', taskId: target.task.id });
    expect(result.warnings).toEqual(['added attribute(s) "doors" to label "car"']);
    const car = (await repo.projects.get(target.project.id))!.labels.find((l) => l.name === 'car')!;
    expect(car.attributes.map((a) => a.name)).toEqual(['color', 'speed', 'doors']);
    const doors = car.attributes[2]!.id;
    const round = await datasetFromTask(repo, target.task.id);
    expect(
      round.dataset.shapes.filter((s) => s.attributes.some((a) => a.spec_id === doors && a.value === '3')),
    ).toHaveLength(2);
  });

  it('stops before writing when cancelled', async () => {
    const { task, jobs } = await annotatedTask();
    const { dataset } = await datasetFromTask(repo, task.id);
    const controller = new AbortController();
    controller.abort();
    await expect(
      importDataset(repo, dataset, { kind: 'task', taskId: task.id }, { signal: controller.signal }),
    ).rejects.toThrow(/cancelled/);
    expect(await counts(jobs.map((j) => j.id))).toEqual({ objects: 5, tracks: 1 });
  });
});

describe('importing into a project', () => {
  const png = (w: number, h: number) => {
    const b = new Uint8Array(33);
    b.set([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
    new DataView(b.buffer).setUint32(16, w);
    new DataView(b.buffer).setUint32(20, h);
    return b;
  };

  function twoSubsets(): Dataset {
    const shape = (frame: number) => asShape(box(frame));
    return {
      dimension: '2d',
      labels: [
        {
          id: 'l1',
          name: 'car',
          color: '#ff0000',
          type: 'any',
          attributes: [
            {
              id: 'color',
              name: 'color',
              input_type: 'select',
              mutable: false,
              values: ['red', 'blue'],
              default_value: 'red',
            },
            {
              id: 'speed',
              name: 'speed',
              input_type: 'number',
              mutable: true,
              values: ['0', '300', '1'],
              default_value: '0',
            },
          ],
          sublabels: [],
          svg: '',
        },
      ],
      items: [
        { frame: 0, name: 'a.png', width: 5, height: 6, subset: 'train' },
        { frame: 1, name: 'b.png', width: 5, height: 6, subset: 'train' },
        { frame: 2, name: 'c.png', width: 5, height: 6, subset: 'val' },
      ],
      shapes: [0, 1, 2, 2].map((f) => ({ ...shape(f), label_id: 'l1' })),
      tags: [],
      tracks: [],
      meta: { name: 'cars' },
    };
  }

  const archive = () =>
    new MemorySource({
      'images/train/a.png': png(5, 6),
      'images/train/b.png': png(5, 6),
      'images/val/c.png': png(7, 8),
    });

  it('creates one task per subset from the archive images and adopts the labels', async () => {
    const project = await repo.projects.create({ name: 'empty' });
    const result = await importDataset(
      repo,
      twoSubsets(),
      { kind: 'project', projectId: project.id },
      { source: archive(), ingest: blobIngest(store.blobs) },
    );
    expect(result).toMatchObject({ shapes: 4, labelsAdded: ['car'] });
    const tasks = await repo.tasks.listByProject(project.id);
    expect(tasks.map((t) => [t.name, t.subset, t.size])).toEqual([
      ['train', 'train', 2],
      ['val', 'val', 1],
    ]);
    const frames = await repo.media.framesOfTask(tasks[1]!.id);
    expect(frames[0]).toMatchObject({ name: 'c.png', width: 7, height: 8, mime: 'image/png' });
    const { dataset } = await datasetFromProject(repo, project.id);
    expect(dataset.shapes.map((s) => s.frame)).toEqual([0, 1, 2, 2]);
    expect(dataset.items.map((i) => i.subset)).toEqual(['train', 'train', 'val']);
  });

  it('refuses an archive without the images and writes nothing', async () => {
    const project = await repo.projects.create({ name: 'empty' });
    const source = new MemorySource({ 'images/train/a.png': png(5, 6) });
    const error = await importDataset(
      repo,
      twoSubsets(),
      { kind: 'project', projectId: project.id },
      { source, ingest: blobIngest(store.blobs) },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/2 image\(s\) are missing from the archive: "b\.png", "c\.png"/);
    expect(await repo.tasks.listByProject(project.id)).toEqual([]);
    expect((await repo.projects.get(project.id))!.labels).toEqual([]);
    expect(await store.blobs.blobs.count()).toBe(0);
  });

  it('removes created tasks, labels and blobs when a write fails', async () => {
    const project = await repo.projects.create({ name: 'empty' });
    const failing: Repository = {
      ...repo,
      annotations: {
        ...repo.annotations,
        applyDiff: async () => {
          throw new Error('quota');
        },
      },
    };
    await expect(
      importDataset(
        failing,
        twoSubsets(),
        { kind: 'project', projectId: project.id },
        { source: archive(), ingest: blobIngest(store.blobs) },
      ),
    ).rejects.toThrow('quota');
    expect(await repo.tasks.listByProject(project.id)).toEqual([]);
    expect((await repo.projects.get(project.id))!.labels).toEqual([]);
    expect(await store.blobs.blobs.count()).toBe(0);
    expect(await store.workspace.db.job.count().exec()).toBe(0);
    expect(await store.workspace.db.media.count().exec()).toBe(0);
  });
});
