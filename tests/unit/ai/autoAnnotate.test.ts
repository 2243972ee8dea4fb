/**
 * Automatic annotation through the real repository (RxDB in memory) with the hand-built cell
 * detector in onnxruntime-node: label mapping, threshold, clean old annotations, cancel.
 */
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autoAnnotate, AutoAnnotateError } from '../../../src/lib/ai/autoAnnotate';
import { runDetector, type SessionLike } from '../../../src/lib/ai/detect';
import { defaultMapping } from '../../../src/lib/ai/labelMapping';
import { describeUserModel } from '../../../src/lib/ai/models';
import { readOnnxInfo } from '../../../src/lib/ai/onnxInfo';
import type { ModelDescriptor } from '../../../src/lib/ai/types';
import { newId } from '../../../src/lib/core/ids';
import type { FrameObject, LabelSpec } from '../../../src/lib/core/types';
import { createRepository, openWorkspace, type Repository, type Workspace } from '../../../src/lib/store';
import { frameMetas, rectangle } from '../../../src/lib/store/testObjects';
import { cellDetector, paint } from './fixtures';

let workspace: Workspace;
let repo: Repository;
let model: ModelDescriptor;
let session: SessionLike;

const labels: LabelSpec[] = [
  { id: 'car', name: 'car', color: '#f00', type: 'rectangle', attributes: [], sublabels: [], svg: '' },
  { id: 'blue', name: 'Blue thing', color: '#00f', type: 'any', attributes: [], sublabels: [], svg: '' },
];

beforeEach(async () => {
  workspace = await openWorkspace(newId(), { storage: 'memory', validate: true });
  repo = createRepository(workspace);
  const bytes = cellDetector();
  model = describeUserModel(readOnnxInfo(bytes), 'cells.onnx', 'cells', bytes.length);
  session = (await ort.InferenceSession.create(bytes)) as unknown as SessionLike;
});

afterEach(async () => {
  await workspace.remove();
});

async function task(frames = 12) {
  const project = await repo.projects.create({ name: 'P', owner: 'ann', labels });
  return repo.tasks.create({
    project_id: project.id,
    name: 't',
    segment_size: 5,
    overlap: 0,
    frames: frameMetas(frames),
  });
}

/** Frame i: a red square at x = 4·i and a blue one, 64×64. */
const frame = async (i: number) =>
  paint(64, 64, [
    [(i % 7) * 8, 0, 8, 8, 255, 0, 0],
    [56, 56, 8, 8, 0, 0, 255],
  ]);
const detect = (f: ReturnType<typeof paint>, options: Parameters<typeof runDetector>[4]) =>
  runDetector(model, session, (t, d, dims) => new ort.Tensor(t, d, dims), f, options);

async function allObjects(jobIds: string[]): Promise<FrameObject[]> {
  const out: FrameObject[] = [];
  for (const id of jobIds)
    for (const objects of (await repo.annotations.loadJob(id)).frames.values())
      out.push(...Object.values(objects));
  return out;
}

describe('automatic annotation', () => {
  it('annotates every frame of every job through the mapping, as auto shapes, with progress', async () => {
    const { task: t, jobs } = await task(12);
    const mapping = {
      ...defaultMapping(model.labels, labels),
      'red thing': { label_id: 'car', sublabels: {} },
    };
    expect(Object.keys(mapping).sort()).toEqual(['blue_thing', 'red thing']);
    const progress: number[] = [];
    const result = await autoAnnotate(repo, {
      model,
      taskId: t.id,
      mapping,
      threshold: 0.5,
      masksAsPolygons: false,
      cleanup: false,
      frame,
      detect,
      batch: 4,
      onProgress: (p) => progress.push(p.done),
    });
    expect(result).toEqual({ frames: 12, objects: 24, cancelled: false, skipped: [] });
    expect(progress.at(-1)).toBe(12);
    const objects = await allObjects(jobs.map((j) => j.id));
    expect(objects).toHaveLength(24);
    expect(objects.every((o) => o.kind === 'shape' && o.source === 'auto')).toBe(true);
    const onFrame3 = objects.filter((o) => o.frame === 3);
    expect(onFrame3.map((o) => [o.label_id, o.kind === 'shape' ? o.points : []]).sort()).toEqual([
      ['blue', [56, 56, 64, 64]],
      ['car', [24, 0, 32, 8]],
    ]);
  });

  it('keeps old annotations unless asked to clean them, and annotates one job when given', async () => {
    const { task: t, jobs } = await task(10);
    const [first, second] = jobs;
    await repo.annotations.applyDiff(first!.id, {
      added: { old: rectangle('old', 1) },
      updated: {},
      removed: {},
    });
    await repo.annotations.applyDiff(second!.id, {
      added: { old2: rectangle('old2', 6) },
      updated: {},
      removed: {},
    });
    const mapping = { 'red thing': { label_id: 'car', sublabels: {} } };
    const base = { model, taskId: t.id, mapping, threshold: 0.5, masksAsPolygons: false, frame, detect };
    await autoAnnotate(repo, { ...base, cleanup: false, jobId: first!.id });
    let objects = await allObjects([first!.id]);
    expect(objects.map((o) => o.id)).toContain('old');
    expect(objects).toHaveLength(6);
    await autoAnnotate(repo, { ...base, cleanup: true, jobId: first!.id });
    objects = await allObjects([first!.id]);
    expect(objects.map((o) => o.id)).not.toContain('old');
    expect(objects).toHaveLength(5);
    // The other job was not touched.
    expect((await allObjects([second!.id])).map((o) => o.id)).toEqual(['old2']);
  });

  it('stops at cancel with the frames done so far written', async () => {
    const { task: t, jobs } = await task(12);
    const controller = new AbortController();
    const result = await autoAnnotate(repo, {
      model,
      taskId: t.id,
      mapping: { 'red thing': { label_id: 'car', sublabels: {} } },
      threshold: 0.5,
      masksAsPolygons: false,
      cleanup: false,
      frame,
      detect,
      signal: controller.signal,
      onProgress: (p) => p.done === 7 && controller.abort(),
    });
    expect(result).toEqual({ frames: 7, objects: 7, cancelled: true, skipped: [] });
    expect(await allObjects(jobs.map((j) => j.id))).toHaveLength(7);
  });

  it('leaves out frames whose image cannot be read and says which', async () => {
    const { task: t, jobs } = await task(6);
    const result = await autoAnnotate(repo, {
      model,
      taskId: t.id,
      mapping: { 'red thing': { label_id: 'car', sublabels: {} } },
      threshold: 0.5,
      masksAsPolygons: false,
      cleanup: false,
      frame: (i) => (i === 3 ? Promise.reject(new Error('blob missing')) : frame(i)),
      detect,
    });
    expect(result).toEqual({ frames: 6, objects: 5, cancelled: false, skipped: [3] });
    expect((await allObjects(jobs.map((j) => j.id))).map((o) => o.frame).sort()).toEqual([0, 1, 2, 4, 5]);
  });

  it('refuses to run without any matched label', async () => {
    const { task: t } = await task(2);
    await expect(
      autoAnnotate(repo, {
        model,
        taskId: t.id,
        mapping: {},
        threshold: 0.5,
        masksAsPolygons: false,
        cleanup: false,
        frame,
        detect,
      }),
    ).rejects.toThrow(AutoAnnotateError);
  });
});
