import type { Collection } from '../../sync-server/access';
import type { CouchDoc } from '../../sync-server/rules';
import { call, type TestServer } from './helpers';

/**
 * A small annotation workspace as the client stores it in CouchDB (RxDB documents with the
 * primary key as `_id`): one project with a label, a six-frame task cut into three jobs
 * (j1 for `w1`, j2 for `w2`, j3 unassigned), its media chunk, frame documents, a track and
 * a review.
 */
const DATE = '2026-01-01T00:00:00.000Z';

export const LABEL = {
  id: 'l1',
  name: 'car',
  color: '#ff0000',
  type: 'rectangle',
  attributes: [],
  sublabels: [],
  svg: '',
};

export function project(id = 'p1'): CouchDoc {
  return {
    _id: id,
    name: 'Streets',
    labels: [LABEL],
    bug_tracker: '',
    owner: 'olga',
    created_date: DATE,
    updated_date: DATE,
  };
}

export function task(id = 't1', projectId = 'p1'): CouchDoc {
  return {
    _id: id,
    project_id: projectId,
    name: 'Block 1',
    mode: 'annotation',
    dimension: '2d',
    subset: 'train',
    segment_size: 2,
    overlap: 0,
    image_quality: 70,
    start_frame: 0,
    stop_frame: 5,
    frame_filter: '',
    sorting_method: 'lexicographical',
    size: 6,
    deleted_frames: [],
    owner: 'olga',
    created_date: DATE,
    updated_date: DATE,
  };
}

export function job(id: string, start: number, assignee: string | null, taskId = 't1'): CouchDoc {
  return {
    _id: id,
    task_id: taskId,
    project_id: 'p1',
    type: 'annotation',
    stage: 'annotation',
    state: 'new',
    assignee,
    start_frame: start,
    stop_frame: start + 1,
    created_date: DATE,
    updated_date: DATE,
  };
}

export function media(taskId = 't1', blobs: string[] = []): CouchDoc {
  return {
    _id: `${taskId}:0`,
    task_id: taskId,
    chunk: 0,
    frames: Array.from({ length: 6 }, (_, i) => ({
      name: `img_${i}.png`,
      width: 64,
      height: 48,
      blob: blobs[i] ?? '0'.repeat(64),
      mime: 'image/png',
      related_files: 0,
    })),
    updated_date: DATE,
  };
}

export function box(id: string, frame: number, x = 1): Record<string, unknown> {
  return {
    kind: 'shape',
    id,
    type: 'rectangle',
    frame,
    label_id: 'l1',
    occluded: false,
    outside: false,
    z_order: 0,
    rotation: 0,
    group: 0,
    source: 'manual',
    attributes: [],
    points: [x, 2, x + 10, 12],
    author: 'olga',
    updated_date: DATE,
  };
}

export function frameDoc(jobId: string, frame: number, objects: Record<string, unknown>[] = []): CouchDoc {
  return {
    _id: `${jobId}:${frame}`,
    job_id: jobId,
    frame,
    objects: Object.fromEntries(objects.map((o) => [o.id as string, o])),
    removed: {},
    updated_date: DATE,
  };
}

export function trackDoc(id: string, jobId: string, frames: number[]): CouchDoc {
  return {
    _id: id,
    job_id: jobId,
    frame: frames[0],
    label_id: 'l1',
    group: 0,
    source: 'manual',
    attributes: [],
    shapes: frames.map((frame) => ({
      type: 'rectangle',
      frame,
      occluded: false,
      outside: false,
      z_order: 0,
      rotation: 0,
      points: [frame, 1, frame + 5, 6],
      attributes: [],
    })),
    elements: [],
    author: 'olga',
    updated_date: DATE,
  };
}

export function reviewDoc(id: string, jobId: string, frame: number): CouchDoc {
  return {
    _id: id,
    job_id: jobId,
    frame,
    position: [0, 0, 5, 5],
    resolved: false,
    owner: 'olga',
    comments: [],
    created_date: DATE,
    updated_date: DATE,
  };
}

export const SEED: Partial<Record<Collection, CouchDoc[]>> = {
  project: [project()],
  task: [task()],
  job: [job('j1', 0, 'w1'), job('j2', 2, 'w2'), job('j3', 4, null)],
  media: [media()],
  frame: [frameDoc('j1', 0, [box('o1', 0)]), frameDoc('j2', 2, [box('o2', 2)])],
  track: [trackDoc('tr2', 'j2', [2, 3])],
  review: [reviewDoc('rv2', 'j2', 2)],
};

/** Writes documents through the gate as `auth` (an owner or maintainer for the seed). */
export async function seed(
  server: TestServer,
  databases: Record<Collection, string>,
  auth: string,
  docs: Partial<Record<Collection, CouchDoc[]>> = SEED,
): Promise<void> {
  for (const [collection, list] of Object.entries(docs) as [Collection, CouchDoc[]][]) {
    const res = await call(server, `/db/${databases[collection]}/_bulk_docs`, {
      method: 'POST',
      auth,
      json: { docs: list },
    });
    if (res.status !== 201) throw new Error(`seeding ${collection} failed: ${res.status} ${res.text}`);
  }
}
