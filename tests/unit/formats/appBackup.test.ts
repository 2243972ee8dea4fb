import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobIngest, datasetFromProject, datasetFromTask } from '../../../src/lib/formats/app';
import {
  backupFileName,
  restoreBackup,
  writeProjectBackup,
  writeTaskBackup,
} from '../../../src/lib/formats/backup';
import { MemorySink, MemorySource } from '../../../src/lib/formats/common/memory';
import { ZipSink, ZipSource } from '../../../src/lib/formats/common/zip';
import { FormatError, type Dataset } from '../../../src/lib/formats/types';
import type { Repository } from '../../../src/lib/store';
import { box, openStore, skeleton, tag, track, labels, type Store } from './appFixtures';

const ASSETS = '../shared/assets/cvat_backup/cvat-server-exports';

let store: Store;
let repo: Repository;

beforeEach(async () => {
  store = await openStore();
  repo = store.repo;
});

afterEach(async () => {
  await store.close();
});

function png(w: number, h: number, seed: number): Uint8Array {
  const b = new Uint8Array(40);
  b.set([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
  new DataView(b.buffer).setUint32(16, w);
  new DataView(b.buffer).setUint32(20, h);
  b[39] = seed;
  return b;
}

/** A task of 6 stored images in 2 jobs, with shapes, a tag, a skeleton and a track. */
async function storedTask(name = 'street') {
  const project = await repo.projects.create({ name: 'Cars', labels: labels(), owner: 'ann' });
  const ingest = blobIngest(store.blobs);
  const stored = await ingest.store(
    Array.from({ length: 6 }, (_, i) => ({
      name: `dir/f${i}.png`,
      bytes: png(30 + i, 20, i),
      mime: 'image/png',
      width: 0,
      height: 0,
    })),
  );
  const { task, jobs } = await repo.tasks.create({
    project_id: project.id,
    name,
    subset: 'train',
    frames: stored.map((s, i) => ({
      name: `dir/f${i}.png`,
      width: s.width,
      height: s.height,
      blob: s.sha256,
      mime: 'image/png',
      related_files: 0,
    })),
    segment_size: 3,
    overlap: 0,
    owner: 'ann',
  });
  const objects = [box(0), { ...box(1, 5, 'person'), color: '#abcdef' }, tag(2), skeleton(4)];
  await repo.annotations.applyDiff(jobs[0]!.id, {
    added: Object.fromEntries(objects.slice(0, 3).map((o) => [o.id, o])),
    updated: {},
    removed: {},
  });
  await repo.annotations.applyDiff(jobs[1]!.id, {
    added: { [objects[3]!.id]: objects[3]! },
    updated: {},
    removed: {},
  });
  await repo.annotations.putTracks([track(jobs[1]!.id, [3, 5])]);
  await repo.tasks.update(task.id, { deleted_frames: [5] });
  await repo.jobs.update(jobs[1]!.id, { stage: 'validation', state: 'in progress', assignee: 'bob' });
  return { project, task, jobs };
}

/** A dataset with ids and dates replaced by names, for comparing restored copies. */
function normalized(dataset: Dataset) {
  const labelName = new Map<string, string>();
  const attrName = new Map<string, string>();
  for (const l of dataset.labels) {
    labelName.set(l.id, l.name);
    for (const a of l.attributes) attrName.set(a.id, a.name);
    for (const s of l.sublabels) {
      labelName.set(s.id, `${l.name}/${s.name}`);
      for (const a of s.attributes) attrName.set(a.id, a.name);
    }
  }
  const attrs = (list: { spec_id: string; value: string }[]) =>
    list.map((a) => ({ name: attrName.get(a.spec_id), value: a.value }));
  const strip = <
    T extends { id: string; label_id: string; attributes: { spec_id: string; value: string }[] },
  >(
    o: T,
  ) => ({
    ...o,
    id: undefined,
    label_id: labelName.get(o.label_id),
    attributes: attrs(o.attributes),
    ...('elements' in o && Array.isArray(o.elements)
      ? {
          elements: (
            o.elements as { label_id: string; attributes: { spec_id: string; value: string }[] }[]
          ).map((e) => ({
            ...e,
            label_id: labelName.get(e.label_id),
            attributes: attrs(e.attributes),
            ...('shapes' in e
              ? {
                  shapes: (e.shapes as { attributes: { spec_id: string; value: string }[] }[]).map((s) => ({
                    ...s,
                    attributes: attrs(s.attributes),
                  })),
                }
              : {}),
          })),
        }
      : {}),
    ...('shapes' in o && Array.isArray(o.shapes)
      ? {
          shapes: (o.shapes as { attributes: { spec_id: string; value: string }[] }[]).map((s) => ({
            ...s,
            attributes: attrs(s.attributes),
          })),
        }
      : {}),
  });
  const order = (a: { frame: number; label_id?: string }, b: { frame: number; label_id?: string }) =>
    a.frame - b.frame || String(a.label_id).localeCompare(String(b.label_id));
  return {
    labels: dataset.labels.map((l) => ({
      ...l,
      id: undefined,
      attributes: l.attributes.map((a) => ({ ...a, id: undefined })),
      sublabels: l.sublabels.map((s) => ({
        ...s,
        id: undefined,
        attributes: s.attributes.map((a) => ({ ...a, id: undefined })),
      })),
    })),
    items: dataset.items,
    shapes: dataset.shapes.map(strip).sort(order),
    tags: dataset.tags.map(strip).sort(order),
    tracks: dataset.tracks.map(strip).sort(order),
  };
}

describe('task and project backups', () => {
  it('restores a Loupe task backup losslessly: task settings, jobs, frames, media and annotations', async () => {
    const { task } = await storedTask();
    const zip = new ZipSink();
    await writeTaskBackup(repo, task.id, zip, { blobs: store.blobs });
    const source = new ZipSource(await zip.finish(), { name: 'backup.zip' });
    expect(source.paths()).toEqual(
      expect.arrayContaining(['task.json', 'annotations.json', 'data/manifest.jsonl', 'data/dir/f0.png']),
    );
    const manifest = (await source.text('data/manifest.jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(manifest.slice(0, 3)).toEqual([
      { version: '1.1' },
      { type: 'images' },
      { name: 'dir/f0', extension: '.png', width: 30, height: 20, meta: { related_images: [] } },
    ]);
    const annotations = JSON.parse(await source.text('annotations.json')) as {
      shapes: { label: string }[];
    }[];
    expect(annotations).toHaveLength(2);
    expect(annotations[0]!.shapes.map((s) => s.label).sort()).toEqual(['car', 'person']);

    const restored = await restoreBackup(repo, source, { ingest: blobIngest(store.blobs) });
    expect(restored).toMatchObject({ kind: 'task', createdProject: true });
    const copy = (await repo.tasks.get(restored.taskIds[0]!))!;
    expect(copy).toMatchObject({
      name: 'street',
      subset: 'train',
      segment_size: 3,
      deleted_frames: [5],
      owner: 'ann',
    });
    const jobs = await repo.jobs.listByTask(copy.id);
    expect(jobs.map((j) => [j.start_frame, j.stop_frame, j.stage, j.state, j.assignee])).toEqual([
      [0, 2, 'annotation', 'new', null],
      [3, 5, 'validation', 'in progress', 'bob'],
    ]);
    expect(await repo.media.framesOfTask(copy.id)).toEqual(await repo.media.framesOfTask(task.id));
    const before = await datasetFromTask(repo, task.id, { blobs: store.blobs });
    const after = await datasetFromTask(repo, copy.id, { blobs: store.blobs });
    expect(normalized(after.dataset)).toEqual(normalized(before.dataset));
    expect(await after.media(after.dataset.items[2]!)).toEqual(await before.media(before.dataset.items[2]!));
    // Per job, as they were.
    expect((await repo.annotations.loadJob(jobs[1]!.id)).tracks).toHaveLength(1);
  });

  it('restores a Loupe video task backup: one video file, timestamps, whole tracks', async () => {
    const project = await repo.projects.create({ name: 'Clips', labels: labels() });
    const video = new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112, 105, 115, 111, 109, 1, 2, 3, 4]);
    const [stored] = await blobIngest(store.blobs).store([
      { name: 'clip.mp4', bytes: video, mime: 'video/mp4', width: 320, height: 240 },
    ]);
    const frames = Array.from({ length: 12 }, (_, i) => ({
      name: `clip.mp4/frame_${String(i).padStart(6, '0')}`,
      width: 320,
      height: 240,
      blob: stored!.sha256,
      mime: 'video/mp4',
      timestamp: i * 40_000,
      keyframe: i % 6 === 0,
      related_files: 0,
    }));
    const { task, jobs } = await repo.tasks.create({
      project_id: project.id,
      name: 'clip',
      frames,
      segment_size: 6,
      overlap: 0,
      mode: 'interpolation',
      fps: 25,
    });
    await repo.annotations.putTracks([track(jobs[0]!.id, [2, 4, 9])]);
    const sink = new MemorySink();
    await writeTaskBackup(repo, task.id, sink, { blobs: store.blobs });
    expect([...sink.files.keys()].filter((p) => p.startsWith('data/'))).toEqual([
      'data/clip.mp4',
      'data/manifest.jsonl',
    ]);
    expect(sink.text('data/manifest.jsonl').split('\n').slice(0, 3)).toEqual([
      '{"version":"1.1"}',
      '{"type":"video"}',
      '{"properties":{"name":"clip.mp4","resolution":[320,240],"length":12}}',
    ]);
    const restored = await restoreBackup(repo, sink.toSource(), { ingest: blobIngest(store.blobs) });
    const copy = (await repo.tasks.get(restored.taskIds[0]!))!;
    expect(copy).toMatchObject({ mode: 'interpolation', fps: 25, size: 12, segment_size: 6, overlap: 0 });
    expect(await repo.media.framesOfTask(copy.id)).toEqual(frames);
    const copyJobs = await repo.jobs.listByTask(copy.id);
    const tracks = await repo.annotations.tracksOfJob(copyJobs[0]!.id);
    expect(tracks.map((t) => t.shapes.map((s) => s.frame))).toEqual([[2, 4, 9]]);
    expect(await repo.annotations.tracksOfJob(copyJobs[1]!.id)).toEqual([]);
  });

  it('keeps context images: in related_images/ as CVAT lays them out, restored to the same frames', async () => {
    const project = await repo.projects.create({ name: 'Ctx', labels: labels() });
    const ingest = blobIngest(store.blobs);
    const [main, other] = await ingest.store([
      { name: 'a.png', bytes: png(10, 10, 1), mime: 'image/png', width: 0, height: 0 },
      { name: 'b.png', bytes: png(10, 10, 2), mime: 'image/png', width: 0, height: 0 },
    ]);
    const [ctx1, ctx2] = await ingest.store([
      {
        name: 'c1.jpg',
        bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1]),
        mime: 'image/jpeg',
        width: 4,
        height: 4,
      },
      { name: 'c2.png', bytes: png(5, 5, 9), mime: 'image/png', width: 0, height: 0 },
    ]);
    const frames = [
      {
        name: 'a.png',
        width: 10,
        height: 10,
        blob: main!.sha256,
        mime: 'image/png',
        related_files: 2,
        related: [ctx1!.sha256, ctx2!.sha256],
      },
      { name: 'b.png', width: 10, height: 10, blob: other!.sha256, mime: 'image/png', related_files: 0 },
    ];
    const { task } = await repo.tasks.create({
      project_id: project.id,
      name: 'ctx',
      frames,
      segment_size: 0,
    });
    const sink = new MemorySink();
    await writeTaskBackup(repo, task.id, sink, { blobs: store.blobs });
    expect([...sink.files.keys()]).toEqual(
      expect.arrayContaining([
        'data/related_images/a_png/context_image_1.jpg',
        'data/related_images/a_png/context_image_2.png',
      ]),
    );
    const manifest = sink.text('data/manifest.jsonl').trim().split('\n');
    expect(JSON.parse(manifest[2]!)).toMatchObject({
      name: 'a',
      meta: {
        related_images: [
          'related_images/a_png/context_image_1.jpg',
          'related_images/a_png/context_image_2.png',
        ],
      },
    });
    // Lost from the store, then restored from the backup.
    await store.blobs.blobs.delete(ctx2!.sha256);
    const restored = await restoreBackup(repo, sink.toSource(), { ingest });
    expect(await repo.media.framesOfTask(restored.taskIds[0]!)).toEqual(frames);
    expect(await store.blobs.blobs.get(ctx2!.sha256)).toBeDefined();
  });

  it('restores a Loupe project backup with every task', async () => {
    const { project } = await storedTask();
    const { task: second } = await repo.tasks.create({
      project_id: project.id,
      name: 'empty',
      subset: 'val',
      frames: (await repo.media.framesOfTask((await repo.tasks.listByProject(project.id))[0]!.id)).slice(
        0,
        2,
      ),
      segment_size: 0,
    });
    const sink = new MemorySink();
    await writeProjectBackup(repo, project.id, sink, { blobs: store.blobs });
    expect([...sink.files.keys()]).toEqual(
      expect.arrayContaining(['project.json', 'task_0/task.json', 'task_1/data/manifest.jsonl']),
    );
    const restored = await restoreBackup(repo, sink.toSource(), { ingest: blobIngest(store.blobs) });
    expect(restored.kind).toBe('project');
    const copy = await repo.projects.get(restored.projectId);
    expect(copy).toMatchObject({ name: 'Cars', owner: 'ann' });
    expect((await repo.tasks.listByProject(restored.projectId)).map((t) => [t.name, t.subset])).toEqual([
      ['street', 'train'],
      ['empty', 'val'],
    ]);
    const before = await datasetFromProject(repo, project.id);
    const after = await datasetFromProject(repo, restored.projectId);
    expect(normalized(after.dataset)).toEqual(normalized(before.dataset));
    expect(second.size).toBe(2);
  });

  it('restores a real CVAT project backup (project2: 11 PNG frames, a polyline)', async () => {
    const source = new ZipSource(new Uint8Array(readFileSync(`${ASSETS}/project2/project_backup.zip`)));
    const restored = await restoreBackup(repo, source, { ingest: blobIngest(store.blobs) });
    const project = (await repo.projects.get(restored.projectId))!;
    expect(project.name).toBe('project2');
    expect(project.labels.map((l) => [l.name, l.color])).toEqual([
      ['dog', '#406040'],
      ['cat', '#6080c0'],
    ]);
    const [task] = await repo.tasks.listByProject(project.id);
    expect(task).toMatchObject({ name: 'task1_in_project2', subset: 'Train', size: 11 });
    const frames = await repo.media.framesOfTask(task!.id);
    expect(frames[0]).toMatchObject({ name: '30.png', width: 810, height: 399, mime: 'image/png' });
    const { dataset } = await datasetFromTask(repo, task!.id, { blobs: store.blobs });
    expect(dataset.shapes).toHaveLength(1);
    expect(dataset.shapes[0]).toMatchObject({ type: 'polyline', frame: 0, label_id: project.labels[1]!.id });
    expect(dataset.shapes[0]!.points.slice(0, 2)).toEqual([100.14453125, 246.03515625]);
  });

  it('restores a real CVAT backup with skeleton labels and one without tasks', async () => {
    const five = await restoreBackup(
      repo,
      new ZipSource(new Uint8Array(readFileSync(`${ASSETS}/project5/project_backup.zip`))),
      {
        ingest: blobIngest(store.blobs),
      },
    );
    const project = (await repo.projects.get(five.projectId))!;
    expect(project.labels.map((l) => [l.name, l.type, l.sublabels.map((s) => s.name)])).toEqual([
      ['s2', 'skeleton', ['4', '3', '2', '1']],
      ['s1', 'skeleton', ['3', '2', '1']],
    ]);
    expect((await repo.tasks.listByProject(project.id))[0]!.size).toBe(8);
    const seven = await restoreBackup(
      repo,
      new ZipSource(new Uint8Array(readFileSync(`${ASSETS}/project7/project_backup.zip`))),
      {
        ingest: blobIngest(store.blobs),
      },
    );
    expect(seven.taskIds).toEqual([]);
    expect((await repo.projects.get(seven.projectId))!.name).toBe('admin1_project');
  });

  it('restores a task backup into an existing project, adding the labels it lacks', async () => {
    const { task } = await storedTask();
    const sink = new MemorySink();
    await writeTaskBackup(repo, task.id, sink, { blobs: store.blobs });
    const other = await repo.projects.create({ name: 'Other', labels: [labels()[1]!] });
    const restored = await restoreBackup(repo, sink.toSource(), {
      ingest: blobIngest(store.blobs),
      projectId: other.id,
    });
    expect(restored).toMatchObject({ projectId: other.id, createdProject: false });
    expect((await repo.projects.get(other.id))!.labels.map((l) => l.name).sort()).toEqual([
      'car',
      'hand',
      'person',
    ]);
    expect((await datasetFromTask(repo, restored.taskIds[0]!)).dataset.shapes).toHaveLength(3);
  });

  it('refuses a broken backup with the file, place and expected value, and writes nothing', async () => {
    const { task } = await storedTask();
    const sink = new MemorySink();
    await writeTaskBackup(repo, task.id, sink, { blobs: store.blobs });
    const projectsBefore = (await repo.projects.list()).length;
    const blobsBefore = await store.blobs.blobs.count();
    const files = new Map(sink.files);

    const withText = (path: string, text: string) => new MemorySource([...files, [path, text]]);
    const annotations = JSON.parse(sink.text('annotations.json')) as { shapes: Record<string, unknown>[] }[];
    annotations[0]!.shapes[0]!.label = 'bicycle';
    const badLabel = await restoreBackup(repo, withText('annotations.json', JSON.stringify(annotations)), {
      ingest: blobIngest(store.blobs),
    }).catch((e: unknown) => e);
    expect(badLabel).toBeInstanceOf(FormatError);
    expect((badLabel as Error).message).toMatch(
      /^annotations\.json \[0\]\.shapes\[0\]: label "bicycle" is not a label of the backup \(expected one of "car", "person", "hand"\)/,
    );

    const truncated = await restoreBackup(repo, withText('task.json', sink.text('task.json').slice(0, 50)), {
      ingest: blobIngest(store.blobs),
    }).catch((e: unknown) => e);
    expect((truncated as Error).message).toMatch(/^task\.json line 1, column \d+: JSON syntax error/);

    annotations[0]!.shapes[0]!.label = 'car';
    annotations[0]!.shapes[0]!.frame = 60;
    const outOfRange = await restoreBackup(repo, withText('annotations.json', JSON.stringify(annotations)), {
      ingest: blobIngest(store.blobs),
    }).catch((e: unknown) => e);
    expect((outOfRange as Error).message).toMatch(
      /^annotations\.json \[0\]\.shapes\[0\]\.frame: frame 60 is outside the task \(expected a frame number from 0 to 5\)/,
    );

    files.delete('data/dir/f3.png');
    const missing = await restoreBackup(repo, new MemorySource(files), {
      ingest: blobIngest(store.blobs),
    }).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(
      /^data\/dir\/f3\.png: the media file is missing from the backup/,
    );

    const notBackup = await restoreBackup(repo, new MemorySource({ 'a.txt': 'x' }), {
      ingest: blobIngest(store.blobs),
    }).catch((e: unknown) => e);
    expect((notBackup as Error).message).toMatch(/neither project\.json nor task\.json/);

    expect((await repo.projects.list()).length).toBe(projectsBefore);
    expect(await store.blobs.blobs.count()).toBe(blobsBefore);
  });

  it('names archives as CVAT does', () => {
    expect(backupFileName('task', 'my task/1', new Date(2024, 0, 2, 3, 4, 5))).toBe(
      'task_my_task_1_backup_2024_01_02_03_04_05.zip',
    );
  });
});
