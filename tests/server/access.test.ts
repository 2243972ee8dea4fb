import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDbRequest, COLLECTIONS, parseWorkspaceDb } from '../../sync-server/access';
import {
  addMember,
  call,
  makeOrg,
  startTestServer,
  uniqueDb,
  userWithToken,
  type TestServer,
} from './helpers';

const ORG = '01jd8x0000000000000000000a';

describe('workspace databases through the gate', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await userWithToken(server, 'alice');
    bob = await userWithToken(server, 'bob');
    admin = await userWithToken(server, 'root', 'admin-password', true);
  });
  afterAll(() => server.stop());

  it('creates one database per collection with the organization, and the owner reads and writes them', async () => {
    const org = await makeOrg(server, alice, 'Acme');
    expect(Object.keys(org.databases).sort()).toEqual([...COLLECTIONS].sort());
    for (const collection of COLLECTIONS) {
      expect(org.databases[collection]).toBe(`ws_${org.id}__${collection}`);
      expect(await server.services.backend.exists(org.databases[collection])).toBe(true);
      const info = await call(server, `/db/${org.databases[collection]}`, { auth: alice });
      expect(info.status, collection).toBe(200);
    }
    const put = await call(server, `/db/${org.databases.frame}/j1:0`, {
      method: 'PUT',
      auth: alice,
      json: { job_id: 'j1', frame: 0, objects: {}, removed: {}, updated_date: 'x' },
    });
    expect(put.status).toBe(201);
    const read = await call(server, `/db/${org.databases.frame}/j1:0`, { auth: alice });
    expect(read.body).toMatchObject({ _id: 'j1:0', job_id: 'j1' });
    // PUT of an existing database is the store's own 412, and changes nothing.
    expect((await call(server, `/db/${org.databases.frame}`, { method: 'PUT', auth: alice })).status).toBe(
      412,
    );
  });

  it('refuses non-members with 403 and lets them in once they are members', async () => {
    const org = await makeOrg(server, alice, 'Private');
    const path = `/db/${org.databases.task}/_all_docs`;
    const refused = await call(server, path, { auth: bob });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: 'forbidden',
      reason: expect.stringContaining('not a member'),
    });
    await addMember(server, org.id, 'bob', 'worker');
    expect((await call(server, path, { auth: bob })).status).toBe(200);
  });

  it('answers 404 for a workspace that does not exist', async () => {
    const res = await call(server, `/db/${uniqueDb()}/_all_docs`, { auth: alice });
    expect(res.status).toBe(404);
  });

  it('keeps server-level endpoints and other databases to administrators', async () => {
    for (const path of ['/db/_all_dbs', '/db/_config', '/db/_users', '/db/_replicator', '/db/otherdb']) {
      expect((await call(server, path, { auth: alice })).status, path).toBe(403);
    }
    const all = await call(server, '/db/_all_dbs', { auth: admin });
    expect(all.status).toBe(200);
    expect(Array.isArray(all.body)).toBe(true);
  });

  it('answers the root and GET _session for any signed-in user', async () => {
    const root = await call(server, '/db/', { auth: alice });
    expect(root.status).toBe(200);
    const session = await call(server, '/db/_session', { auth: alice });
    expect(session.body).toMatchObject({ ok: true, userCtx: { name: 'alice', roles: [] } });
    const adminSession = await call(server, '/db/_session', { auth: admin });
    expect(adminSession.body).toMatchObject({ userCtx: { name: 'root', roles: ['_admin'] } });
  });

  it('refuses documents that are not JSON (multipart attachments) with 415', async () => {
    const org = await makeOrg(server, alice, 'Media');
    const res = await call(server, `/db/${org.databases.frame}/j1:0`, {
      method: 'PUT',
      auth: alice,
      body: 'not json',
      headers: { 'content-type': 'multipart/related; boundary=x' },
    });
    expect(res.status).toBe(415);
  });
});

describe('classifyDbRequest', () => {
  const user = { name: 'u', admin: false };
  const admin = { name: 'a', admin: true };
  const frame = `ws_${ORG}__frame`;
  const db = parseWorkspaceDb(frame);

  it('parses workspace database names strictly', () => {
    expect(db).toEqual({ name: frame, org: ORG, collection: 'frame' });
    expect(parseWorkspaceDb(`ws_${ORG}__frames`)).toBeUndefined();
    expect(parseWorkspaceDb(`ws_${ORG.toUpperCase()}__frame`)).toBeUndefined();
    expect(parseWorkspaceDb(`ws_${ORG}`)).toBeUndefined();
    expect(parseWorkspaceDb(`xws_${ORG}__frame`)).toBeUndefined();
  });

  it('classifies reads, checked writes, local documents and closed endpoints', () => {
    expect(classifyDbRequest(user, 'GET', '/')).toEqual({ kind: 'allow' });
    expect(classifyDbRequest(user, 'POST', '/')).toMatchObject({ kind: 'deny', status: 403 });
    expect(classifyDbRequest(user, 'GET', '/_session')).toEqual({ kind: 'session' });
    expect(classifyDbRequest(user, 'POST', '/_session')).toMatchObject({ kind: 'deny', status: 403 });
    expect(classifyDbRequest(user, 'GET', '/_all_dbs')).toMatchObject({ kind: 'deny', status: 403 });
    expect(classifyDbRequest(admin, 'GET', '/_all_dbs')).toEqual({ kind: 'allow' });
    expect(classifyDbRequest(user, 'GET', `/${frame}/_changes`)).toEqual({
      kind: 'member',
      db,
      read: { docId: '_changes', tail: [] },
    });
    expect(classifyDbRequest(user, 'POST', `/${frame}/_revs_diff`)).toEqual({
      kind: 'member',
      db,
      read: { docId: '_revs_diff', tail: [] },
    });
    expect(classifyDbRequest(user, 'GET', `/${frame}/j1:0/note.txt`)).toEqual({
      kind: 'member',
      db,
      read: { docId: 'j1:0', tail: ['note.txt'] },
    });
    expect(classifyDbRequest(user, 'GET', `/${frame}`)).toEqual({ kind: 'member', db, read: { tail: [] } });
    expect(classifyDbRequest(user, 'POST', `/${frame}/_bulk_docs`)).toEqual({
      kind: 'write',
      db,
      op: 'bulk',
    });
    expect(classifyDbRequest(user, 'PUT', `/${frame}/j1:0`)).toEqual({
      kind: 'write',
      db,
      op: 'put',
      docId: 'j1:0',
    });
    expect(classifyDbRequest(user, 'DELETE', `/${frame}/j1:0`)).toMatchObject({
      kind: 'write',
      op: 'delete',
    });
    expect(classifyDbRequest(user, 'PUT', `/${frame}/_local/checkpoint`)).toEqual({ kind: 'member', db });
    expect(classifyDbRequest(user, 'PUT', `/${frame}/_design/x`)).toMatchObject({ kind: 'deny' });
    expect(classifyDbRequest(user, 'PUT', `/${frame}/_design%2Fx`)).toMatchObject({ kind: 'deny' });
    expect(classifyDbRequest(user, 'GET', `/${frame}/_design/x/_view/v`)).toMatchObject({ kind: 'deny' });
    expect(classifyDbRequest(user, 'PUT', `/${frame}/doc/att.bin`)).toMatchObject({ kind: 'deny' });
    expect(classifyDbRequest(user, 'PUT', `/${frame}/_security`)).toMatchObject({ kind: 'deny' });
    expect(classifyDbRequest(user, 'DELETE', `/${frame}`)).toMatchObject({ kind: 'deny' });
    expect(classifyDbRequest(user, 'COPY', `/${frame}/doc`)).toMatchObject({ kind: 'deny' });
    expect(classifyDbRequest(user, 'GET', `/${frame}%2F..`)).toMatchObject({ kind: 'deny', status: 403 });
    expect(classifyDbRequest(user, 'GET', `/${frame}/%E0%A4%A`)).toMatchObject({ kind: 'deny', status: 400 });
    expect(classifyDbRequest(user, 'GET', `/${frame}/../_users`)).toMatchObject({
      kind: 'deny',
      status: 400,
    });
  });
});
