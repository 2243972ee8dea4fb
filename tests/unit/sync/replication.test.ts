import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/lib/core/types';
import type { FrameDoc } from '../../../src/lib/store';
import { rectangle } from '../../../src/lib/store/testObjects';
import {
  couch,
  eventually,
  openDevice,
  startSyncServer,
  type Account,
  type Device,
  type SyncServer,
} from './fixture';

const T1 = '2025-01-01T10:00:00.000Z';
const T2 = '2025-01-01T11:00:00.000Z';
const T3 = '2025-01-01T12:00:00.000Z';

function job(id: string, assignee: string | null): Omit<Job, 'id'> & { _id: string } {
  return {
    _id: id,
    task_id: 'task-1',
    project_id: 'project-1',
    type: 'annotation',
    stage: 'annotation',
    state: 'new',
    assignee,
    start_frame: 0,
    stop_frame: 9,
    created_date: T1,
    updated_date: T1,
  };
}

function frameBody(jobId: string, frame: number, objects: FrameDoc['objects'], updated_date = T1) {
  return { job_id: jobId, frame, objects, removed: {}, updated_date };
}

const leftEdge = (doc: { objects: FrameDoc['objects'] } | undefined, id: string) => {
  const object = doc?.objects[id];
  return object?.kind === 'shape' ? object.points[0] : undefined;
};

describe('workspace replication through the sync server', () => {
  let server: SyncServer;
  let alice: Account;
  let bob: Account;
  let workspaceId: string;
  let device: Device | undefined;

  beforeAll(async () => {
    server = await startSyncServer();
    alice = await server.account('alice');
    bob = await server.account('bob');
    workspaceId = await server.organization(alice, [{ account: bob, role: 'maintainer' }]);
  });
  afterEach(async () => {
    await device?.close();
    device = undefined;
  });
  afterAll(async () => {
    await server.stop();
  });

  it("pulls another device's work, pushes local edits, and reports online with nothing pending", async () => {
    const jobs = couch(server, alice, workspaceId, 'job');
    const frames = couch(server, alice, workspaceId, 'frame');
    await jobs.put('job-a', job('job-a', null));
    await frames.put('job-a:0', frameBody('job-a', 0, { a: rectangle('a', 0, T1, 5) }));

    device = await openDevice(server, workspaceId, bob);
    const sync = device.connect();
    const repo = device.repo;
    await eventually(
      'the frame to arrive',
      async () => (await repo.annotations.objectsOnFrame('job-a', 0)).length === 1,
    );

    await repo.annotations.applyDiff('job-a', {
      added: { b: rectangle('b', 0, T2, 40) },
      updated: {},
      removed: {},
    });
    const onServer = await eventually('the edit to reach the server', async () => {
      const doc = await frames.get<FrameDoc>('job-a:0');
      return doc && Object.keys(doc.objects).length === 2 ? doc : undefined;
    });
    expect(leftEdge(onServer, 'b')).toBe(40);
    const status = await eventually('online', () =>
      sync.status().state === 'online' ? sync.status() : undefined,
    );
    expect(status).toMatchObject({ pending: 0, message: null, authError: false, leader: true });

    // Live: a later edit on the other device arrives without a restart.
    const current = (await frames.get<FrameDoc>('job-a:0'))!;
    await frames.put('job-a:0', {
      ...current,
      objects: { ...current.objects, c: rectangle('c', 0, T3, 70) },
    });
    await eventually(
      'the live change',
      async () => (await repo.annotations.objectsOnFrame('job-a', 0)).length === 3,
    );
  });

  it("counts edits made offline as pending and keeps both devices' objects on one frame", async () => {
    const jobs = couch(server, alice, workspaceId, 'job');
    const frames = couch(server, alice, workspaceId, 'frame');
    await jobs.put('job-b', job('job-b', null));
    await frames.put(
      'job-b:3',
      frameBody('job-b', 3, { a: rectangle('a', 3, T1, 1), b: rectangle('b', 3, T1, 2) }),
    );

    device = await openDevice(server, workspaceId, bob);
    device.connect();
    const repo = device.repo;
    await eventually(
      'the frame',
      async () => (await repo.annotations.objectsOnFrame('job-b', 3)).length === 2,
    );
    await device.disconnect();

    // Offline on this device: object a moves. Meanwhile the other device moves object b.
    const [before] = (await repo.annotations.objectsOnFrame('job-b', 3)).filter((o) => o.id === 'a');
    await repo.annotations.applyDiff('job-b', {
      added: {},
      updated: { a: [before!, rectangle('a', 3, T2, 100)] },
      removed: {},
    });
    const stored = (await frames.get<FrameDoc>('job-b:3'))!;
    await frames.put('job-b:3', {
      ...stored,
      objects: { ...stored.objects, b: rectangle('b', 3, T3, 200) },
      updated_date: T3,
    });

    const sync = device.connect();
    const merged = await eventually('both edits on the server', async () => {
      const doc = await frames.get<FrameDoc>('job-b:3');
      return leftEdge(doc, 'a') === 100 && leftEdge(doc, 'b') === 200 ? doc : undefined;
    });
    expect(Object.keys(merged.objects).sort()).toEqual(['a', 'b']);
    await eventually('both edits on this device', async () => {
      const objects = await repo.annotations.objectsOnFrame('job-b', 3);
      const x = Object.fromEntries(objects.map((o) => [o.id, o.kind === 'shape' ? o.points[0] : -1]));
      return x.a === 100 && x.b === 200;
    });
    await eventually(
      'nothing pending',
      () => sync.status().pending === 0 && sync.status().state === 'online',
    );
    // Different objects are no collision.
    expect(await device.workspace.db.conflict.count().exec()).toBe(0);
  });

  it('merges different fields of one object and logs a true collision with the losing version', async () => {
    const jobs = couch(server, alice, workspaceId, 'job');
    const frames = couch(server, alice, workspaceId, 'frame');
    await jobs.put('job-c', job('job-c', null));
    await frames.put('job-c:1', frameBody('job-c', 1, { a: rectangle('a', 1, T1, 1) }));

    device = await openDevice(server, workspaceId, bob);
    device.connect();
    const repo = device.repo;
    await eventually(
      'the frame',
      async () => (await repo.annotations.objectsOnFrame('job-c', 1)).length === 1,
    );
    await device.disconnect();

    // This device: occluded and the position (older). Other device: the label and the position (newer).
    const [before] = await repo.annotations.objectsOnFrame('job-c', 1);
    const mine = { ...rectangle('a', 1, T2, 10), occluded: true };
    await repo.annotations.applyDiff('job-c', { added: {}, updated: { a: [before!, mine] }, removed: {} });
    const stored = (await frames.get<FrameDoc>('job-c:1'))!;
    const theirs = { ...rectangle('a', 1, T3, 20), label_id: 'label-2' };
    await frames.put('job-c:1', { ...stored, objects: { a: theirs }, updated_date: T3 });

    device.connect();
    const merged = await eventually('the merged object on the server', async () => {
      const doc = await frames.get<FrameDoc>('job-c:1');
      const a = doc?.objects.a;
      return a?.kind === 'shape' && a.occluded ? a : undefined;
    });
    // Fields changed on one side only are both kept; the position collided and the newer edit won.
    expect(merged).toMatchObject({
      occluded: true,
      label_id: 'label-2',
      points: [20, 0, 30, 10],
      updated_date: T3,
    });

    const log = await eventually('the conflict log entry', async () => {
      const entries = await device!.workspace.db.conflict.find().exec();
      return entries.length > 0 ? entries.map((e) => e.toJSON()) : undefined;
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      doc_collection: 'frame',
      doc_id: 'job-c:1',
      object_id: 'a',
      fields: ['points'],
      lost_side: 'fork',
    });
    expect(JSON.parse(log[0]!.lost)).toMatchObject({ points: [10, 0, 20, 10], occluded: true });
  });

  it('pulls a change made while replication was starting (polled collections resolve "now" at once)', async () => {
    device = await openDevice(server, workspaceId, bob);
    const sync = device.connect({ pollIntervalMs: 3000 });
    await sync.awaitInSync();
    // Right after the first pull: before the fix, the live feed's "now" was taken a poll
    // interval later, after this write, and the job was never pulled.
    await couch(server, alice, workspaceId, 'job').put('job-h', job('job-h', null));
    const repo = device.repo;
    await eventually(
      'the job written during the start',
      async () => (await repo.jobs.get('job-h')) !== undefined,
      12_000,
    );
  });

  it("takes a push cut off after the server stored it as this device's own write, not as a collision", async () => {
    const jobs = couch(server, alice, workspaceId, 'job');
    const frames = couch(server, alice, workspaceId, 'frame');
    await jobs.put('job-g', job('job-g', null));
    await frames.put(
      'job-g:0',
      frameBody('job-g', 0, { a: rectangle('a', 0, T1, 1), b: rectangle('b', 0, T1, 50) }),
    );

    // The connection drops after the server answered the next push: the answer never arrives.
    let cutNextPush = false;
    const cutting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (cutNextPush && url.includes('/_bulk_docs')) {
        cutNextPush = false;
        throw new TypeError('Failed to fetch');
      }
      return response;
    };
    device = await openDevice(server, workspaceId, bob);
    device.connect({ fetch: cutting });
    const repo = device.repo;
    await eventually(
      'the frame',
      async () => (await repo.annotations.objectsOnFrame('job-g', 0)).length === 2,
    );

    cutNextPush = true;
    const [a0] = (await repo.annotations.objectsOnFrame('job-g', 0)).filter((o) => o.id === 'a');
    const a1 = rectangle('a', 0, T2, 10);
    await repo.annotations.applyDiff('job-g', { added: {}, updated: { a: [a0!, a1] }, removed: {} });
    await eventually('the first edit stored on the server', async () => {
      return leftEdge(await frames.get<FrameDoc>('job-g:0'), 'a') === 10 && !cutNextPush;
    });
    await device.disconnect();

    // Offline: this device moves `a` again, and another device moves `b` on the server.
    const a2 = rectangle('a', 0, T3, 20);
    await repo.annotations.applyDiff('job-g', { added: {}, updated: { a: [a1, a2] }, removed: {} });
    const stored = (await frames.get<FrameDoc>('job-g:0'))!;
    await frames.put('job-g:0', { ...stored, objects: { ...stored.objects, b: rectangle('b', 0, T3, 60) } });

    device.connect({ fetch: cutting });
    await eventually('both moves on the server', async () => {
      const doc = await frames.get<FrameDoc>('job-g:0');
      return leftEdge(doc, 'a') === 20 && leftEdge(doc, 'b') === 60;
    });
    await device.sync!.awaitInSync();
    const log = await device.workspace.db.conflict.find().exec();
    expect(log.map((entry) => entry.toJSON())).toEqual([]);
  });

  it('pauses on a revoked token with a clear message, keeps local edits and pushes them after a new sign-in', async () => {
    const jobs = couch(server, alice, workspaceId, 'job');
    const frames = couch(server, alice, workspaceId, 'frame');
    await jobs.put('job-d', job('job-d', null));
    await frames.put('job-d:0', frameBody('job-d', 0, {}));

    const carol = await server.account('carol');
    const { token } = await alice.api.invite(workspaceId, { role: 'maintainer', username: 'carol' });
    await carol.api.acceptInvitation(token);

    device = await openDevice(server, workspaceId, carol);
    const sync = device.connect();
    const repo = device.repo;
    await eventually('the job', async () => (await device!.repo.jobs.get('job-d')) !== undefined);

    await carol.api.logout(); // the token on this device is now revoked
    await repo.annotations.applyDiff('job-d', {
      added: { z: rectangle('z', 0, T2, 9) },
      updated: {},
      removed: {},
    });
    const failed = await eventually('the auth error', () =>
      sync.status().authError ? sync.status() : undefined,
    );
    expect(failed.state).toBe('error');
    expect(failed.message).toMatch(/Sign in again/);
    expect(failed.message).toMatch(/kept on this device/);
    expect(failed.pending).toBeGreaterThan(0);
    expect(Object.keys((await frames.get<FrameDoc>('job-d:0'))!.objects)).toEqual([]);
    expect((await repo.annotations.objectsOnFrame('job-d', 0)).map((o) => o.id)).toEqual(['z']);

    const fresh = await carol.api.login('carol', 'carol-password');
    carol.setToken(fresh.token);
    sync.reconnect();
    await eventually('the kept edit on the server', async () => {
      const doc = await frames.get<FrameDoc>('job-d:0');
      return doc?.objects.z !== undefined;
    });
    await eventually('online again', () => sync.status().state === 'online' && sync.status().pending === 0);
  });

  it('loses nothing when the server is killed and restarted during replication', async () => {
    const jobs = couch(server, alice, workspaceId, 'job');
    const frames = couch(server, alice, workspaceId, 'frame');
    await jobs.put('job-e', job('job-e', null));

    device = await openDevice(server, workspaceId, bob);
    const sync = device.connect();
    const repo = device.repo;
    await eventually('the job', async () => (await repo.jobs.get('job-e')) !== undefined);

    const objects = (from: number, count: number) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => {
          const id = `o${from + i}`;
          return [id, rectangle(id, (from + i) % 50, T2, from + i)];
        }),
      );
    // Writes keep coming while the server goes away and comes back.
    const writing = (async () => {
      for (let batch = 0; batch < 10; batch++) {
        await repo.annotations.applyDiff('job-e', {
          added: objects(batch * 30, 30),
          updated: {},
          removed: {},
        });
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 120));
    await server.restart(async () => {
      await eventually('the device to notice', () => sync.status().state === 'offline', 10_000);
      await writing;
    });

    await eventually(
      'every object on the server',
      async () => {
        let count = 0;
        for (let frame = 0; frame < 50; frame++) {
          const doc = await frames.get<FrameDoc>(`job-e:${frame}`);
          count += Object.keys(doc?.objects ?? {}).length;
        }
        return count === 300;
      },
      30_000,
    );
    const local = await device.workspace.db.frame.find({ selector: { job_id: 'job-e' } }).exec();
    expect(local.reduce((n, doc) => n + Object.keys(doc.objects).length, 0)).toBe(300);
    await eventually(
      'online with nothing pending',
      () => sync.status().state === 'online' && sync.status().pending === 0,
      30_000,
    );
  }, 60_000);

  it('shows edits the role rules refuse as an error and keeps them; a removed member is told too', async () => {
    const jobs = couch(server, alice, workspaceId, 'job');
    const frames = couch(server, alice, workspaceId, 'frame');
    const rev = await jobs.put('job-f', job('job-f', 'dave'));
    const dave = await server.account('dave');
    const { token } = await alice.api.invite(workspaceId, { role: 'worker', username: 'dave' });
    await dave.api.acceptInvitation(token);

    device = await openDevice(server, workspaceId, dave);
    const sync = device.connect();
    const repo = device.repo;
    await eventually('the job', async () => (await repo.jobs.get('job-f')) !== undefined);
    // The job is taken away from dave while his device still holds it; his edit is refused.
    await jobs.put('job-f', { ...job('job-f', 'alice'), _rev: rev });
    await repo.annotations.applyDiff('job-f', {
      added: { w: rectangle('w', 2, T2, 3) },
      updated: {},
      removed: {},
    });
    const refused = await eventually('the refusal', () =>
      sync.status().state === 'error' ? sync.status() : undefined,
    );
    expect(refused.message).toMatch(/refused some changes/);
    expect(refused.message).toMatch(/stay on this device/);
    expect(refused.pending).toBe(1);
    expect(await frames.get('job-f:2')).toBeUndefined();
    expect((await repo.annotations.objectsOnFrame('job-f', 2)).map((o) => o.id)).toEqual(['w']);

    await alice.api.removeMember(workspaceId, 'dave');
    await eventually('the read refusal', () =>
      /refused to sync this workspace/.test(sync.status().message ?? ''),
    );
  }, 60_000);
});
