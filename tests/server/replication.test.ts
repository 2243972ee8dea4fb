import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import PouchDB, { type PouchDatabase, type PouchDoc } from 'pouchdb-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgSummary } from '../../sync-server/orgs';
import { box, frameDoc, SEED, seed } from './fixtures';
import { addMember, call, makeOrg, startTestServer, userWithToken, type TestServer } from './helpers';

/** A PouchDB client for a remote database that sends a bearer token with every request. */
function remoteWithToken(url: string, authorization: string): PouchDatabase {
  return new PouchDB(url, {
    fetch(target, init) {
      init.headers.set('Authorization', authorization);
      return PouchDB.fetch(target, init);
    },
  });
}

function frames(jobId: string, from: number, count: number): PouchDoc[] {
  return Array.from(
    { length: count },
    (_, i) => frameDoc(jobId, from + i, [box(`${jobId}-o${i}`, from + i)]) as PouchDoc,
  );
}

describe('replication with a real PouchDB client through the gate', () => {
  let server: TestServer;
  let olga: string;
  let org: OrgSummary;
  const open: PouchDatabase[] = [];

  const local = (name: string) => {
    const db = new PouchDB(join(server.dirs.root, 'clients', name));
    open.push(db);
    return db;
  };
  const basicUrl = (db: string, user: string, password: string) => {
    const url = new URL(`${server.url}/db/${db}`);
    url.username = user;
    url.password = password;
    return url.toString();
  };

  beforeAll(async () => {
    server = await startTestServer();
    olga = await userWithToken(server, 'olga');
    await server.services.users.add('w1', 'w1-password');
    await server.services.users.add('carol', 'carol-password');
    org = await makeOrg(server, olga);
    await addMember(server, org.id, 'w1', 'worker');
    await seed(server, org.databases, olga, { job: SEED.job ?? [] });
    await mkdir(join(server.dirs.root, 'clients'), { recursive: true });
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((db) => db.close()));
    await server.stop();
  });

  it('pushes as the owner with a bearer token, pulls and pushes back as a worker with Basic auth', async () => {
    const a = local('a');
    await a.bulkDocs([...frames('j1', 0, 60), ...frames('j2', 2, 60)]);
    const remote = remoteWithToken(`${server.url}/db/${org.databases.frame}`, olga);
    open.push(remote);
    const pushed = await a.replicate.to(remote);
    expect(pushed.ok).toBe(true);
    expect(pushed.docs_written).toBe(120);

    const b = local('b');
    const w1Url = basicUrl(org.databases.frame, 'w1', 'w1-password');
    const pulled = await b.replicate.from(w1Url);
    // A worker replicates only the frames of their own job.
    expect(pulled.docs_written).toBe(60);
    const pulledIds = (await b.allDocs()).rows.map((r) => r.id);
    expect(pulledIds).toHaveLength(60);
    expect(pulledIds.every((id) => id.startsWith('j1:'))).toBe(true);

    // The worker edits a frame of their own job; it comes back to the owner.
    const doc = await b.get('j1:7');
    await b.put({ ...doc, objects: {}, removed: { 'j1-o7': '2026-02-02T00:00:00.000Z' } });
    const back = await b.replicate.to(w1Url);
    expect(back.docs_written).toBe(1);
    await a.replicate.from(remote);
    expect(await a.get('j1:7')).toMatchObject({ objects: {}, removed: { 'j1-o7': expect.any(String) } });
  });

  it("refuses a worker's push that touches another's job, and the server keeps its version", async () => {
    const c = local('c');
    const w1Url = basicUrl(org.databases.frame, 'w1', 'w1-password');
    await c.replicate.from(w1Url);
    // w2's frame never reached this replica; the worker writes one under its id.
    await expect(c.get('j2:5')).rejects.toMatchObject({ status: 404 });
    await c.put(frameDoc('j2', 5) as PouchDoc);
    const error = await c.replicate.to(w1Url).then(
      (result) => result,
      (err: unknown) => err,
    );
    expect(JSON.stringify(error)).toMatch(/403|forbidden/);
    const onServer = await call(server, `/db/${org.databases.frame}/j2:5`, { auth: olga });
    expect(Object.keys((onServer.body as { objects: object }).objects)).toEqual(['j2-o3']);
  });

  it('refuses a non-member replication with 403', async () => {
    const d = local('d');
    const error = await d.replicate.from(basicUrl(org.databases.frame, 'carol', 'carol-password')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ status: 403 });
    expect((await d.allDocs()).total_rows).toBe(0);
  });
});

describe("a worker's live PouchDB replica follows their assignments", () => {
  let server: TestServer;
  let org: OrgSummary;
  let sam: string;
  const open: PouchDatabase[] = [];
  const running: { cancel(): void }[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const olga = await userWithToken(server, 'olga');
    sam = await userWithToken(server, 'sam');
    await server.services.users.add('w1', 'w1-password');
    org = await makeOrg(server, olga);
    await addMember(server, org.id, 'sam', 'supervisor');
    await addMember(server, org.id, 'w1', 'worker');
    // 600 changes the worker may not see come first: a feed read in batches finds nothing
    // visible in its first ones.
    await seed(server, org.databases, olga, {
      project: SEED.project ?? [],
      task: SEED.task ?? [],
      job: SEED.job ?? [],
      frame: [...frames('j2', 0, 600), ...frames('j3', 0, 5), ...frames('j1', 0, 5)],
    });
    await mkdir(join(server.dirs.root, 'clients'), { recursive: true });
  });
  afterAll(async () => {
    for (const replication of running) replication.cancel();
    await Promise.allSettled(open.map((db) => db.close()));
    await server.stop();
  });

  const ids = async (db: PouchDatabase) => (await db.allDocs()).rows.map((r) => r.id).sort();
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const end = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('holds exactly the own job, and receives a newly assigned job with its older frames', async () => {
    const replicas = Object.fromEntries(
      (['frame', 'job', 'task'] as const).map((c) => {
        const db = new PouchDB(join(server.dirs.root, 'clients', `live-${c}`));
        open.push(db);
        const url = new URL(`${server.url}/db/${org.databases[c]}`);
        url.username = 'w1';
        url.password = 'w1-password';
        running.push(PouchDB.replicate(url.toString(), db, { live: true, retry: true, batch_size: 100 }));
        return [c, db];
      }),
    ) as Record<'frame' | 'job' | 'task', PouchDatabase>;

    const ownFrames = ['j1:0', 'j1:1', 'j1:2', 'j1:3', 'j1:4'];
    await until('the own frames', async () => (await ids(replicas.frame)).length >= 5);
    await until('the own job', async () => (await ids(replicas.job)).length >= 1);
    await until('the task', async () => (await ids(replicas.task)).length >= 1);
    expect(await ids(replicas.frame)).toEqual(ownFrames);
    expect(await ids(replicas.job)).toEqual(['j1']);
    expect(await ids(replicas.task)).toEqual(['t1']);

    // A supervisor assigns j3, whose frames were written long before, to the worker.
    const j3 = (await call(server, `/db/${org.databases.job}/j3`, { auth: sam })).body as PouchDoc;
    const assigned = await call(server, `/db/${org.databases.job}/j3`, {
      method: 'PUT',
      auth: sam,
      json: { ...j3, assignee: 'w1' },
    });
    expect(assigned.status).toBe(201);
    await until('the newly assigned job', async () => (await ids(replicas.job)).length >= 2);
    await until('its older frames', async () => (await ids(replicas.frame)).length >= 10);
    expect(await ids(replicas.job)).toEqual(['j1', 'j3']);
    expect(await ids(replicas.frame)).toEqual([...ownFrames, 'j3:0', 'j3:1', 'j3:2', 'j3:3', 'j3:4']);
    expect(await ids(replicas.task)).toEqual(['t1']);
  });
});
