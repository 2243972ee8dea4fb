import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore, TOKEN_LIFETIME_MS } from '../../sync-server/tokens';
import { basic, bearer, call, startTestServer, type TestServer } from './helpers';

const PASSWORD = 'plaintext-Secret-4711';

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('authentication', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    await server.services.users.add('alice', PASSWORD);
  });
  afterAll(() => server.stop());

  it('refuses /db and /api without credentials with a 401 JSON explanation', async () => {
    for (const path of ['/db/', '/db/ws_abc', '/db/_all_dbs', '/api/auth/me', '/api/anything']) {
      const res = await call(server, path);
      expect(res.status, path).toBe(401);
      expect(res.body, path).toMatchObject({
        error: 'unauthorized',
        reason: expect.stringContaining('Sign in'),
      });
    }
    const bad = await call(server, '/db/', { auth: bearer('not-a-real-token') });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ reason: expect.stringContaining('invalid or has expired') });
  });

  it('rejects a wrong password and an unknown user with 401', async () => {
    const wrong = await call(server, '/api/auth/login', {
      method: 'POST',
      json: { username: 'alice', password: 'nope-nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'unauthorized', reason: 'Invalid username or password.' });
    const unknown = await call(server, '/api/auth/login', {
      method: 'POST',
      json: { username: 'mallory', password: PASSWORD },
    });
    expect(unknown.status).toBe(401);
    const basicWrong = await call(server, '/db/', { auth: basic('alice', 'wrong-password') });
    expect(basicWrong.status).toBe(401);
  });

  it('rejects a malformed login body with 400', async () => {
    const res = await call(server, '/api/auth/login', { method: 'POST', json: { username: 'alice' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_request' });
  });

  it('logs in, answers /me, and revokes the token on logout', async () => {
    const login = await call(server, '/api/auth/login', {
      method: 'POST',
      json: { username: 'Alice', password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const body = login.body as { token: string; expiresAt: string; user: { name: string; admin: boolean } };
    expect(body.user).toEqual({ name: 'alice', admin: false });
    expect(Buffer.from(body.token, 'base64url')).toHaveLength(32);
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const me = await call(server, '/api/auth/me', { auth: bearer(body.token) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { name: 'alice', admin: false }, orgs: [] });

    const logout = await call(server, '/api/auth/logout', { method: 'POST', auth: bearer(body.token) });
    expect(logout.status).toBe(200);
    const after = await call(server, '/api/auth/me', { auth: bearer(body.token) });
    expect(after.status).toBe(401);
  });

  it('accepts HTTP Basic credentials', async () => {
    const res = await call(server, '/api/auth/me', { auth: basic('alice', PASSWORD) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { name: 'alice' } });
    // Served from the credential cache the second time; still correct.
    expect((await call(server, '/db/', { auth: basic('alice', PASSWORD) })).status).toBe(200);
  });

  it('stores scrypt hashes and hashed tokens, never the password or token itself', async () => {
    const login = await call(server, '/api/auth/login', {
      method: 'POST',
      json: { username: 'alice', password: PASSWORD },
    });
    const { token } = login.body as { token: string };

    const usersFile = JSON.parse(
      await readFile(join(server.dirs.dataDir, 'loupe', 'users.json'), 'utf8'),
    ) as {
      users: Record<string, { password: Record<string, unknown> }>;
    };
    const stored = usersFile.users.alice?.password;
    expect(stored).toMatchObject({ algorithm: 'scrypt', N: 16384, r: 8, p: 1, keyLength: 64 });
    expect(Buffer.from(String(stored?.salt), 'base64')).toHaveLength(16);

    for (const file of await allFiles(server.dirs.dataDir)) {
      const bytes = await readFile(file);
      expect(bytes.includes(PASSWORD), file).toBe(false);
      expect(bytes.includes(token), file).toBe(false);
    }
  });

  it('expires tokens after 30 days', async () => {
    const tokens = new TokenStore(server.dirs.dataDir);
    const issuedAt = Date.now();
    const { token } = await tokens.issue('alice', issuedAt);
    expect(await tokens.resolve(token, issuedAt + TOKEN_LIFETIME_MS - 1000)).toBe('alice');
    expect(await tokens.resolve(token, issuedAt + TOKEN_LIFETIME_MS + 1)).toBeUndefined();
  });

  it('sees accounts added by another process-level store (the CLI) without a restart', async () => {
    const { UserStore } = await import('../../sync-server/users');
    await new UserStore(server.dirs.dataDir).add('bob', 'another-password');
    const res = await call(server, '/api/auth/login', {
      method: 'POST',
      json: { username: 'bob', password: 'another-password' },
    });
    expect(res.status).toBe(200);
  });
});

describe('bootstrap admin', () => {
  it('creates the admin account on start only when there are no accounts', async () => {
    const server = await startTestServer({
      bootstrapAdmin: { username: 'root', password: 'bootstrap-pass' },
    });
    try {
      expect(await server.services.users.list()).toEqual([{ name: 'root', admin: true }]);
      const res = await call(server, '/db/_all_dbs', { auth: basic('root', 'bootstrap-pass') });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
    // A restart with different bootstrap credentials leaves the existing accounts alone.
    const { startServer } = await import('../../sync-server/app');
    const again = await startServer({
      ...server.config,
      bootstrapAdmin: { username: 'other', password: 'other-password' },
    });
    try {
      expect((await again.services.users.list()).map((u) => u.name)).toEqual(['root']);
    } finally {
      await again.close();
      await server.dirs.cleanup();
    }
  });
});
