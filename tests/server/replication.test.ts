import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import PouchDB, { type PouchDatabase, type PouchDoc } from 'pouchdb-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, uniqueDb, userWithToken, type TestServer } from './helpers';

/** A PouchDB client for a remote database that sends a bearer token with every request. */
function remoteWithToken(url: string, authorization: string): PouchDatabase {
  return new PouchDB(url, {
    fetch(target, init) {
      init.headers.set('Authorization', authorization);
      return PouchDB.fetch(target, init);
    },
  });
}

function annotation(i: number): PouchDoc {
  return {
    _id: `ann_${String(i).padStart(4, '0')}`,
    type: 'annotation',
    label: i % 2 ? 'cat' : 'dog',
    bbox: [i, i, 10, 10],
  };
}

describe('replication with a real PouchDB client', () => {
  let server: TestServer;
  let alice: string;
  const open: PouchDatabase[] = [];

  const local = (name: string) => {
    const db = new PouchDB(join(server.dirs.root, 'clients', name));
    open.push(db);
    return db;
  };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await userWithToken(server, 'alice');
    await server.services.users.add('bob', 'bob-password');
    await server.services.users.add('carol', 'carol-password');
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((db) => db.close()));
    await server.stop();
  });

  it('pushes with a bearer token (creating the database) and pulls with Basic auth', async () => {
    const dbName = uniqueDb();
    await mkdir(join(server.dirs.root, 'clients'), { recursive: true });

    const a = local('a');
    const docs = Array.from({ length: 120 }, (_, i) => annotation(i));
    await a.bulkDocs(docs);
    const remote = remoteWithToken(`${server.url}/db/${dbName}`, alice);
    open.push(remote);
    // The remote does not exist yet: PouchDB probes it (404) and creates it (PUT).
    const pushed = await a.replicate.to(remote);
    expect(pushed.ok).toBe(true);
    expect(pushed.docs_written).toBe(120);
    expect(await server.services.access.roleOf(dbName, 'alice')).toBe('owner');

    await server.services.access.addMember(dbName, 'bob', 'worker');
    const b = local('b');
    const bobUrl = new URL(`${server.url}/db/${dbName}`);
    bobUrl.username = 'bob';
    bobUrl.password = 'bob-password';
    const pulled = await b.replicate.from(bobUrl.toString());
    expect(pulled.docs_written).toBe(120);
    const all = await b.allDocs({ include_docs: true });
    expect(all.total_rows).toBe(120);
    expect(await b.get('ann_0007')).toMatchObject({ label: 'cat', bbox: [7, 7, 10, 10] });

    // An edit made by bob comes back to alice.
    const doc = await b.get('ann_0007');
    await b.put({ ...doc, label: 'lynx' });
    await b.replicate.to(bobUrl.toString());
    await a.replicate.from(remote);
    expect(await a.get('ann_0007')).toMatchObject({ label: 'lynx' });

    // The server holds them too.
    const read = await call(server, `/db/${dbName}/ann_0007`, { auth: alice });
    expect(read.body).toMatchObject({ label: 'lynx' });
  });

  it('refuses a non-member replication with 403', async () => {
    const dbName = uniqueDb();
    const a = local('c');
    await a.put(annotation(1));
    await a.replicate.to(remoteWithToken(`${server.url}/db/${dbName}`, alice));

    const carolUrl = new URL(`${server.url}/db/${dbName}`);
    carolUrl.username = 'carol';
    carolUrl.password = 'carol-password';
    const c = local('d');
    const error = await c.replicate.from(carolUrl.toString()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ status: 403 });
    expect((await c.allDocs()).total_rows).toBe(0);
  });
});
