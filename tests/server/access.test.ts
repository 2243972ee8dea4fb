import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDbRequest } from '../../sync-server/access';
import { call, startTestServer, uniqueDb, userWithToken, type TestServer } from './helpers';

describe('database access', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let carol: string;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await userWithToken(server, 'alice');
    bob = await userWithToken(server, 'bob');
    carol = await userWithToken(server, 'carol');
    admin = await userWithToken(server, 'root', 'admin-password', true);
  });
  afterAll(() => server.stop());

  it('makes the creator of a new workspace database its owner', async () => {
    const db = uniqueDb();
    const created = await call(server, `/db/${db}`, { method: 'PUT', auth: alice });
    expect(created.status).toBe(201);
    expect(await server.services.access.roleOf(db, 'alice')).toBe('owner');
    const me = await call(server, '/api/auth/me', { auth: alice });
    expect(me.body).toMatchObject({ databases: [{ db, role: 'owner' }] });

    const doc = await call(server, `/db/${db}/doc1`, { method: 'PUT', auth: alice, json: { label: 'cat' } });
    expect(doc.status).toBe(201);
    const read = await call(server, `/db/${db}/doc1`, { auth: alice });
    expect(read.body).toMatchObject({ _id: 'doc1', label: 'cat' });

    // Creating it again is the store's own 412, and does not change ownership.
    const again = await call(server, `/db/${db}`, { method: 'PUT', auth: alice });
    expect(again.status).toBe(412);
  });

  it('forbids non-members (403) and allows members after addMember', async () => {
    const db = uniqueDb();
    expect((await call(server, `/db/${db}`, { method: 'PUT', auth: alice })).status).toBe(201);
    await call(server, `/db/${db}/doc1`, { method: 'PUT', auth: alice, json: { n: 1 } });

    for (const [method, path] of [
      ['GET', `/db/${db}`],
      ['GET', `/db/${db}/doc1`],
      ['GET', `/db/${db}/_changes`],
      ['POST', `/db/${db}/_bulk_docs`],
      ['PUT', `/db/${db}`],
      ['DELETE', `/db/${db}`],
    ] as const) {
      const res = await call(server, path, {
        method,
        auth: bob,
        json: method === 'POST' ? { docs: [] } : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      const reason = method === 'DELETE' ? 'Only an owner' : 'not a member';
      expect(res.body, `${method} ${path}`).toMatchObject({
        error: 'forbidden',
        reason: expect.stringContaining(reason),
      });
    }

    await server.services.access.addMember(db, 'bob', 'worker');
    const read = await call(server, `/db/${db}/doc1`, { auth: bob });
    expect(read.status).toBe(200);
    const write = await call(server, `/db/${db}/_bulk_docs`, {
      method: 'POST',
      auth: bob,
      json: { docs: [{ _id: 'b1' }] },
    });
    expect(write.status).toBe(201);
    // Still not for carol.
    expect((await call(server, `/db/${db}/doc1`, { auth: carol })).status).toBe(403);
  });

  it('does not let a second user take over an existing database name', async () => {
    const db = uniqueDb();
    expect((await call(server, `/db/${db}`, { method: 'PUT', auth: alice })).status).toBe(201);
    const res = await call(server, `/db/${db}`, { method: 'PUT', auth: bob });
    expect(res.status).toBe(403);
    expect(await server.services.access.roleOf(db, 'bob')).toBeUndefined();
  });

  it('does not let a user claim a database that an admin created', async () => {
    const db = uniqueDb();
    expect((await call(server, `/db/${db}`, { method: 'PUT', auth: admin })).status).toBe(201);
    expect((await call(server, `/db/${db}`, { method: 'PUT', auth: bob })).status).toBe(403);
    expect(await server.services.access.members(db)).toEqual([]);
  });

  it('keeps design docs and _security to owners and maintainers', async () => {
    const db = uniqueDb();
    await call(server, `/db/${db}`, { method: 'PUT', auth: alice });
    await server.services.access.addMember(db, 'bob', 'worker');
    const ddoc = { views: { all: { map: 'function (doc) { emit(doc._id); }' } } };
    const byWorker = await call(server, `/db/${db}/_design/x`, { method: 'PUT', auth: bob, json: ddoc });
    expect(byWorker.status).toBe(403);
    expect(byWorker.body).toMatchObject({ reason: expect.stringContaining('owner or maintainer') });
    const byOwner = await call(server, `/db/${db}/_design/x`, { method: 'PUT', auth: alice, json: ddoc });
    expect(byOwner.status).toBe(201);
    // Reading design docs is fine for any member.
    expect((await call(server, `/db/${db}/_design/x`, { auth: bob })).status).toBe(200);
  });

  it('lets only owners or admins delete a database, and frees the name', async () => {
    const db = uniqueDb();
    await call(server, `/db/${db}`, { method: 'PUT', auth: alice });
    await server.services.access.addMember(db, 'bob', 'maintainer');
    expect((await call(server, `/db/${db}`, { method: 'DELETE', auth: bob })).status).toBe(403);
    expect((await call(server, `/db/${db}`, { method: 'DELETE', auth: alice })).status).toBe(200);
    expect(await server.services.access.members(db)).toEqual([]);
    // The name is free again; carol may create it and becomes its owner.
    expect((await call(server, `/db/${db}`, { method: 'PUT', auth: carol })).status).toBe(201);
    expect(await server.services.access.roleOf(db, 'carol')).toBe('owner');
    expect(await server.services.access.roleOf(db, 'alice')).toBeUndefined();
  });

  it('keeps server-level endpoints and non-workspace names to admins', async () => {
    for (const path of [
      '/db/_all_dbs',
      '/db/_config',
      '/db/_users',
      '/db/_replicate',
      '/db/_active_tasks',
      '/db/otherdb',
    ]) {
      const res = await call(server, path, { auth: alice });
      expect(res.status, path).toBe(403);
    }
    expect((await call(server, '/db/notws', { method: 'PUT', auth: alice })).status).toBe(403);
    const all = await call(server, '/db/_all_dbs', { auth: admin });
    expect(all.status).toBe(200);
    expect(Array.isArray(all.body)).toBe(true);
  });

  it('answers the root and _session for any signed-in user', async () => {
    const root = await call(server, '/db/', { auth: alice });
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ 'express-pouchdb': 'Welcome!' });
    const session = await call(server, '/db/_session', { auth: alice });
    expect(session.body).toMatchObject({ ok: true, userCtx: { name: 'alice', roles: [] } });
    const adminSession = await call(server, '/db/_session', { auth: admin });
    expect(adminSession.body).toMatchObject({ userCtx: { name: 'root', roles: ['_admin'] } });
  });

  it('refuses paths with relative or empty segments', async () => {
    const db = uniqueDb();
    await call(server, `/db/${db}`, { method: 'PUT', auth: alice });
    // fetch() normalises dot segments, even encoded ones, so send the raw path.
    expect(await rawGet(server.url, `/db/${db}/%2e%2e/_all_dbs`, alice)).toBe(400);
    expect(await rawGet(server.url, `/db/${db}/../_all_dbs`, alice)).toBe(400);
    expect([400, 403]).toContain(await rawGet(server.url, `/db//_all_dbs`, alice));
  });
});

describe('classifyDbRequest', () => {
  const user = { name: 'u', admin: false };
  const admin = { name: 'a', admin: true };

  it('classifies requests by path and method', () => {
    expect(classifyDbRequest(user, 'GET', '/')).toEqual({ kind: 'allow' });
    expect(classifyDbRequest(user, 'POST', '/')).toMatchObject({ kind: 'deny', status: 403 });
    expect(classifyDbRequest(user, 'GET', '/_session')).toEqual({ kind: 'session' });
    expect(classifyDbRequest(user, 'GET', '/_all_dbs')).toMatchObject({ kind: 'deny', status: 403 });
    expect(classifyDbRequest(admin, 'GET', '/_all_dbs')).toEqual({ kind: 'allow' });
    expect(classifyDbRequest(user, 'PUT', '/ws_01abc')).toEqual({ kind: 'create', db: 'ws_01abc' });
    expect(classifyDbRequest(user, 'PUT', '/ws_01abc/')).toEqual({ kind: 'create', db: 'ws_01abc' });
    expect(classifyDbRequest(user, 'DELETE', '/ws_01abc')).toEqual({ kind: 'delete', db: 'ws_01abc' });
    expect(classifyDbRequest(admin, 'DELETE', '/ws_01abc')).toEqual({ kind: 'delete', db: 'ws_01abc' });
    expect(classifyDbRequest(user, 'PUT', '/ws_01abc/doc')).toEqual({
      kind: 'member',
      db: 'ws_01abc',
      need: 'any',
    });
    expect(classifyDbRequest(user, 'PUT', '/ws_01abc/_local/checkpoint')).toMatchObject({ need: 'any' });
    expect(classifyDbRequest(user, 'PUT', '/ws_01abc/_security')).toMatchObject({
      need: ['owner', 'maintainer'],
    });
    expect(classifyDbRequest(user, 'GET', '/WS_01ABC')).toMatchObject({ kind: 'deny', status: 403 });
    expect(classifyDbRequest(user, 'GET', '/ws_01abc%2F..')).toMatchObject({ kind: 'deny', status: 403 });
    expect(classifyDbRequest(user, 'GET', '/ws_01abc/%E0%A4%A')).toMatchObject({ kind: 'deny', status: 400 });
  });
});

function rawGet(base: string, path: string, auth: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, headers: { authorization: auth } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
