/** A store with a project, a task and annotations, for the store-bridge tests. */
import 'fake-indexeddb/auto';
import { newId } from '../../../src/lib/core/ids';
import type { FrameObject, LabelSpec, Shape, Track } from '../../../src/lib/core/types';
import { createRepository, openWorkspace, type Repository, type Workspace } from '../../../src/lib/store';
import { BlobDatabase } from '../../../src/lib/store/blobs';
import { frameMetas } from '../../../src/lib/store/testObjects';

export interface Store {
  workspace: Workspace;
  repo: Repository;
  blobs: BlobDatabase;
  close(): Promise<void>;
}

export async function openStore(): Promise<Store> {
  const workspace = await openWorkspace(newId(), { storage: 'memory', validate: true });
  const blobs = new BlobDatabase(`loupe_blobs_test_${newId()}`);
  const repo = createRepository(workspace, { blobs });
  return {
    workspace,
    repo,
    blobs,
    async close() {
      await workspace.remove();
      await blobs.delete();
    },
  };
}

export function labels(): LabelSpec[] {
  return [
    {
      id: 'car',
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
    { id: 'person', name: 'person', color: '#00ff00', type: 'any', attributes: [], sublabels: [], svg: '' },
    {
      id: 'hand',
      name: 'hand',
      color: '#0000ff',
      type: 'skeleton',
      attributes: [],
      sublabels: [
        { id: 'thumb', name: 'thumb', color: '#111111', type: 'points', attributes: [] },
        { id: 'index', name: 'index', color: '#222222', type: 'points', attributes: [] },
      ],
      svg: '<line data-node-from="1" data-node-to="2"></line>',
    },
  ];
}

const base = {
  updated_date: '2024-01-01T00:00:00.000Z',
  author: 'ann',
  occluded: false,
  outside: false,
  z_order: 0,
  rotation: 0,
  group: 0,
  source: 'manual' as const,
};

export function box(frame: number, x = 10, labelId = 'car'): FrameObject {
  return {
    ...base,
    kind: 'shape',
    type: 'rectangle',
    id: newId(),
    frame,
    label_id: labelId,
    points: [x, 10, x + 20, 40],
    attributes:
      labelId === 'car'
        ? [
            { spec_id: 'color', value: 'blue' },
            { spec_id: 'speed', value: '42' },
          ]
        : [],
  };
}

/** A frame object as a dataset shape (without `kind`). */
export function asShape(object: FrameObject): Shape {
  const { kind: _kind, ...shape } = object as FrameObject & { kind: 'shape' };
  return shape as Shape;
}

export function skeleton(frame: number): FrameObject {
  return {
    ...base,
    kind: 'shape',
    type: 'skeleton',
    id: newId(),
    frame,
    label_id: 'hand',
    points: [],
    attributes: [],
    elements: [
      { label_id: 'thumb', type: 'points', points: [1, 2], occluded: false, outside: false, attributes: [] },
      { label_id: 'index', type: 'points', points: [3, 4], occluded: true, outside: false, attributes: [] },
    ],
  };
}

export function tag(frame: number): FrameObject {
  return {
    kind: 'tag',
    id: newId(),
    frame,
    label_id: 'person',
    group: 0,
    source: 'manual',
    attributes: [],
    updated_date: base.updated_date,
    author: 'ann',
  };
}

export function track(jobId: string, frames: number[]): Track {
  return {
    id: newId(),
    job_id: jobId,
    frame: frames[0]!,
    label_id: 'car',
    group: 0,
    source: 'manual',
    attributes: [{ spec_id: 'color', value: 'red' }],
    updated_date: base.updated_date,
    author: 'ann',
    shapes: frames.map((frame, i) => ({
      type: 'rectangle',
      frame,
      occluded: false,
      outside: i === frames.length - 1,
      z_order: 0,
      rotation: 0,
      points: [frame, frame, frame + 10, frame + 10],
      attributes: [{ spec_id: 'speed', value: String(frame) }],
    })),
    elements: [],
  };
}

/** A project with the test labels and a task of `frames` frames split into jobs of `segment`. */
export async function seedTask(repo: Repository, frames = 10, segment = 5, name = 'street') {
  const project = await repo.projects.create({ name: `project ${name}`, labels: labels() });
  const { task, jobs } = await repo.tasks.create({
    project_id: project.id,
    name,
    frames: frameMetas(frames),
    segment_size: segment,
    overlap: 0,
  });
  return { project, task, jobs };
}
