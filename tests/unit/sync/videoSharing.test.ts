/**
 * Video sharing through a real sync server. A video is keyed on the device by a content key
 * (not the hash of its bytes); the uploading device hashes it once, uploads it under its
 * SHA-256 and records key → SHA-256 in the task's media chunks, which replicate. Another
 * device then downloads it by content key, checks the bytes against that SHA-256 and keeps
 * them under the content key.
 */
import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, now } from '../../../src/lib/core/ids';
import type { FrameMeta } from '../../../src/lib/core/types';
import { openWorkspace, workspaceDatabaseName, type MediaChunkDoc } from '../../../src/lib/store';
import { mediaSchema } from '../../../src/lib/store/schemas';
import {
  BlobDatabase,
  getBlob,
  onBlobFetches,
  setRemoteBlobSource,
  type BlobFetchProgress,
} from '../../../src/lib/store/blobs';
import {
  BlobUploadQueue,
  downloadBlob,
  knownVideoHash,
  recordSharedVideo,
  SharedMediaIndex,
  sharedMediaSource,
  streamSha256,
  uploadBlob,
} from '../../../src/lib/sync/media';
import { couch, eventually, openDevice, startSyncServer, type Account, type SyncServer } from './fixture';

const ASSETS = resolve('..', 'shared', 'assets');

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A real H.264 clip followed by random padding, so it spans several hash slices and chunks. */
function videoBytes(): Uint8Array {
  const clip = readFileSync(join(ASSETS, 'media/video/cvat/video_1.mp4'));
  const bytes = new Uint8Array(clip.length + 3 * 1024 * 1024);
  bytes.set(clip);
  bytes.set(randomBytes(bytes.length - clip.length), clip.length);
  return bytes;
}

/** A content key as ingest makes one: a digest of the size and the edges, not of every byte. */
function contentKey(bytes: Uint8Array): string {
  return createHash('sha256')
    .update(String(bytes.length))
    .update(bytes.subarray(0, 1024))
    .update(bytes.subarray(bytes.length - 1024))
    .digest('hex');
}

function videoFrames(key: string, count: number, from = 0): FrameMeta[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `clip.mp4/frame_${from + i}`,
    width: 800,
    height: 800,
    blob: key,
    mime: 'video/mp4',
    timestamp: (from + i) * 40_000,
    keyframe: from + i === 0,
    related_files: 0,
  }));
}

function chunk(taskId: string, n: number, frames: FrameMeta[]): MediaChunkDoc {
  return { id: `${taskId}:${n}`, task_id: taskId, chunk: n, frames, updated_date: now() };
}

const HASH_SLICE = 256 * 1024;

describe('video sharing through the sync server', () => {
  let server: SyncServer;
  let alice: Account;
  let walt: Account;
  let workspaceId: string;
  const video = videoBytes();
  const key = contentKey(video);
  const trueSha = sha256(video);
  /** A second video whose upload never happened on the creating device. */
  const pendingKey = contentKey(new Uint8Array(randomBytes(4096)));
  /** A third video, uploaded and then damaged in the server's store. */
  const damaged = new Uint8Array(randomBytes(200_000));
  const damagedKey = contentKey(damaged);

  beforeAll(async () => {
    server = await startSyncServer();
    alice = await server.account('alice');
    walt = await server.account('walt');
    workspaceId = await server.organization(alice, [{ account: walt, role: 'supervisor' }]);
  });
  afterAll(async () => {
    setRemoteBlobSource(null);
    await server.stop();
  });

  it('uploads a video under the SHA-256 of its bytes, hashing it once, and records the mapping in its media chunks', async () => {
    expect(key).not.toBe(trueSha);
    const device = await openDevice(server, workspaceId, alice);
    const media = device.workspace.db.media;
    // The video task spans two chunks; another task shows a different video.
    await media.bulkInsert([
      chunk('task-v', 0, videoFrames(key, 3)),
      chunk('task-v', 1, videoFrames(key, 2, 3)),
      chunk('task-p', 0, videoFrames(pendingKey, 2)),
      chunk('task-d', 0, videoFrames(damagedKey, 1)),
    ]);
    const blobs = new Map<string, Blob>([
      [key, new Blob([video as BlobPart], { type: 'video/mp4' })],
      [damagedKey, new Blob([damaged as BlobPart], { type: 'video/mp4' })],
    ]);
    const hashed: string[] = [];
    const progress: number[] = [];
    const queueOptions = {
      workspaceId,
      serverUrl: server.url,
      token: alice.token,
      chunkBytes: 1024 * 1024,
      source: async (k: string) => blobs.get(k),
      hashVideo: async (k: string, blob: Blob, onProgress: (n: number) => void) => {
        hashed.push(k);
        return streamSha256(blob, onProgress, HASH_SLICE);
      },
      videoShared: async (k: string, sha: string) => {
        await recordSharedVideo(media, k, sha);
      },
    };
    const queue = new BlobUploadQueue(queueOptions);
    queue.subscribe((p) => {
      if (p.current?.hashing) progress.push(p.current.sent);
    });
    queue.enqueueVideos([key, damagedKey]);
    await queue.idle();
    expect(queue.status().failed).toEqual([]);
    expect(queue.status().done).toBe(2);
    expect(hashed).toEqual([key, damagedKey]);
    // The hash was computed in slices, with progress.
    expect(progress.filter((n) => n > 0).length).toBeGreaterThan(video.length / HASH_SLICE - 1);
    expect(knownVideoHash(key)).toBe(trueSha);

    // The server holds the bytes under their true SHA-256, not under the content key.
    const head = (name: string) =>
      fetch(`${server.url}/api/workspaces/${workspaceId}/blobs/${name}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${walt.token()}` },
      });
    expect((await head(trueSha)).status).toBe(200);
    expect((await head(trueSha)).headers.get('content-length')).toBe(String(video.length));
    expect((await head(key)).status).toBe(404);

    // Both chunks of the task know the mapping; the other tasks' chunks do not have it.
    const files = async (id: string) => (await media.findOne(id).exec())?.toJSON().files;
    expect(await files('task-v:0')).toEqual({ [key]: trueSha });
    expect(await files('task-v:1')).toEqual({ [key]: trueSha });
    expect(await files('task-p:0')).toBeUndefined();

    // Queued again (a restart): not hashed a second time, and nothing is rewritten.
    const again = new BlobUploadQueue(queueOptions);
    again.enqueueVideos([key]);
    await again.idle();
    expect(again.status().done).toBe(1);
    expect(hashed).toEqual([key, damagedKey]);
    expect(await recordSharedVideo(media, key, trueSha)).toBe(0);
    queue.stop();
    again.stop();

    // The mapping replicates to the server with the chunks.
    const sync = device.connect();
    await sync.awaitInSync();
    const remote = couch(server, alice, workspaceId, 'media');
    await eventually(
      'the mapping on the server',
      async () => (await remote.get<MediaChunkDoc>('task-v:1'))?.files?.[key] === trueSha,
    );
    await device.close();
  });

  it('another device downloads the video on first view by its content key, checks it and keeps it', async () => {
    const device = await openDevice(server, workspaceId, walt);
    device.connect();
    const media = device.workspace.db.media;
    await eventually(
      'the media chunks with the mapping',
      async () => (await media.findOne('task-v:1').exec())?.toJSON().files?.[key] === trueSha,
    );
    const index = new SharedMediaIndex(media);
    let downloads = 0;
    const source = sharedMediaSource(index, { workspaceId, serverUrl: server.url, token: walt.token });
    setRemoteBlobSource(
      (k, onProgress) => {
        downloads += 1;
        return source(k, onProgress);
      },
      { hash: (blob, onProgress) => streamSha256(blob, onProgress, HASH_SLICE) },
    );
    const seen: BlobFetchProgress[] = [];
    const off = onBlobFetches((list) => seen.push(...list));
    const db = new BlobDatabase(`loupe_blobs_test_${newId()}`);
    try {
      const [first, concurrent] = await Promise.all([getBlob(key, db), getBlob(key, db)]);
      expect(concurrent).toBe(first);
      expect(first?.type).toBe('video/mp4');
      expect(first?.size).toBe(video.length);
      expect(sha256(new Uint8Array(await first!.arrayBuffer()))).toBe(trueSha);
      // Progress while downloading and while checking, with the size known.
      expect(seen.some((p) => p.phase === 'download' && p.total === video.length && p.done > 0)).toBe(true);
      expect(seen.some((p) => p.phase === 'verify' && p.done === video.length)).toBe(true);

      // Kept under the content key: the next view needs no server.
      const kept = await db.blobs.get(key);
      expect(kept?.size).toBe(video.length);
      expect(kept?.mime).toBe('video/mp4');
      setRemoteBlobSource(null);
      expect((await getBlob(key, db))?.size).toBe(video.length);
      expect(downloads).toBe(1);
    } finally {
      off();
      index.stop();
      setRemoteBlobSource(null);
      await db.delete();
      await device.close();
    }
  });

  it('a download cut off half-way resumes with a Range request from the bytes received', async () => {
    const ranges: (string | null)[] = [];
    const cutting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const range = new Headers(init?.headers).get('range');
      ranges.push(range);
      if (range || !response.body) return response;
      // The first answer breaks off after about a MiB, as a dropped connection would.
      const reader = response.body.getReader();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= 1024 * 1024) return controller.error(new TypeError('connection reset'));
          const { done, value } = await reader.read();
          if (done) return controller.close();
          sent += value.byteLength;
          controller.enqueue(value);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const received: number[] = [];
    const blob = await downloadBlob(
      { workspaceId, serverUrl: server.url, token: walt.token, fetch: cutting },
      trueSha,
      { mime: 'video/mp4', onProgress: (n) => received.push(n) },
    );
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeNull();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(ranges[1]!)![0])).toBeGreaterThanOrEqual(1024 * 1024);
    expect(blob?.size).toBe(video.length);
    expect(sha256(new Uint8Array(await blob!.arrayBuffer()))).toBe(trueSha);
    expect(received.at(-1)).toBe(video.length);
  });

  it('a video not uploaded yet, or damaged on the server, fails with a clear message and nothing is kept', async () => {
    const device = await openDevice(server, workspaceId, alice);
    device.connect();
    const media = device.workspace.db.media;
    await eventually('the media chunks', async () => (await media.count().exec()) === 4);
    // Damage the stored copy of the third video (same size, one byte changed).
    const damagedSha = knownVideoHash(damagedKey)!;
    const stored = join(server.dataDir, 'blobs', workspaceId, damagedSha.slice(0, 2), damagedSha);
    const bytes = readFileSync(stored);
    bytes[1000] = bytes[1000]! ^ 0xff;
    writeFileSync(stored, bytes);
    // A mapping to bytes the server does not have (the upload never finished).
    await recordSharedVideo(media, pendingKey, sha256(new Uint8Array(randomBytes(64))));

    const index = new SharedMediaIndex(media);
    setRemoteBlobSource(
      sharedMediaSource(index, { workspaceId, serverUrl: server.url, token: alice.token }),
      {
        hash: (blob, onProgress) => streamSha256(blob, onProgress),
      },
    );
    const db = new BlobDatabase(`loupe_blobs_test_${newId()}`);
    try {
      await expect(getBlob(pendingKey, db)).rejects.toThrow(
        /has not been uploaded from the device that created the task yet/,
      );
      await expect(getBlob(damagedKey, db)).rejects.toThrow(/corrupt/);
      expect(await db.blobs.count()).toBe(0);

      // A video whose chunks carry no mapping at all says the same as an unfinished upload.
      const unmapped = contentKey(new Uint8Array(randomBytes(2048)));
      await media.insert(chunk('task-u', 0, videoFrames(unmapped, 1)));
      await expect(getBlob(unmapped, db)).rejects.toThrow(/has not been uploaded/);
      expect(await db.blobs.count()).toBe(0);

      // Images keep working as before: named by their SHA-256, fetched and checked as such.
      const image = new Uint8Array(randomBytes(3000));
      image.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const imageSha = sha256(image);
      await uploadBlob(
        { workspaceId, serverUrl: server.url, token: alice.token },
        imageSha,
        new Blob([image]),
      );
      const fetched = await getBlob(imageSha, db);
      expect(fetched?.type).toBe('image/png');
      expect(await db.blobs.count()).toBe(1);
    } finally {
      index.stop();
      setRemoteBlobSource(null);
      await db.delete();
      await device.close();
    }
  });
});

describe('media chunk schema version 1', () => {
  it('opens chunks stored by version 0 unchanged, and takes a mapping only to a SHA-256', async () => {
    const workspaceId = newId();
    const old = await createRxDatabase<{ media: RxCollection<MediaChunkDoc> }>({
      name: workspaceDatabaseName(workspaceId),
      storage: getRxStorageMemory(),
      multiInstance: false,
    });
    const { files: _files, ...v0Properties } = mediaSchema.properties;
    await old.addCollections({
      media: { schema: { ...mediaSchema, version: 0, properties: v0Properties } as typeof mediaSchema },
    });
    const key = 'c'.repeat(64);
    const stored = chunk('task-old', 0, videoFrames(key, 2));
    await old.media.insert(stored);
    await old.close();

    const workspace = await openWorkspace(workspaceId, { storage: 'memory', validate: true });
    try {
      const media = workspace.db.media;
      expect((await media.findOne('task-old:0').exec())?.toJSON()).toEqual(stored);
      expect(await recordSharedVideo(media, key, 'd'.repeat(64))).toBe(1);
      expect((await media.findOne('task-old:0').exec())?.toJSON().files).toEqual({ [key]: 'd'.repeat(64) });
      await expect(recordSharedVideo(media, key, 'not a hash')).rejects.toThrow();
      expect((await media.findOne('task-old:0').exec())?.toJSON().files).toEqual({ [key]: 'd'.repeat(64) });
    } finally {
      await workspace.remove();
    }
  });
});
