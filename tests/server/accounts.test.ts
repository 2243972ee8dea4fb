import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OrgSummary } from '../../sync-server/orgs';
import { bearer, call, makeOrg, startTestServer, type TestServer } from './helpers';

async function register(server: TestServer, username: string, password = 'long-enough-pw') {
  return call(server, '/api/auth/register', { method: 'POST', json: { username, password } });
}

async function tokenOf(server: TestServer, username: string, password = 'long-enough-pw'): Promise<string> {
  const res = await register(server, username, password);
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.text}`);
  return bearer((res.body as { token: string }).token);
}

describe('accounts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());
  afterEach(() => vi.restoreAllMocks());

  it('makes the first registered account the administrator, and only the first', async () => {
    const first = await register(server, 'Ada');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ user: { name: 'ada', admin: true }, token: expect.any(String) });
    const second = await register(server, 'bea');
    expect(second.body).toMatchObject({ user: { name: 'bea', admin: false } });
    const again = await register(server, 'bea');
    expect(again.status).toBe(409);
    expect((await register(server, 'Bad Name!')).status).toBe(400);
    expect((await register(server, 'shorty', 'short')).status).toBe(400);
    const me = await call(server, '/api/auth/me', { auth: bearer((second.body as { token: string }).token) });
    expect(me.body).toEqual({ user: { name: 'bea', admin: false }, orgs: [] });
  });

  it('changes a password: the old password and every old token stop working', async () => {
    const old = await tokenOf(server, 'carl', 'carl-old-password');
    const other = await call(server, '/api/auth/login', {
      method: 'POST',
      json: { username: 'carl', password: 'carl-old-password' },
    });
    const otherToken = bearer((other.body as { token: string }).token);
    const wrong = await call(server, '/api/auth/password', {
      method: 'POST',
      auth: old,
      json: { currentPassword: 'not-it-at-all', newPassword: 'carl-new-password' },
    });
    expect(wrong.status).toBe(401);
    const changed = await call(server, '/api/auth/password', {
      method: 'POST',
      auth: old,
      json: { currentPassword: 'carl-old-password', newPassword: 'carl-new-password' },
    });
    expect(changed.status).toBe(200);
    const fresh = bearer((changed.body as { token: string }).token);
    expect((await call(server, '/api/auth/me', { auth: old })).status).toBe(401);
    expect((await call(server, '/api/auth/me', { auth: otherToken })).status).toBe(401);
    expect((await call(server, '/api/auth/me', { auth: fresh })).status).toBe(200);
    const login = (password: string) =>
      call(server, '/api/auth/login', { method: 'POST', json: { username: 'carl', password } });
    expect((await login('carl-old-password')).status).toBe(401);
    expect((await login('carl-new-password')).status).toBe(200);
  });

  it('resets a forgotten password with a one-time token from the server log', async () => {
    const before = await tokenOf(server, 'dora', 'dora-password');
    const log = vi.spyOn(console, 'log');
    const unknown = await call(server, '/api/auth/reset/request', {
      method: 'POST',
      json: { username: 'nobody' },
    });
    expect(unknown.status).toBe(202);
    expect(log).not.toHaveBeenCalled();
    const requested = await call(server, '/api/auth/reset/request', {
      method: 'POST',
      json: { username: 'dora' },
    });
    expect(requested.status).toBe(202);
    const line = log.mock.calls.map((c) => String(c[0])).find((l) => l.includes('password reset for "dora"'));
    const token = /token (\S+)/.exec(line ?? '')?.[1] ?? '';
    expect(token).not.toBe('');

    const tooShort = await call(server, '/api/auth/reset', {
      method: 'POST',
      json: { token, newPassword: 'x' },
    });
    expect(tooShort.status).toBe(400);
    const reset = await call(server, '/api/auth/reset', {
      method: 'POST',
      json: { token, newPassword: 'dora-new-password' },
    });
    expect(reset.status).toBe(200);
    expect((await call(server, '/api/auth/me', { auth: before })).status).toBe(401);
    const reused = await call(server, '/api/auth/reset', {
      method: 'POST',
      json: { token, newPassword: 'dora-third-password' },
    });
    expect(reused.status).toBe(400);
    const login = await call(server, '/api/auth/login', {
      method: 'POST',
      json: { username: 'dora', password: 'dora-new-password' },
    });
    expect(login.status).toBe(200);

    // Reset requests are limited per account (they write to the log).
    const again = () =>
      call(server, '/api/auth/reset/request', { method: 'POST', json: { username: 'dora' } });
    expect((await again()).status).toBe(202);
    expect((await again()).status).toBe(202);
    expect((await again()).status).toBe(429);
  });
});

describe('registration modes', () => {
  it('takes registrations only with a valid invitation in invite mode, and none in closed mode', async () => {
    const server = await startTestServer({ registration: 'invite' });
    try {
      // The first account is always possible, so the server can be set up.
      const owner = await tokenOf(server, 'first');
      const org = await makeOrg(server, owner, 'Invite only');
      const refused = await register(server, 'stranger');
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'registration_closed' });
      const forged = await call(server, '/api/auth/register', {
        method: 'POST',
        json: { username: 'stranger', password: 'long-enough-pw', invitation: 'made-up' },
      });
      expect(forged.status).toBe(404);
      const invited = await call(server, `/api/orgs/${org.id}/invitations`, {
        method: 'POST',
        auth: owner,
        json: { role: 'worker', username: 'newbie' },
      });
      const invitation = (invited.body as { token: string }).token;
      const wrongName = await call(server, '/api/auth/register', {
        method: 'POST',
        json: { username: 'stranger', password: 'long-enough-pw', invitation },
      });
      expect(wrongName.status).toBe(403);
      const ok = await call(server, '/api/auth/register', {
        method: 'POST',
        json: { username: 'newbie', password: 'long-enough-pw', invitation },
      });
      expect(ok.status).toBe(201);
      expect((await server.services.users.list()).map((u) => u.name)).toEqual(['first', 'newbie']);
    } finally {
      await server.stop();
    }

    const closed = await startTestServer({ registration: 'closed' });
    try {
      expect((await register(closed, 'first')).status).toBe(201);
      expect((await register(closed, 'second')).status).toBe(403);
    } finally {
      await closed.stop();
    }
  });
});

describe('login limit per address', () => {
  it('answers 429 to a new name once one address has failed too often', async () => {
    const server = await startTestServer({ loginLimits: { windowMs: 60_000, maxPerUser: 100, maxPerIp: 3 } });
    try {
      await server.services.users.add('erin', 'erin-password');
      for (const name of ['x1', 'x2', 'x3']) {
        const res = await call(server, '/api/auth/login', {
          method: 'POST',
          json: { username: name, password: 'guess-guess' },
        });
        expect(res.status).toBe(401);
      }
      const blocked = await call(server, '/api/auth/login', {
        method: 'POST',
        json: { username: 'erin', password: 'erin-password' },
      });
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await server.stop();
    }
  });
});

describe('organizations and invitations', () => {
  let server: TestServer;
  const auth: Record<string, string> = {};
  let org: OrgSummary;
  const as = (name: string) => auth[name] as string;

  beforeAll(async () => {
    server = await startTestServer();
    for (const name of ['owen', 'mara', 'will', 'vic', 'zed']) auth[name] = await tokenOf(server, name);
    org = await makeOrg(server, as('owen'), 'Field team');
  });
  afterAll(() => server.stop());

  const invite = async (role: string, extra: Record<string, unknown> = {}, who = 'owen') => {
    const res = await call(server, `/api/orgs/${org.id}/invitations`, {
      method: 'POST',
      auth: as(who),
      json: { role, ...extra },
    });
    return res;
  };
  const tokenOfInvite = (res: { body: unknown }) => (res.body as { token: string }).token;

  it('lists, shows and renames an organization', async () => {
    expect(org).toMatchObject({ name: 'Field team', role: 'owner' });
    const mine = await call(server, '/api/orgs', { auth: as('owen') });
    expect(mine.body).toEqual({ orgs: [org] });
    const renamed = await call(server, `/api/orgs/${org.id}`, {
      method: 'PATCH',
      auth: as('owen'),
      json: { name: 'Field crew' },
    });
    expect(renamed.body).toMatchObject({ org: { name: 'Field crew' } });
    const details = await call(server, `/api/orgs/${org.id}`, { auth: as('owen') });
    expect(details.body).toMatchObject({ members: [{ username: 'owen', role: 'owner' }] });
    expect((await call(server, '/api/orgs', { auth: as('zed') })).body).toEqual({ orgs: [] });
  });

  it('invites by link: look up, accept, and the invitation is used up', async () => {
    const created = await invite('maintainer');
    expect(created.status).toBe(201);
    const token = tokenOfInvite(created);
    expect(created.body).toMatchObject({ link: `/invite/${token}`, invitation: { role: 'maintainer' } });
    const listed = await call(server, `/api/orgs/${org.id}/invitations`, { auth: as('owen') });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect((listed.body as { invitations: unknown[] }).invitations).toHaveLength(1);

    const look = await call(server, `/api/invitations/${token}`, { auth: as('mara') });
    expect(look.body).toMatchObject({
      org: { id: org.id, name: 'Field crew' },
      invitation: { role: 'maintainer' },
    });
    const accepted = await call(server, `/api/invitations/${token}/accept`, {
      method: 'POST',
      auth: as('mara'),
    });
    expect(accepted.body).toMatchObject({ org: { id: org.id, role: 'maintainer' } });
    const me = await call(server, '/api/auth/me', { auth: as('mara') });
    expect(me.body).toMatchObject({ orgs: [{ id: org.id, role: 'maintainer', databases: org.databases }] });
    // The member now reads the workspace databases.
    expect((await call(server, `/db/${org.databases.project}/_all_docs`, { auth: as('mara') })).status).toBe(
      200,
    );
    expect(
      (await call(server, `/api/invitations/${token}/accept`, { method: 'POST', auth: as('zed') })).status,
    ).toBe(404);
  });

  it('keeps an invitation for a named account to that account, and declines use it up', async () => {
    const token = tokenOfInvite(await invite('worker', { username: 'will' }, 'mara'));
    expect(
      (await call(server, `/api/invitations/${token}/accept`, { method: 'POST', auth: as('zed') })).status,
    ).toBe(403);
    const declined = await call(server, `/api/invitations/${token}/decline`, {
      method: 'POST',
      auth: as('will'),
    });
    expect(declined.body).toEqual({ ok: true });
    expect((await call(server, `/api/invitations/${token}`, { auth: as('will') })).status).toBe(404);
    expect(await server.services.orgs.roleOf(org.id, 'will')).toBeUndefined();
  });

  it('expires invitations (410) and lets owners and maintainers withdraw them', async () => {
    const old = await server.services.orgs.invite(
      org.id,
      'owen',
      { role: 'worker', days: 1 },
      Date.now() - 2 * 86_400_000,
    );
    const expired = await call(server, `/api/invitations/${old.token}/accept`, {
      method: 'POST',
      auth: as('vic'),
    });
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ error: 'expired' });

    const created = await invite('supervisor');
    const { invitation } = created.body as { invitation: { id: string } };
    const withdrawn = await call(server, `/api/orgs/${org.id}/invitations/${invitation.id}`, {
      method: 'DELETE',
      auth: as('mara'),
    });
    expect(withdrawn.status).toBe(200);
    const late = await call(server, `/api/invitations/${tokenOfInvite(created)}/accept`, {
      method: 'POST',
      auth: as('vic'),
    });
    expect(late.status).toBe(404);
  });

  it('sets roles, removes members, lets members leave, and always keeps an owner', async () => {
    await call(server, `/api/invitations/${tokenOfInvite(await invite('worker'))}/accept`, {
      method: 'POST',
      auth: as('will'),
    });
    await call(server, `/api/invitations/${tokenOfInvite(await invite('worker'))}/accept`, {
      method: 'POST',
      auth: as('vic'),
    });
    const promote = await call(server, `/api/orgs/${org.id}/members/will`, {
      method: 'PUT',
      auth: as('mara'),
      json: { role: 'supervisor' },
    });
    expect(promote.body).toMatchObject({
      members: expect.arrayContaining([{ username: 'will', role: 'supervisor' }]),
    });
    const byWorker = await call(server, `/api/orgs/${org.id}/members/vic`, {
      method: 'DELETE',
      auth: as('will'),
    });
    expect(byWorker.status).toBe(403);
    const removed = await call(server, `/api/orgs/${org.id}/members/vic`, {
      method: 'DELETE',
      auth: as('mara'),
    });
    expect(removed.status).toBe(200);
    expect((await call(server, `/db/${org.databases.frame}/_changes`, { auth: as('vic') })).status).toBe(403);

    const lastOwner = await call(server, `/api/orgs/${org.id}/leave`, { method: 'POST', auth: as('owen') });
    expect(lastOwner.status).toBe(409);
    const left = await call(server, `/api/orgs/${org.id}/leave`, { method: 'POST', auth: as('will') });
    expect(left.status).toBe(200);
    expect(await server.services.orgs.roleOf(org.id, 'will')).toBeUndefined();
  });

  it('deletes an organization with its databases, by an owner only', async () => {
    const doomed = await makeOrg(server, as('zed'), 'Doomed');
    const bytes = new TextEncoder().encode('doomed media');
    const hash = createHash('sha256').update(bytes).digest('hex');
    const blob = `/api/workspaces/${doomed.id}/blobs/${hash}`;
    expect((await call(server, blob, { method: 'PUT', auth: as('zed'), body: bytes })).status).toBe(201);
    expect(
      (await call(server, `/api/orgs/${doomed.id}`, { method: 'DELETE', auth: as('owen') })).status,
    ).toBe(403);
    const deleted = await call(server, `/api/orgs/${doomed.id}`, { method: 'DELETE', auth: as('zed') });
    expect(deleted.status).toBe(200);
    expect(await server.services.backend.exists(doomed.databases.frame)).toBe(false);
    expect((await call(server, `/db/${doomed.databases.frame}`, { auth: as('zed') })).status).toBe(404);
    expect(await server.services.blobs.stat(doomed.id, hash)).toBeUndefined();
  });
});
