/**
 * Seeds the personal workspace (the app's own database) with one job holding `n` polygons of
 * 20 vertices on a 4K frame, through the repository, and returns the job id.
 */
import { createRepository, openWorkspace, putBlob, type Repository } from '$lib/store';
import type { FrameObject, LabelSpec, Track, TrackedShape } from '$lib/core/types';
import { newId } from '$lib/core/ids';
import { createShape } from '$lib/core/shapes';

async function frameImage(width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  const gradient = ctx.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#203040');
  gradient.addColorStop(1, '#806040');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
}

function polygon(cx: number, cy: number, r: number, vertices: number): number[] {
  const points: number[] = [];
  for (let k = 0; k < vertices; k++) {
    const a = (k / vertices) * Math.PI * 2;
    const rr = r * (0.7 + 0.3 * Math.sin(a * 3));
    points.push(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
  }
  return points;
}

/** A task of `frames` copies of one blank frame, in a single job; returns that job. */
async function singleJobTask(
  repo: Repository,
  projectId: string,
  name: string,
  frames: number,
  width: number,
  height: number,
) {
  const sha = await putBlob(await frameImage(width, height));
  const { jobs } = await repo.tasks.create({
    project_id: projectId,
    name,
    frames: Array.from({ length: frames }, (_, i) => ({
      name: `frame_${i}.jpg`,
      width,
      height,
      blob: sha,
      mime: 'image/jpeg',
      related_files: 0,
    })),
    segment_size: 0,
  });
  return jobs[0]!;
}

async function seed(n: number, frames = 1): Promise<{ jobId: string }> {
  const ws = await openWorkspace('personal', { storage: 'dexie' });
  const repo = createRepository(ws);
  const labels: LabelSpec[] = ['car', 'person', 'tree', 'sign'].map((name, i) => ({
    id: `label-${i}`,
    name,
    color: ['#ff6600', '#33aaff', '#44cc66', '#ffdd33'][i]!,
    type: 'any',
    attributes: [],
    sublabels: [],
    svg: '',
  }));
  const project = await repo.projects.create({ name: `bench ${n}`, labels });
  const width = 3840;
  const height = 2160;
  const job = await singleJobTask(repo, project.id, `${n} polygons`, frames, width, height);
  const objects: FrameObject[] = [];
  const perFrame = Math.ceil(n / frames);
  for (let i = 0; i < n; i++) {
    const frame = Math.floor(i / perFrame);
    const label = labels[i % labels.length]!;
    objects.push({
      kind: 'shape',
      ...createShape({
        type: 'polygon',
        points: polygon(20 + ((i * 37) % (width - 40)), 20 + ((i * 53) % (height - 40)), 12 + (i % 20), 20),
        frame,
        label,
        z_order: i,
      }),
    });
  }
  await repo.annotations.replaceFrames(job.id, objects);
  await ws.close();
  return { jobId: job.id };
}

(window as unknown as { seed: typeof seed }).seed = seed;

/** Times the store alone: one-object edits on a frame holding many objects. */
async function timeStoreEdits(jobId: string, edits = 20): Promise<number[]> {
  const ws = await openWorkspace('personal', { storage: 'dexie' });
  const repo = createRepository(ws);
  const onFrame = await repo.annotations.objectsOnFrame(jobId, 0);
  const times: number[] = [];
  for (let i = 0; i < edits; i++) {
    const before = onFrame[i]!;
    const after = {
      ...before,
      occluded: !('occluded' in before && before.occluded),
      updated_date: new Date().toISOString(),
    } as FrameObject;
    const t = performance.now();
    await repo.annotations.applyDiff(jobId, {
      added: {},
      updated: { [before.id]: [before, after] },
      removed: {},
    });
    times.push(performance.now() - t);
    onFrame[i] = after;
  }
  const t = performance.now();
  await repo.history.save(jobId, { version: 1, limit: 1000, undo: [], redo: [] });
  times.push(performance.now() - t);
  await ws.close();
  return times;
}

(window as unknown as { timeStoreEdits: typeof timeStoreEdits }).timeStoreEdits = timeStoreEdits;

/**
 * Seeds a job of `frames` frames holding `n` rectangle tracks that cover every frame, with a
 * keyframe every `every` frames, for the playback benchmark.
 */
async function seedTracks(n: number, frames: number, every = 10): Promise<{ jobId: string }> {
  const ws = await openWorkspace('personal', { storage: 'dexie' });
  const repo = createRepository(ws);
  const label: LabelSpec = {
    id: 'label-car',
    name: 'car',
    color: '#ff6600',
    type: 'any',
    attributes: [],
    sublabels: [],
    svg: '',
  };
  const project = await repo.projects.create({ name: `tracks ${n}`, labels: [label] });
  const width = 1920;
  const height = 1080;
  const job = await singleJobTask(repo, project.id, `${n} tracks`, frames, width, height);
  const tracks: Track[] = [];
  for (let t = 0; t < n; t++) {
    let x = (t * 97) % (width - 60);
    let y = (t * 61) % (height - 40);
    const shapes: TrackedShape[] = [];
    for (let f = 0; f < frames; f += every) {
      shapes.push({
        type: 'rectangle',
        frame: f,
        occluded: false,
        outside: false,
        z_order: t,
        rotation: 0,
        points: [x, y, x + 50, y + 30],
        attributes: [],
      });
      x = Math.min(width - 60, Math.max(0, x + ((t + f) % 21) - 10));
      y = Math.min(height - 40, Math.max(0, y + ((t * 3 + f) % 13) - 6));
    }
    tracks.push({
      id: newId(),
      updated_date: new Date().toISOString(),
      author: '',
      job_id: job.id,
      frame: 0,
      label_id: label.id,
      group: 0,
      source: 'manual',
      attributes: [],
      shapes,
      elements: [],
    });
  }
  await repo.annotations.putTracks(tracks);
  await ws.close();
  return { jobId: job.id };
}

(window as unknown as { seedTracks: typeof seedTracks }).seedTracks = seedTracks;
