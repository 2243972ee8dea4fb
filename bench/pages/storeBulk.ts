/** 10k annotation frame documents through the repository into real IndexedDB, then queried back. */
import { createRepository, openWorkspace } from '$lib/store';
import type { FrameMeta, FrameObject } from '$lib/core/types';
import { createRectangle } from '$lib/core/shapes';

const N = 10_000;

async function run() {
  const ws = await openWorkspace(`bench_${Date.now()}`, { storage: 'dexie' });
  const repo = createRepository(ws);
  const project = await repo.projects.create({ name: 'bench', labels: [] });
  const frames: FrameMeta[] = Array.from({ length: N }, (_, i) => ({
    name: `f${i}.jpg`,
    width: 1920,
    height: 1080,
    blob: 'x'.repeat(64),
    mime: 'image/jpeg',
    related_files: 0,
  }));
  const { jobs } = await repo.tasks.create({
    project_id: project.id,
    name: 'bench',
    frames,
    segment_size: 0,
  });
  const job = jobs[0]!;
  const objects: FrameObject[] = frames.map((_, frame) => ({
    kind: 'shape',
    ...createRectangle({ frame, label_id: 'l', points: [10, 10, 100 + (frame % 50), 80] }),
  }));

  let t = performance.now();
  await repo.annotations.replaceFrames(job.id, objects);
  const insertMs = performance.now() - t;

  t = performance.now();
  const loaded = await repo.annotations.loadJob(job.id);
  const loadJobMs = performance.now() - t;
  if (loaded.frames.size !== N) throw new Error(`expected ${N} frames, got ${loaded.frames.size}`);

  const lookups: number[] = [];
  for (let i = 0; i < 100; i++) {
    const frame = Math.floor(Math.random() * N);
    t = performance.now();
    const onFrame = await repo.annotations.objectsOnFrame(job.id, frame);
    lookups.push(performance.now() - t);
    if (onFrame.length !== 1) throw new Error(`frame ${frame}: expected 1 object`);
  }
  lookups.sort((a, b) => a - b);

  const edits: number[] = [];
  for (let i = 0; i < 50; i++) {
    const before = objects[i]!;
    const after = { ...before, updated_date: new Date().toISOString(), occluded: i % 2 === 0 } as FrameObject;
    t = performance.now();
    await repo.annotations.applyDiff(job.id, {
      added: {},
      updated: { [before.id]: [before, after] },
      removed: {},
    });
    edits.push(performance.now() - t);
    objects[i] = after;
  }
  edits.sort((a, b) => a - b);
  await ws.remove();
  return {
    insert10kMs: insertMs,
    loadJob10kMs: loadJobMs,
    frameLookupP95Ms: lookups[Math.ceil(lookups.length * 0.95) - 1]!,
    editPersistP95Ms: edits[Math.ceil(edits.length * 0.95) - 1]!,
  };
}

(window as unknown as { runBench: typeof run }).runBench = run;
