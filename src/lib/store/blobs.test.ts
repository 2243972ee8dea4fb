import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../core/ids';
import {
  BlobDatabase,
  getBlob,
  getCached,
  hasBlob,
  putBlob,
  putCached,
  sha256Hex,
  trimCaches,
} from './blobs';
import { openWorkspace, type Workspace } from './database';
import { StorageFullError, isQuotaExceeded } from './errors';
import { createRepository } from './repository';
import { frameMetas } from './testObjects';

let db: BlobDatabase;

beforeEach(() => {
  db = new BlobDatabase(`loupe_blobs_test_${newId()}`);
});

afterEach(async () => {
  await db.delete();
});

describe('blobs', () => {
  it('stores a blob under its SHA-256 and stores the same bytes only once', async () => {
    const bytes = new TextEncoder().encode('hello frames');
    const first = await putBlob(new Blob([bytes], { type: 'image/png' }), db);
    const second = await putBlob(new Blob([bytes], { type: 'image/png' }), db);

    expect(first).toBe(await sha256Hex(bytes.buffer));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(await db.blobs.count()).toBe(1);
    expect(await hasBlob(first, db)).toBe(true);
    expect(await hasBlob('0'.repeat(64), db)).toBe(false);
    const record = await db.blobs.get(first);
    expect(record).toMatchObject({ sha256: first, mime: 'image/png', size: bytes.byteLength });
    expect(await getBlob(first, db)).toBeDefined();
  });

  it('evicts least recently used cache entries beyond a byte budget', async () => {
    await putCached('a', 'A', 60, db);
    await new Promise((r) => setTimeout(r, 2));
    await putCached('b', 'B', 60, db);
    await new Promise((r) => setTimeout(r, 2));
    expect(await getCached<string>('a', db)).toBe('A');
    expect(await trimCaches(100, db)).toBe(1);
    expect(await getCached('b', db)).toBeUndefined();
    expect(await getCached('a', db)).toBe('A');
  });
});

describe('job history', () => {
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await openWorkspace(newId(), { storage: 'memory' });
  });
  afterEach(async () => {
    await workspace.remove();
  });

  it('saves and loads a job history, and drops it with the task', async () => {
    const repo = createRepository(workspace, { blobs: db });
    const project = await repo.projects.create({ name: 'p' });
    const { task, jobs } = await repo.tasks.create({
      project_id: project.id,
      name: 't',
      segment_size: 0,
      frames: frameMetas(3),
    });
    const jobId = jobs[0]!.id;
    const history = { undo: [{ added: {}, updated: {}, removed: {} }], redo: [], marks: ['draw'] };

    await repo.history.save(jobId, history);
    expect(await repo.history.load(jobId)).toEqual(history);
    expect(await repo.history.load('other')).toBeUndefined();

    await repo.tasks.remove(task.id);
    expect(await repo.history.load(jobId)).toBeUndefined();
  });
});

describe('storage errors', () => {
  it('recognises quota errors wrapped by Dexie or RxDB and explains what to do', () => {
    const quota = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    expect(isQuotaExceeded({ name: 'AbortError', inner: quota })).toBe(true);
    expect(isQuotaExceeded({ code: 'RX', parameters: { error: quota } })).toBe(true);
    expect(isQuotaExceeded(new Error('other'))).toBe(false);
    expect(new StorageFullError().message).toMatch(/export/);
  });
});
