import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import PouchDB, { type PouchDatabase } from 'pouchdb-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedBackend, type CouchBackend } from '../../sync-server/couch';
import {
  basic,
  call,
  expectIsolationHeaders,
  startTestServer,
  uniqueDb,
  userWithToken,
  type TestServer,
} from './helpers';

/**
 * COUCHDB_URL mode against a stand-in CouchDB: a separate HTTP server running
 * express-pouchdb behind Basic auth, as an Apache CouchDB with an admin account would be.
 */
describe('COUCHDB_URL proxy mode', () => {
  let upstreamDir: string;
  let upstreamBackend: CouchBackend;
  let upstream: Server;
  let upstreamUrl: string;
  const seenAuth: string[] = [];
  let server: TestServer;
  let alice: string;
  const open: PouchDatabase[] = [];

  beforeAll(async () => {
    upstreamDir = await mkdtemp(join(tmpdir(), 'loupe-upstream-'));
    upstreamBackend = createEmbeddedBackend(upstreamDir);
    await upstreamBackend.start();
    const app = express();
    app.use((req, res, next) => {
      seenAuth.push(req.headers.authorization ?? '');
      if (req.headers.authorization !== basic('couchadmin', 's3cret:pw')) {
        res.status(401).json({ error: 'unauthorized', reason: 'upstream wants admin' });
        return;
      }
      next();
    });
    app.use(upstreamBackend.handler);
    upstream = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = upstream.address() as AddressInfo;
    upstreamUrl = `http://127.0.0.1:${port}`;

    server = await startTestServer({
      couchdbUrl: `http://couchadmin:${encodeURIComponent('s3cret:pw')}@127.0.0.1:${port}`,
    });
    alice = await userWithToken(server, 'alice');
    await server.services.users.add('bob', 'bob-password');
  });

  afterAll(async () => {
    await Promise.allSettled(open.map((db) => db.close()));
    await server.stop();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
    await upstreamBackend.close();
    await rm(upstreamDir, { recursive: true, force: true });
  });

  it('creates, writes and replicates through the proxy with the server credentials', async () => {
    const db = uniqueDb();
    seenAuth.length = 0;
    const created = await call(server, `/db/${db}`, { method: 'PUT', auth: alice });
    expect(created.status).toBe(201);
    expectIsolationHeaders(created.headers);
    expect(await server.services.access.roleOf(db, 'alice')).toBe('owner');
    // The client's bearer token never reaches CouchDB.
    expect(seenAuth.length).toBeGreaterThan(0);
    expect(new Set(seenAuth)).toEqual(new Set([basic('couchadmin', 's3cret:pw')]));

    await mkdir(join(server.dirs.root, 'clients'), { recursive: true });
    const local = new PouchDB(join(server.dirs.root, 'clients', 'p1'));
    open.push(local);
    await local.bulkDocs(Array.from({ length: 50 }, (_, i) => ({ _id: `doc${i}`, i })));
    const remote = new PouchDB(`${server.url}/db/${db}`, {
      fetch(target, init) {
        init.headers.set('Authorization', alice);
        return PouchDB.fetch(target, init);
      },
    });
    open.push(remote);
    expect((await local.replicate.to(remote)).docs_written).toBe(50);

    // Read straight from the stand-in CouchDB: the documents are really there.
    const direct = await fetch(`${upstreamUrl}/${db}/doc7`, {
      headers: { authorization: basic('couchadmin', 's3cret:pw') },
    });
    expect(await direct.json()).toMatchObject({ _id: 'doc7', i: 7 });

    await server.services.access.addMember(db, 'bob', 'supervisor');
    const pulled = new PouchDB(join(server.dirs.root, 'clients', 'p2'));
    open.push(pulled);
    const bobUrl = new URL(`${server.url}/db/${db}`);
    bobUrl.username = 'bob';
    bobUrl.password = 'bob-password';
    expect((await pulled.replicate.from(bobUrl.toString())).docs_written).toBe(50);
  });

  it('applies the gate before proxying', async () => {
    const db = uniqueDb();
    await call(server, `/db/${db}`, { method: 'PUT', auth: alice });
    seenAuth.length = 0;
    const bob = basic('bob', 'bob-password');
    expect((await call(server, `/db/${db}/_all_docs`, { auth: bob })).status).toBe(403);
    expect((await call(server, '/db/_all_dbs', { auth: bob })).status).toBe(403);
    expect((await call(server, `/db/${db}`, { method: 'PUT', auth: bob })).status).toBe(403);
    expect((await call(server, `/db/${db}`)).status).toBe(401);
    // Only the existence check for bob's PUT reached CouchDB.
    expect(seenAuth.length).toBeLessThanOrEqual(2);
    const session = await call(server, '/db/_session', { auth: bob });
    expect(session.body).toMatchObject({ userCtx: { name: 'bob', roles: [] } });
  });

  it('answers 502 with a clear message when CouchDB cannot be reached', async () => {
    const down = await startTestServer({ couchdbUrl: 'http://admin:pw@127.0.0.1:9' });
    try {
      const auth = await userWithToken(down, 'zoe');
      const res = await call(down, '/db/', { auth });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({
        error: 'bad_gateway',
        reason: expect.stringContaining('could not be reached'),
      });
      expect(res.text).not.toContain(':pw@');
      expectIsolationHeaders(res.headers);
    } finally {
      await down.stop();
    }
  });
});
