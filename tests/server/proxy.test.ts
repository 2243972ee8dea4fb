import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import PouchDB, { type PouchDatabase, type PouchDoc } from 'pouchdb-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedBackend, type CouchBackend } from '../../sync-server/couch';
import { frameDoc, seed } from './fixtures';
import {
  addMember,
  basic,
  call,
  expectIsolationHeaders,
  makeOrg,
  startTestServer,
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
  const seenPaths: string[] = [];
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
      seenPaths.push(req.path);
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

  it('creates the workspace, writes and replicates through the proxy with the server credentials', async () => {
    seenAuth.length = 0;
    const org = await makeOrg(server, alice, 'Proxied');
    const db = org.databases.frame;
    // The databases were created upstream, and the records live in CouchDB too.
    const head = await fetch(`${upstreamUrl}/${db}`, {
      headers: { authorization: basic('couchadmin', 's3cret:pw') },
    });
    expect(head.status).toBe(200);
    const meta = await fetch(`${upstreamUrl}/loupe_meta/orgs`, {
      headers: { authorization: basic('couchadmin', 's3cret:pw') },
    });
    expect(await meta.json()).toMatchObject({ data: { orgs: { [org.id]: { name: 'Proxied' } } } });
    // The client's bearer token never reaches CouchDB.
    expect(seenAuth.length).toBeGreaterThan(0);
    expect(new Set(seenAuth)).toEqual(new Set([basic('couchadmin', 's3cret:pw')]));

    await mkdir(join(server.dirs.root, 'clients'), { recursive: true });
    const local = new PouchDB(join(server.dirs.root, 'clients', 'p1'));
    open.push(local);
    await local.bulkDocs(Array.from({ length: 50 }, (_, i) => frameDoc('j1', i) as PouchDoc));
    const remote = new PouchDB(`${server.url}/db/${db}`, {
      fetch(target, init) {
        init.headers.set('Authorization', alice);
        return PouchDB.fetch(target, init);
      },
    });
    open.push(remote);
    const created = await call(server, `/db/${db}`, { auth: alice });
    expectIsolationHeaders(created.headers);
    expect((await local.replicate.to(remote)).docs_written).toBe(50);

    // Read straight from the stand-in CouchDB: the documents are really there.
    const direct = await fetch(`${upstreamUrl}/${db}/j1:7`, {
      headers: { authorization: basic('couchadmin', 's3cret:pw') },
    });
    expect(await direct.json()).toMatchObject({ _id: 'j1:7', frame: 7 });

    await addMember(server, org.id, 'bob', 'supervisor');
    const pulled = new PouchDB(join(server.dirs.root, 'clients', 'p2'));
    open.push(pulled);
    const bobUrl = new URL(`${server.url}/db/${db}`);
    bobUrl.username = 'bob';
    bobUrl.password = 'bob-password';
    expect((await pulled.replicate.from(bobUrl.toString())).docs_written).toBe(50);
  });

  it('checks role rules against the documents stored upstream before proxying', async () => {
    const org = await makeOrg(server, alice, 'Rules');
    await seed(server, org.databases, alice);
    await server.services.users.add('wes', 'wes-password');
    await addMember(server, org.id, 'wes', 'worker');
    const wes = basic('wes', 'wes-password');
    const mine = await call(server, `/db/${org.databases.job}/j1`, { auth: alice });
    // j1 belongs to w1, so wes may not write its frames nor take the job.
    const write = await call(server, `/db/${org.databases.frame}/_bulk_docs`, {
      method: 'POST',
      auth: wes,
      json: { docs: [frameDoc('j1', 1)] },
    });
    expect(write.status).toBe(403);
    const take = await call(server, `/db/${org.databases.job}/j1`, {
      method: 'PUT',
      auth: wes,
      json: { ...(mine.body as object), assignee: 'wes' },
    });
    expect(take.status).toBe(403);
    // Once an owner assigns j1 to wes (through the proxy), the same write passes.
    const assign = await call(server, `/db/${org.databases.job}/j1`, {
      method: 'PUT',
      auth: alice,
      json: { ...(mine.body as object), assignee: 'wes' },
    });
    expect(assign.status).toBe(201);
    const again = await call(server, `/db/${org.databases.frame}/_bulk_docs`, {
      method: 'POST',
      auth: wes,
      json: { docs: [frameDoc('j1', 1)] },
    });
    expect(again.status).toBe(201);
  });

  it('applies the gate before proxying', async () => {
    const org = await makeOrg(server, alice, 'Gated');
    const db = org.databases.task;
    const carol = await userWithToken(server, 'carol');
    seenPaths.length = 0;
    expect((await call(server, `/db/${db}/_all_docs`, { auth: carol })).status).toBe(403);
    expect((await call(server, '/db/_all_dbs', { auth: carol })).status).toBe(403);
    expect((await call(server, `/db/${db}`, { method: 'PUT', auth: carol })).status).toBe(403);
    expect((await call(server, `/db/${db}`)).status).toBe(401);
    // Only the server's own record reads reached CouchDB, no request for the database.
    expect(seenPaths.filter((p) => !p.startsWith('/loupe_meta'))).toEqual([]);
    const session = await call(server, '/db/_session', { auth: carol });
    expect(session.body).toMatchObject({ userCtx: { name: 'carol', roles: [] } });
  });

  it('lets several instances share accounts, tokens and organizations through CouchDB', async () => {
    const second = await startTestServer({ couchdbUrl: server.config.couchdbUrl });
    try {
      // Registrations spread over both instances at once: none is lost to a concurrent update.
      const names = Array.from({ length: 12 }, (_, i) => `multi${i}`);
      const answers = await Promise.all(
        names.map((name, i) =>
          call(i % 2 ? second : server, '/api/auth/register', {
            method: 'POST',
            json: { username: name, password: 'multi-password' },
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(names.map(() => 201));
      const listed = (await second.services.users.list()).map((u) => u.name);
      expect(listed).toEqual(expect.arrayContaining(names));

      // A token from one instance works on the other, for the same workspace.
      const token = `Bearer ${(answers[0]?.body as { token: string }).token}`;
      const org = await makeOrg(server, token, 'Shared');
      const onSecond = await call(second, `/db/${org.databases.frame}/_all_docs`, { auth: token });
      expect(onSecond.status).toBe(200);
      // Logging out on one instance signs out on the other (after its short read cache).
      expect((await call(second, '/api/auth/logout', { method: 'POST', auth: token })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await call(server, '/api/auth/me', { auth: token })).status).toBe(401);
    } finally {
      await second.stop();
    }
  });

  it("narrows a worker's reads to their own job on every instance", async () => {
    const org = await makeOrg(server, alice, 'Scoped');
    await seed(server, org.databases, alice);
    await server.services.users.add('w1', 'w1-password');
    await addMember(server, org.id, 'w1', 'worker');
    const w1 = basic('w1', 'w1-password');
    const second = await startTestServer({ couchdbUrl: server.config.couchdbUrl });
    try {
      const frames = `/db/${org.databases.frame}`;
      type Feed = { results: { id: string; doc?: { _id: string } }[]; last_seq: string };
      const feed = async (on: TestServer, query: string) => {
        const res = await call(on, `${frames}/_changes?${query}`, { auth: w1 });
        expect(res.status, res.text).toBe(200);
        return res.body as Feed;
      };
      const first = await feed(server, 'include_docs=true&style=all_docs&limit=50');
      expect(first.results.map((r) => r.id)).toEqual(['j1:0']);
      expect(first.results[0]?.doc?._id).toBe('j1:0');
      expect(first.last_seq).toMatch(/^j[0-9a-f]{12}-/);
      // The other instance computes the same epoch, so the checkpoint holds there.
      const onSecond = await feed(second, `since=${encodeURIComponent(first.last_seq)}`);
      expect(onSecond.results).toEqual([]);
      expect(onSecond.last_seq.slice(0, 14)).toBe(first.last_seq.slice(0, 14));

      const keys = await call(second, `${frames}/_all_docs`, {
        method: 'POST',
        auth: w1,
        json: { keys: ['j1:0', 'j2:2'], include_docs: true },
      });
      expect((keys.body as { rows: { key: string; error?: string }[] }).rows.map((r) => r.error)).toEqual([
        undefined,
        'not_found',
      ]);
      const bulk = await call(server, `${frames}/_bulk_get`, {
        method: 'POST',
        auth: w1,
        json: { docs: [{ id: 'j2:2' }] },
      });
      expect(bulk.text).not.toContain('"ok"');
      expect((await call(second, `${frames}/j2:2`, { auth: w1 })).status).toBe(404);
      expect((await call(second, `${frames}/j1:0`, { auth: w1 })).status).toBe(200);

      // A long poll with nothing visible ends after its timeout, at the same epoch.
      const started = Date.now();
      const idle = await feed(
        second,
        `feed=longpoll&timeout=300&since=${encodeURIComponent(first.last_seq)}`,
      );
      expect(idle.results).toEqual([]);
      expect(Date.now() - started).toBeLessThan(10_000);
      // One held open on one instance wakes for an owner's write of the worker's frame on the other.
      const waiting = feed(
        server,
        `feed=longpoll&include_docs=true&since=${encodeURIComponent(idle.last_seq)}`,
      );
      await new Promise((r) => setTimeout(r, 200));
      const write = await call(second, `${frames}/_bulk_docs`, {
        method: 'POST',
        auth: alice,
        json: { docs: [frameDoc('j2', 3), frameDoc('j1', 1)] },
      });
      expect(write.status).toBe(201);
      expect((await waiting).results.map((r) => r.id)).toEqual(['j1:1']);

      // Assigning j3 changes the epoch: an older checkpoint reads from the start again.
      const j3 = (await call(server, `/db/${org.databases.job}/j3`, { auth: alice })).body as object;
      const put = await call(server, `/db/${org.databases.job}/j3`, {
        method: 'PUT',
        auth: alice,
        json: { ...j3, assignee: 'w1' },
      });
      expect(put.status).toBe(201);
      const reset = await feed(second, `since=${encodeURIComponent(first.last_seq)}`);
      expect(reset.results.map((r) => r.id)).toEqual(['j1:0', 'j1:1']);
      expect(reset.last_seq.slice(0, 14)).not.toBe(first.last_seq.slice(0, 14));
    } finally {
      await second.stop();
    }
  });

  it('counts failed sign-ins made on one instance on every other instance', async () => {
    const limits = { loginLimits: { windowMs: 6000, maxPerUser: 5, maxPerIp: 1000 } };
    const one = await startTestServer({ couchdbUrl: server.config.couchdbUrl, ...limits });
    const two = await startTestServer({ couchdbUrl: server.config.couchdbUrl, ...limits });
    try {
      await one.services.users.add('pat', 'pat-password');
      const login = (on: TestServer, password: string) =>
        call(on, '/api/auth/login', { method: 'POST', json: { username: 'pat', password } });
      // Four failures over both instances, then a success on one clears them for both.
      for (let i = 0; i < 4; i++) expect((await login(i % 2 ? two : one, 'bad-guess')).status).toBe(401);
      expect((await login(two, 'pat-password')).status).toBe(200);
      expect((await login(one, 'bad-guess')).status).toBe(401);
      expect((await login(one, 'pat-password')).status).toBe(200);

      // Five spread over both lock the name on both, even with the right password.
      for (const on of [one, two, two, one, two]) expect((await login(on, 'bad-guess')).status).toBe(401);
      const waits: number[] = [];
      for (const on of [one, two]) {
        const blocked = await login(on, 'pat-password');
        expect(blocked.status).toBe(429);
        expect(blocked.body).toMatchObject({ error: 'too_many_requests' });
        waits.push(Number(blocked.headers.get('retry-after')));
      }
      for (const wait of waits) expect(wait).toBeGreaterThan(0);
      for (const wait of waits) expect(wait).toBeLessThanOrEqual(6);
      // The counters are one document of loupe_meta, keyed by digests, not by names.
      const doc = await fetch(`${upstreamUrl}/loupe_meta/login-failures`, {
        headers: { authorization: basic('couchadmin', 's3cret:pw') },
      });
      const text = await doc.text();
      expect(text).not.toContain('pat');
      expect(Object.values((JSON.parse(text) as { data: { users: object } }).data.users)).toContainEqual({
        start: expect.any(Number),
        failures: 5,
      });

      // Once the window of the first failure has passed, the right password gets in again.
      await new Promise((r) => setTimeout(r, Math.max(...waits) * 1000 + 50));
      expect((await login(two, 'pat-password')).status).toBe(200);
      expect((await login(one, 'pat-password')).status).toBe(200);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  it('answers 502 with a clear message when CouchDB cannot be reached', async () => {
    const down = await startTestServer({ couchdbUrl: 'http://admin:pw@127.0.0.1:9' });
    try {
      for (const res of [
        await call(down, '/db/', { auth: basic('zoe', 'zoe-password') }),
        await call(down, '/api/auth/login', {
          method: 'POST',
          json: { username: 'zoe', password: 'zoe-password' },
        }),
      ]) {
        expect(res.status).toBe(502);
        expect(res.body).toMatchObject({
          error: 'bad_gateway',
          reason: expect.stringContaining('could not be reached'),
        });
        expect(res.text).not.toContain(':pw@');
        expectIsolationHeaders(res.headers);
      }
    } finally {
      await down.stop();
    }
  });
});
