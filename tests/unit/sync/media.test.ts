import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/lib/core/ids';
import { BlobDatabase, getBlob, setRemoteBlobSource, sha256Hex } from '../../../src/lib/store/blobs';
import { BlobUploadQueue, downloadBlob, uploadBlob, type UploadProgress } from '../../../src/lib/sync/media';
import { startSyncServer, type Account, type SyncServer } from './fixture';

/** A small PNG-looking blob of random bytes (the signature makes the download typed). */
function image(size: number): Blob {
  const bytes = new Uint8Array(randomBytes(size));
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Blob([bytes]);
}

describe('media sharing through the sync server', () => {
  let server: SyncServer;
  let alice: Account;
  let walt: Account;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startSyncServer();
    alice = await server.account('alice');
    walt = await server.account('walt');
    workspaceId = await server.organization(alice, [{ account: walt, role: 'worker' }]);
  });
  afterAll(async () => {
    setRemoteBlobSource(null);
    await server.stop();
  });

  it('uploads in chunks, resumes after an interruption, and another member downloads the same bytes', async () => {
    const blob = image(300_000);
    const sha = await sha256Hex(blob);
    const owner = { workspaceId, serverUrl: server.url, token: alice.token };

    // The first attempt stops after one chunk (the connection drops).
    const seen: number[] = [];
    let chunks = 0;
    const dropping: typeof fetch = async (input, init) => {
      if (init?.method === 'PUT' && ++chunks > 1) throw new TypeError('network down');
      return fetch(input, init);
    };
    await expect(
      uploadBlob({ ...owner, fetch: dropping }, sha, blob, (n) => seen.push(n), 100_000),
    ).rejects.toThrow(/cannot be reached/);
    expect(seen).toEqual([0, 100_000]);

    // The second attempt starts where the server's copy ends.
    const resumed: number[] = [];
    await uploadBlob(owner, sha, blob, (n) => resumed.push(n), 100_000);
    expect(resumed).toEqual([100_000, 200_000, 300_000]);

    const copy = await downloadBlob({ workspaceId, serverUrl: server.url, token: walt.token }, sha);
    expect(copy?.type).toBe('image/png');
    expect(await sha256Hex(copy!)).toBe(sha);
  });

  it('reports a wrong hash as a failure and a worker, who may not upload, as a waiting queue', async () => {
    const good = image(1000);
    const bad = image(1000);
    const goodSha = await sha256Hex(good);
    const wrongSha = await sha256Hex(image(10));
    const bytes = new Map([
      [goodSha, good],
      [wrongSha, bad],
    ]);
    const queue = new BlobUploadQueue({
      workspaceId,
      serverUrl: server.url,
      token: alice.token,
      source: async (sha) => bytes.get(sha),
    });
    queue.enqueue([wrongSha, goodSha, 'f'.repeat(64)]);
    await queue.idle();
    const done: UploadProgress = queue.status();
    expect(done.done).toBe(1);
    expect(done.failed).toHaveLength(1);
    expect(done.failed[0]).toMatchObject({ sha256: wrongSha });
    expect(done.failed[0]!.reason).toMatch(/SHA-256/);
    queue.stop();

    const other = image(500);
    const workerQueue = new BlobUploadQueue({
      workspaceId,
      serverUrl: server.url,
      token: walt.token,
      source: async () => other,
    });
    workerQueue.enqueue([await sha256Hex(other)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(workerQueue.status().message).toMatch(/Only owners and maintainers upload/);
    expect(workerQueue.status().done).toBe(0);
    workerQueue.stop();
  });

  it('downloads a missing blob on first view, checks its hash and keeps it for the next time', async () => {
    const db = new BlobDatabase(`loupe_blobs_test_${newId()}`);
    const blob = image(5000);
    const sha = await sha256Hex(blob);
    await uploadBlob({ workspaceId, serverUrl: server.url, token: alice.token }, sha, blob);

    expect(await getBlob(sha, db)).toBeUndefined();
    let downloads = 0;
    setRemoteBlobSource(async (s) => {
      downloads += 1;
      const bytes = await downloadBlob({ workspaceId, serverUrl: server.url, token: walt.token }, s);
      return bytes && { blob: bytes, sha256: s };
    });
    const [first, again] = await Promise.all([getBlob(sha, db), getBlob(sha, db)]);
    expect(await sha256Hex(first!)).toBe(sha);
    expect(again).toBe(first);
    expect(await getBlob(sha, db)).toBeDefined();
    expect(downloads).toBe(1);
    expect(await db.blobs.count()).toBe(1);

    // Bytes that do not match their name are refused, not stored.
    setRemoteBlobSource(async (s) => ({ blob: image(100), sha256: s }));
    await expect(getBlob('0'.repeat(64), db)).rejects.toThrow(/corrupt/);
    expect(await db.blobs.count()).toBe(1);
    await db.delete();
  });
});
