/**
 * One device of the sync benchmark: an organization workspace in real IndexedDB, replicating
 * with the server through the app's own sync code. The bench drives two of these pages (two
 * browser contexts) and compares their clocks (both run on the same machine).
 */
import { createRectangle } from '$lib/core/shapes';
import type { FrameObject, Job } from '$lib/core/types';
import { createRepository, openWorkspace, type Repository } from '$lib/store';
import type { FrameDoc } from '$lib/store';
import { startWorkspaceSync, type WorkspaceSync } from '$lib/sync/replication';

/** The job whose frame 0 the single edits change. */
const JOB_ID = 'bench-job';
let repo: Repository;
let sync: WorkspaceSync;
/** Objects per frame document, as this device sees them. */
const counts = new Map<string, number>();
const waiters: (() => void)[] = [];

const clock = () => performance.timeOrigin + performance.now();

async function open(workspaceId: string, token: string): Promise<void> {
  const ws = await openWorkspace(workspaceId, { storage: 'dexie' });
  repo = createRepository(ws);
  ws.db.frame.$.subscribe((event) => {
    const doc = event.documentData as FrameDoc | undefined;
    counts.set(event.documentId, doc && event.operation !== 'DELETE' ? Object.keys(doc.objects).length : 0);
    for (const wake of waiters.splice(0)) wake();
  });
  sync = startWorkspaceSync(ws.db, { workspaceId, token: () => token });
  await ws.db.waitForLeadership();
  await sync.awaitInSync();
}

function total(): number {
  let sum = 0;
  for (const n of counts.values()) sum += n;
  return sum;
}

/** Resolves with the time at which this device holds at least `n` objects. */
async function waitForObjects(n: number): Promise<number> {
  while (total() < n) await new Promise<void>((resolve) => waiters.push(resolve));
  return clock();
}

/** Writes `objects` objects spread over `frames` frames of job `jobId`; returns when the write began. */
async function seed(
  jobId: string,
  objects: number,
  frames: number,
): Promise<{ start: number; writtenMs: number }> {
  const date = new Date().toISOString();
  const job: Job = {
    id: jobId,
    task_id: 'bench-task',
    project_id: 'bench-project',
    type: 'annotation',
    stage: 'annotation',
    state: 'new',
    assignee: null,
    start_frame: 0,
    stop_frame: frames - 1,
    created_date: date,
    updated_date: date,
  };
  const start = clock();
  await repo.workspace.db.job.insert(job);
  const all: FrameObject[] = Array.from({ length: objects }, (_, i) => ({
    kind: 'shape',
    ...createRectangle({ frame: i % frames, label_id: 'l', points: [i % 1000, 10, (i % 1000) + 40, 60] }),
  }));
  await repo.annotations.replaceFrames(jobId, all);
  return { start, writtenMs: clock() - start };
}

/** Moves one object of frame 0 to x = `x`; returns the time the edit was made. */
async function edit(x: number): Promise<number> {
  const [before] = await repo.annotations.objectsOnFrame(JOB_ID, 0);
  if (!before || before.kind !== 'shape') throw new Error('no object on frame 0');
  const after = {
    ...before,
    points: [x, 10, x + 40, 60],
    updated_date: new Date().toISOString(),
  } as FrameObject;
  const at = clock();
  await repo.annotations.applyDiff(JOB_ID, {
    added: {},
    updated: { [before.id]: [before, after] },
    removed: {},
  });
  return at;
}

/** Resolves with the time at which an object of frame 0 sits at x = `x` on this device. */
async function waitForEdit(x: number): Promise<number> {
  const db = repo.workspace.db;
  const has = async () => {
    const doc = await db.frame.findOne(`${JOB_ID}:0`).exec();
    return Object.values(doc?.objects ?? {}).some((o) => o.kind === 'shape' && o.points[0] === x);
  };
  return new Promise((resolve) => {
    const sub = db.frame.$.subscribe((event) => {
      const doc = event.documentData as FrameDoc | undefined;
      if (event.documentId !== `${JOB_ID}:0` || !doc) return;
      if (Object.values(doc.objects).some((o) => o.kind === 'shape' && o.points[0] === x)) {
        sub.unsubscribe();
        resolve(clock());
      }
    });
    void has().then((yes) => {
      if (yes) {
        sub.unsubscribe();
        resolve(clock());
      }
    });
  });
}

Object.assign(window, { syncBench: { open, seed, waitForObjects, edit, waitForEdit } });
