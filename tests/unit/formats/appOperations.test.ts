import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobIngest, datasetFromTask } from '../../../src/lib/formats/app';
import {
  backupArchive,
  commitImport,
  droppedKinds,
  exportArchive,
  prepareImport,
  restoreArchive,
  usedKinds,
} from '../../../src/lib/formats/app/operations';
import { ZipSource } from '../../../src/lib/formats/common/zip';
import type { Repository } from '../../../src/lib/store';
import { box, labels, openStore, skeleton, tag, type Store } from './appFixtures';

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

async function taskWithImages() {
  const project = await repo.projects.create({ name: 'Cars', labels: labels() });
  const stored = await blobIngest(store.blobs).store(
    [0, 1, 2].map((i) => ({
      name: `p${i}.png`,
      bytes: png(100, 80, i),
      mime: 'image/png',
      width: 0,
      height: 0,
    })),
  );
  const { task, jobs } = await repo.tasks.create({
    project_id: project.id,
    name: 'street',
    frames: stored.map((s, i) => ({
      name: `p${i}.png`,
      width: s.width,
      height: s.height,
      blob: s.sha256,
      mime: 'image/png',
      related_files: 0,
    })),
    segment_size: 0,
  });
  const objects = [box(0), box(1, 30), box(2, 50, 'person'), tag(1), skeleton(2)];
  await repo.annotations.applyDiff(jobs[0]!.id, {
    added: Object.fromEntries(objects.map((o) => [o.id, o])),
    updated: {},
    removed: {},
  });
  return { project, task };
}

async function exportZip(taskId: string, formatId: string, saveImages: boolean) {
  const chunks: Uint8Array[] = [];
  const summary = await exportArchive(
    repo,
    { scope: { kind: 'task', id: taskId }, formatId, saveImages },
    (c) => chunks.push(c),
    undefined,
    undefined,
    store.blobs,
  );
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  expect(summary.bytes).toBe(bytes.length);
  return { bytes, summary };
}

describe('export and import through the store', () => {
  it('exports a task as CVAT for images with its images and imports it into a new project', async () => {
    const { task } = await taskWithImages();
    const { bytes, summary } = await exportZip(task.id, 'cvat-images', true);
    expect(summary).toMatchObject({ items: 3, missingImages: 0, dropped: [] });
    const zip = new ZipSource(bytes);
    expect(zip.paths()).toEqual(expect.arrayContaining(['annotations.xml', 'images/p0.png']));
    expect(await zip.read('images/p1.png')).toEqual(png(100, 80, 1));

    const empty = await repo.projects.create({ name: 'Imported' });
    const prepared = await prepareImport(bytes, 'street.zip', 'cvat-images', [], undefined);
    expect(prepared.summary).toMatchObject({ items: 3, shapeTotal: 4, tags: 1 });
    expect(prepared.unmatched).toEqual(['car', 'person', 'hand']);
    const result = await commitImport(
      repo,
      prepared,
      { kind: 'project', projectId: empty.id },
      blobIngest(store.blobs),
      {},
    );
    expect(result).toMatchObject({ shapes: 4, tags: 1 });
    const [copy] = await repo.tasks.listByProject(empty.id);
    const { dataset } = await datasetFromTask(repo, copy!.id, { blobs: store.blobs });
    expect(dataset.items.map((i) => [i.name, i.width, i.height])).toEqual([
      ['p0.png', 100, 80],
      ['p1.png', 100, 80],
      ['p2.png', 100, 80],
    ]);
    expect(dataset.shapes.map((s) => [s.type, s.frame]).sort()).toEqual([
      ['rectangle', 0],
      ['rectangle', 1],
      ['rectangle', 2],
      ['skeleton', 2],
    ]);
    const car = dataset.shapes.find((s) => s.frame === 1)!;
    expect(car.points).toEqual([30, 10, 50, 40]);
    const colour = dataset.labels.find((l) => l.name === 'car')!.attributes.find((a) => a.name === 'color')!;
    expect(car.attributes).toContainEqual({ spec_id: colour.id, value: 'blue' });
  });

  it('exports COCO (boxes kept, tags and skeletons reported as dropped) and imports it into the task', async () => {
    const { task } = await taskWithImages();
    const kinds = usedKinds((await datasetFromTask(repo, task.id)).dataset);
    expect(kinds.sort()).toEqual(['rectangle', 'skeleton', 'tag']);
    const { bytes, summary } = await exportZip(task.id, 'coco', false);
    expect(summary.dropped.sort()).toEqual(['skeleton', 'tag']);
    expect(droppedKinds(['track', 'rectangle'], ['rectangle'])).toEqual([]);
    const zip = new ZipSource(bytes);
    expect(zip.paths().some((p) => p.startsWith('images/'))).toBe(false);

    const frames = await repo.media.framesOfTask(task.id);
    const prepared = await prepareImport(bytes, 'coco.zip', 'coco', labels(), frames);
    expect(prepared.unmatched).toEqual([]);
    await commitImport(repo, prepared, { kind: 'task', taskId: task.id }, blobIngest(store.blobs), {
      clean: true,
    });
    const { dataset } = await datasetFromTask(repo, task.id);
    expect(dataset.tags).toHaveLength(0);
    expect(dataset.shapes.map((s) => [s.type, s.frame, s.points])).toEqual(
      expect.arrayContaining([
        ['rectangle', 0, [10, 10, 30, 40]],
        ['rectangle', 1, [30, 10, 50, 40]],
      ]),
    );
  });

  it('reports a malformed upload with the file and place, before anything is written', async () => {
    const { task } = await taskWithImages();
    const xml =
      '<?xml version="1.0"?><annotations><image id="0" name="p0.png" width="100" height="80"><box label="car" xtl="abc"';
    const error = await prepareImport(
      new TextEncoder().encode(xml),
      'annotations.xml',
      'cvat-images',
      labels(),
      undefined,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/annotations\.xml/);
    expect((await datasetFromTask(repo, task.id)).dataset.shapes).toHaveLength(4);
  });

  it('backs up and restores through the operations', async () => {
    const { task } = await taskWithImages();
    const chunks: Uint8Array[] = [];
    const { bytes } = await backupArchive(
      repo,
      { kind: 'task', id: task.id },
      (c) => chunks.push(c),
      undefined,
      undefined,
      store.blobs,
    );
    const whole = new Uint8Array(bytes);
    let offset = 0;
    for (const c of chunks) {
      whole.set(c, offset);
      offset += c.length;
    }
    const restored = await restoreArchive(repo, whole, 'b.zip', blobIngest(store.blobs), undefined);
    expect((await datasetFromTask(repo, restored.taskIds[0]!)).dataset.shapes).toHaveLength(4);
    await expect(
      restoreArchive(repo, new Uint8Array([1, 2, 3]), 'x.zip', blobIngest(store.blobs), undefined),
    ).rejects.toThrow(/x\.zip: a backup is a \.zip archive/);
  });
});

describe('malformed uploads write nothing', () => {
  const COCO =
    '../shared/assets/coco_1.0/cvat-server-exports/job14/extracted/annotations/instances_default.json';
  const coco = () =>
    JSON.parse(readFileSync(COCO, 'utf8')) as Record<string, unknown[]> & {
      annotations: Record<string, unknown>[];
      images: Record<string, unknown>[];
    };

  /** A task whose frames are the COCO sample's images, with one object already stored. */
  async function target() {
    const project = await repo.projects.create({ name: 'P', labels: labels() });
    const names = ['67.png', '68.png', '69.png', '70.png', '71.png'];
    const { task, jobs } = await repo.tasks.create({
      project_id: project.id,
      name: 't',
      frames: names.map((name, i) => ({
        name,
        width: 100,
        height: 100,
        blob: String(i).padStart(64, '0'),
        mime: 'image/png',
        related_files: 0,
      })),
      segment_size: 0,
    });
    const existing = box(0);
    await repo.annotations.applyDiff(jobs[0]!.id, {
      added: { [existing.id]: existing },
      updated: {},
      removed: {},
    });
    return { task, frames: await repo.media.framesOfTask(task.id) };
  }

  const cases: { name: string; format: string; file: string; bytes: () => string; error: RegExp }[] = [
    {
      name: 'truncated CVAT XML',
      format: 'cvat-images',
      file: 'annotations.xml',
      bytes: () =>
        '<?xml version="1.0"?>\n<annotations>\n<image id="0" name="67.png" width="10" height="10">\n<box label="car" xtl="1"',
      error: /annotations\.xml.*line/,
    },
    {
      name: 'CVAT XML with a wrong type',
      format: 'cvat-images',
      file: 'annotations.xml',
      bytes: () =>
        '<?xml version="1.0"?>\n<annotations>\n<image id="0" name="67.png" width="10" height="10">\n<box label="car" xtl="x" ytl="1" xbr="2" ybr="3" occluded="0"/>\n</image>\n</annotations>',
      error: /annotations\.xml line 4.*xtl.*number/,
    },
    {
      name: 'CVAT XML naming an image the task lacks',
      format: 'cvat-images',
      file: 'annotations.xml',
      bytes: () =>
        '<?xml version="1.0"?>\n<annotations>\n<image id="0" name="elsewhere.png" width="10" height="10">\n<box label="car" xtl="1" ytl="1" xbr="2" ybr="3" occluded="0"/>\n</image>\n</annotations>',
      error: /not frames of task "t": "elsewhere\.png" \(expected frame names such as "67\.png"/,
    },
    {
      name: 'COCO with a wrong type',
      format: 'coco',
      file: 'instances_default.json',
      bytes: () => {
        const d = coco();
        d.annotations[0]!.bbox = 'wide';
        return JSON.stringify(d);
      },
      error: /instances_default\.json.*bbox/,
    },
    {
      name: 'COCO with an out-of-range category id',
      format: 'coco',
      file: 'instances_default.json',
      bytes: () => {
        const d = coco();
        d.annotations[0]!.category_id = 99;
        return JSON.stringify(d);
      },
      error: /instances_default\.json.*99/,
    },
    {
      name: 'COCO with an unknown image id',
      format: 'coco',
      file: 'instances_default.json',
      bytes: () => {
        const d = coco();
        d.annotations[0]!.image_id = 77;
        return JSON.stringify(d);
      },
      error: /instances_default\.json.*77/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with a clear error`, async () => {
      const { task, frames } = await target();
      const before = await datasetFromTask(repo, task.id);
      const error = await prepareImport(
        new TextEncoder().encode(c.bytes()),
        c.file,
        c.format,
        labels(),
        frames,
      )
        .then((prepared) =>
          commitImport(repo, prepared, { kind: 'task', taskId: task.id }, blobIngest(store.blobs), {
            clean: true,
          }),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(c.error);
      const after = await datasetFromTask(repo, task.id);
      expect(after.dataset.shapes.map((s) => s.id)).toEqual(before.dataset.shapes.map((s) => s.id));
    });
  }
});
