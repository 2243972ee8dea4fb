import { it } from 'vitest';
import { newId } from '../core/ids';
import { openWorkspace } from './database';
import { createRepository } from './repository';
import { rectangle, frameMetas } from './testObjects';

it('prof', async () => {
  const ws = await openWorkspace(newId(), { storage: 'memory', validate: true });
  const repo = createRepository(ws);
  const p = await repo.projects.create({ name: 'x' });
  const { jobs } = await repo.tasks.create({ project_id: p.id, name: 't', segment_size: 0, frames: frameMetas(10) });
  const jobId = jobs[0]!.id;
  const objects = Array.from({ length: 10000 }, (_, i) => rectangle(`o${i}`, i));
  await repo.annotations.applyDiff(jobId, { added: Object.fromEntries(objects.map((o) => [o.id, o])), updated: {}, removed: {} });
  const edited = objects.map((o) => ({ ...o, occluded: true, updated_date: '2025-01-01T00:00:00.000Z' }));
  for (const n of [6000, 8000, 10000]) {
    const t = performance.now();
    await repo.annotations.applyDiff(jobId, { added: {}, updated: Object.fromEntries(objects.slice(0, n).map((o, i) => [o.id, [o, edited[i]!]])), removed: {} });
    console.log('update', n, performance.now() - t);
  }
  await ws.remove();
}, 60000);
