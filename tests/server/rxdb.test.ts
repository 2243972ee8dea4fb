import type { RxCollection } from 'rxdb';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgSummary } from '../../sync-server/orgs';
import { openWorkspace, type Workspace } from '../../src/lib/store';
import { box, frameDoc, SEED, seed } from './fixtures';
import { addMember, call, makeOrg, startTestServer, userWithToken, type TestServer } from './helpers';

/**
 * The app's own replication protocol (RxDB's CouchDB replication, as the client uses it)
 * against the role rules, as a worker: RxDB sends its documents with `_deleted`, without
 * `_rev` on new ones and with the stored revision on updates, so the rules must judge those
 * shapes, not just what a CouchDB client would send.
 */
describe('RxDB replication as a worker through the gate', () => {
  let server: TestServer;
  let olga: string;
  let w1: string;
  let org: OrgSummary;
  let device: Workspace;
  /** The status of every _bulk_docs answer the device got. */
  const bulkStatuses: number[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    olga = await userWithToken(server, 'olga');
    w1 = await userWithToken(server, 'w1');
    org = await makeOrg(server, olga);
    await addMember(server, org.id, 'w1', 'worker');
    await seed(server, org.databases, olga);
    device = await openWorkspace(org.id, { storage: 'memory', databaseName: `rxdb_worker_${org.id}` });
  });
  afterAll(async () => {
    await device.remove();
    await server.stop();
  });

  /** Replicates until in sync (pull, then push of what is pending); resolves with the first error, if any. */
  async function syncOnce(name: 'job' | 'frame'): Promise<unknown> {
    const collection = device.db.collections[name] as unknown as RxCollection<unknown>;
    const state = replicateCouchDB<unknown>({
      replicationIdentifier: `worker-${name}`,
      collection,
      url: `${server.url}/db/${org.databases[name]}/`,
      // Live, because a one-shot replication cannot be cancelled while its push is being refused.
      live: true,
      // A refused push is retried after this; cancel() waits for the retry.
      retryTime: 200,
      waitForLeadership: false,
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', w1);
        const res = await fetch(input, { ...init, headers });
        if (String(input).includes('_bulk_docs')) bulkStatuses.push(res.status);
        return res;
      },
      pull: { batchSize: 50 },
      push: { batchSize: 50 },
    });
    let firstError: unknown;
    const failed = new Promise<void>((resolve) => {
      state.error$.subscribe((error) => {
        firstError ??= error;
        resolve();
      });
    });
    await Promise.race([state.awaitInitialReplication(), failed]);
    await state.cancel();
    return firstError;
  }

  const onServer = async (name: 'job' | 'frame', id: string) =>
    (await call(server, `/db/${org.databases[name]}/${id}`, { auth: olga })).body as Record<string, unknown>;

  it('pulls its own job of the workspace, and pushes edits to that job and its state', async () => {
    expect(await syncOnce('job')).toBeUndefined();
    expect(await syncOnce('frame')).toBeUndefined();
    // Workers read only their own jobs (j2 is w2's, j3 nobody's).
    expect((await device.db.collections.job.find().exec()).map((d) => d.id)).toEqual(['j1']);
    expect((await device.db.collections.frame.find().exec()).map((d) => d.id)).toEqual(['j1:0']);

    const frame = await device.db.collections.frame.findOne('j1:0').exec();
    expect(frame).not.toBeNull();
    await frame?.incrementalPatch({ objects: { ...frame.objects, o9: box('o9', 0) as never } });
    await device.db.collections.frame.insert({
      id: 'j1:1',
      job_id: 'j1',
      frame: 1,
      objects: {},
      removed: {},
      updated_date: '2026-03-01T00:00:00.000Z',
    });
    const job = await device.db.collections.job.findOne('j1').exec();
    await job?.incrementalPatch({ state: 'completed', updated_date: '2026-03-01T00:00:00.000Z' });

    expect(await syncOnce('frame')).toBeUndefined();
    expect(await syncOnce('job')).toBeUndefined();
    expect(Object.keys((await onServer('frame', 'j1:0')).objects as object).sort()).toEqual(['o1', 'o9']);
    expect(await onServer('frame', 'j1:1')).toMatchObject({ job_id: 'j1', frame: 1 });
    expect(await onServer('job', 'j1')).toMatchObject({ state: 'completed', assignee: 'w1' });
  });

  it("is refused when it pushes another's job, and the server keeps its version", async () => {
    const before = await onServer('frame', 'j2:2');
    // The device never saw w2's frame; it writes one under the same id.
    await device.db.collections.frame.insert({
      id: 'j2:2',
      job_id: 'j2',
      frame: 2,
      objects: {},
      removed: {},
      updated_date: '2026-03-01T00:00:00.000Z',
    });
    bulkStatuses.length = 0;
    const error = await syncOnce('frame');
    // RxDB reports a failed push (RC_PUSH) and keeps the edit pending; the gate answered 403.
    expect(error).toMatchObject({ code: 'RC_PUSH' });
    expect(bulkStatuses).toContain(403);
    expect(await onServer('frame', 'j2:2')).toEqual(before);
  });
});

describe("RxDB replication of a worker's jobs through the gate", () => {
  let server: TestServer;
  let olga: string;
  let sam: string;
  let w1: string;
  let org: OrgSummary;
  let device: Workspace;
  const states: { cancel(): Promise<unknown> }[] = [];

  const frameIds = (job: string, count: number) => Array.from({ length: count }, (_, i) => `${job}:${i}`);

  beforeAll(async () => {
    server = await startTestServer();
    olga = await userWithToken(server, 'olga');
    sam = await userWithToken(server, 'sam');
    w1 = await userWithToken(server, 'w1');
    org = await makeOrg(server, olga);
    await addMember(server, org.id, 'sam', 'supervisor');
    await addMember(server, org.id, 'w1', 'worker');
    // The first 600 changes of the frame feed are w2's; then j3's (nobody's yet) and w1's.
    const frames = (job: string, count: number) =>
      Array.from({ length: count }, (_, i) => frameDoc(job, i, [box(`${job}-o${i}`, i)]));
    await seed(server, org.databases, olga, {
      job: SEED.job ?? [],
      frame: [...frames('j2', 600), ...frames('j3', 4), ...frames('j1', 3)],
    });
    device = await openWorkspace(org.id, { storage: 'memory', databaseName: `rxdb_scope_${org.id}` });
  });
  afterAll(async () => {
    await Promise.allSettled(states.map((s) => s.cancel()));
    await device.remove();
    await server.stop();
  });

  function replicate(name: 'job' | 'frame') {
    const collection = device.db.collections[name] as unknown as RxCollection<unknown>;
    const state = replicateCouchDB<unknown>({
      replicationIdentifier: `scope-${name}`,
      collection,
      url: `${server.url}/db/${org.databases[name]}/`,
      live: true,
      retryTime: 200,
      waitForLeadership: false,
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', w1);
        return fetch(input, { ...init, headers });
      },
      pull: { batchSize: 50 },
    });
    states.push(state);
    return state;
  }

  const ids = async (name: 'job' | 'frame') =>
    (await device.db.collections[name].find().exec()).map((d) => d.primary).sort();

  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const end = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('pulls the own frames that come after 600 invisible changes', async () => {
    const jobs = replicate('job');
    const frames = replicate('frame');
    await jobs.awaitInitialReplication();
    await frames.awaitInitialReplication();
    expect(await ids('job')).toEqual(['j1']);
    expect(await ids('frame')).toEqual(frameIds('j1', 3));
  });

  it('receives a newly assigned job and its older frames while live', async () => {
    const j3 = (await call(server, `/db/${org.databases.job}/j3`, { auth: sam })).body as Record<
      string,
      unknown
    >;
    const assigned = await call(server, `/db/${org.databases.job}/j3`, {
      method: 'PUT',
      auth: sam,
      json: { ...j3, assignee: 'w1' },
    });
    expect(assigned.status).toBe(201);
    await until('the job', async () => (await ids('job')).length === 2);
    await until('its frames', async () => (await ids('frame')).length === 7);
    expect(await ids('job')).toEqual(['j1', 'j3']);
    expect(await ids('frame')).toEqual([...frameIds('j1', 3), ...frameIds('j3', 4)]);
  });
});
