/**
 * Dataset import into and export from the app's own IndexedDB: a task of 5,000 frames receives
 * a COCO file with 100,000 annotations (or CVAT for images XML with 100,000 shapes), then the
 * task is exported in the same format. `formatsStoreWorker` runs it as the app does, in the
 * built `io` worker (file in, zip chunks out); `formatsStore` runs the same operations in the
 * page to time their parts (parse, store read).
 */
import * as Comlink from 'comlink';
import type { IoWorkerApi } from '../../workers/io.worker';
import { ZipSink } from '$lib/formats/common/zip';
import { LabelBook, emptyDataset } from '$lib/formats/common/dataset';
import { blobIngest } from '$lib/formats/app/media';
import { commitImport, exportArchive, prepareImport, readScope } from '$lib/formats/app/operations';
import { getFormat } from '$lib/formats/registry';
import type { Dataset } from '$lib/formats/types';
import type { Shape } from '$lib/core/types';
import { createRepository, openWorkspace } from '$lib/store';

const IMAGES = 5000;
const SHAPES = 100_000;

function frameName(i: number): string {
  return `img_${String(i).padStart(6, '0')}.jpg`;
}

/** 5,000 images of 1920×1080 and 100,000 shapes: 70 % boxes, 30 % 8-point polygons. */
function makeDataset(): Dataset {
  let s = 11;
  const random = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const d = emptyDataset();
  const book = new LabelBook(d.labels);
  const labels = ['car', 'person', 'bicycle', 'dog', 'traffic light'].map((n) => book.label(n));
  d.labels = book.labels;
  for (let i = 0; i < IMAGES; i++)
    d.items.push({ frame: i, name: frameName(i), width: 1920, height: 1080, subset: '' });
  for (let k = 0; k < SHAPES; k++) {
    const x = random() * 1800;
    const y = random() * 1000;
    const w = 5 + random() * 100;
    const h = 5 + random() * 70;
    const base = {
      id: `s${k}`,
      updated_date: '',
      author: '',
      frame: k % IMAGES,
      label_id: labels[Math.floor(random() * labels.length)]!.id,
      occluded: false,
      outside: false,
      z_order: 0,
      rotation: 0,
      group: 0,
      source: 'manual' as const,
      attributes: [],
    };
    const shape: Shape =
      random() < 0.7
        ? { ...base, type: 'rectangle', points: [x, y, x + w, y + h] }
        : {
            ...base,
            type: 'polygon',
            points: [
              x,
              y,
              x + w / 2,
              y - 3,
              x + w,
              y,
              x + w + 3,
              y + h / 2,
              x + w,
              y + h,
              x + w / 2,
              y + h + 3,
              x,
              y + h,
              x - 3,
              y + h / 2,
            ],
          };
    d.shapes.push(shape);
  }
  return d;
}

async function archive(dataset: Dataset, formatId: string): Promise<Uint8Array> {
  const sink = new ZipSink();
  await getFormat(formatId).export!(dataset, sink, { saveImages: false });
  return sink.finish();
}

export interface RoundResult {
  importMs: number;
  /** Of the import: reading the archive into a dataset. */
  parseMs: number;
  exportMs: number;
  /** Of the export: reading the task from IndexedDB into a dataset. */
  readMs: number;
  archiveBytes: number;
  exportBytes: number;
  stored: number;
}

async function seedTask(formatId: string, dataset: Dataset) {
  const ws = await openWorkspace('personal', { storage: 'dexie' });
  const repo = createRepository(ws);
  const project = await repo.projects.create({ name: `bench ${formatId}`, labels: dataset.labels });
  const { task, jobs } = await repo.tasks.create({
    project_id: project.id,
    name: formatId,
    frames: dataset.items.map((item, i) => ({
      name: item.name,
      width: 1920,
      height: 1080,
      blob: i.toString(16).padStart(64, '0'),
      mime: 'image/jpeg',
      related_files: 0,
    })),
    segment_size: 0,
  });
  const frames = await repo.media.framesOfTask(task.id);
  return { repo, project, task, jobs, frames };
}

async function run(formatId: string): Promise<RoundResult> {
  const dataset = makeDataset();
  const bytes = await archive(dataset, formatId);
  const { repo, project, task, jobs, frames } = await seedTask(formatId, dataset);

  let t = performance.now();
  const prepared = await prepareImport(bytes, `${formatId}.zip`, formatId, project.labels, frames);
  const parseMs = performance.now() - t;
  await commitImport(repo, prepared, { kind: 'task', taskId: task.id }, blobIngest(), {});
  const importMs = performance.now() - t;

  const loaded = await repo.annotations.loadJob(jobs[0]!.id);
  let stored = 0;
  for (const objects of loaded.frames.values()) stored += Object.keys(objects).length;

  t = performance.now();
  await readScope(repo, { kind: 'task', id: task.id });
  const readMs = performance.now() - t;

  t = performance.now();
  let exportBytes = 0;
  await exportArchive(
    repo,
    { scope: { kind: 'task', id: task.id }, formatId, saveImages: false },
    (chunk) => {
      exportBytes += chunk.length;
    },
  );
  const exportMs = performance.now() - t;
  await repo.projects.remove(project.id);
  return { importMs, parseMs, exportMs, readMs, archiveBytes: bytes.length, exportBytes, stored };
}

(window as unknown as { formatsStore: typeof run }).formatsStore = run;

/** The same round through the app's built `io` worker (at `workerUrl`), as the dialogs run it. */
async function runInWorker(formatId: string, workerUrl: string): Promise<RoundResult> {
  const dataset = makeDataset();
  const bytes = await archive(dataset, formatId);
  const { repo, project, task, jobs, frames } = await seedTask(formatId, dataset);
  const worker = new Worker(workerUrl, { type: 'module' });
  const io = Comlink.wrap<IoWorkerApi>(worker);
  try {
    const file = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
    let t = performance.now();
    const info = await io.prepareImport(file, `${formatId}.zip`, formatId, project.labels, frames, 1);
    const parseMs = performance.now() - t;
    await io.commitImport('personal', 1, { kind: 'task', taskId: task.id }, {});
    const importMs = performance.now() - t;
    if (info.summary.shapeTotal !== SHAPES) throw new Error(`parsed ${info.summary.shapeTotal} shapes`);

    const loaded = await repo.annotations.loadJob(jobs[0]!.id);
    let stored = 0;
    for (const objects of loaded.frames.values()) stored += Object.keys(objects).length;

    t = performance.now();
    let exportBytes = 0;
    const parts: Uint8Array[] = [];
    await io.exportDataset(
      'personal',
      { scope: { kind: 'task', id: task.id }, formatId, saveImages: false },
      2,
      Comlink.proxy((chunk: Uint8Array) => {
        parts.push(chunk);
        exportBytes += chunk.length;
      }),
    );
    new Blob(parts as Uint8Array<ArrayBuffer>[]);
    const exportMs = performance.now() - t;
    return { importMs, parseMs, exportMs, readMs: NaN, archiveBytes: bytes.length, exportBytes, stored };
  } finally {
    worker.terminate();
    await repo.projects.remove(project.id);
  }
}

(window as unknown as { formatsStoreWorker: typeof runInWorker }).formatsStoreWorker = runInWorker;
