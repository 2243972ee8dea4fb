import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  expectIsolationHeaders,
  INDEX_HTML,
  startTestServer,
  userWithToken,
  type TestServer,
} from './helpers';

describe('static app and headers', () => {
  let server: TestServer;
  let auth: string;

  beforeAll(async () => {
    server = await startTestServer();
    auth = await userWithToken(server, 'alice');
  });
  afterAll(() => server.stop());

  it('serves index.html at / with no-cache and isolation headers', async () => {
    const res = await call(server, '/');
    expect(res.status).toBe(200);
    expect(res.text).toBe(INDEX_HTML);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectIsolationHeaders(res.headers);
  });

  it('serves sw.js and index.html with no-cache', async () => {
    for (const path of ['/sw.js', '/index.html']) {
      const res = await call(server, path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expectIsolationHeaders(res.headers);
    }
  });

  it('serves hashed files under /_app/immutable/ with a long immutable cache', async () => {
    const res = await call(server, '/_app/immutable/chunks/app.abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectIsolationHeaders(res.headers);
  });

  it('falls back to index.html for client-side routes', async () => {
    for (const path of ['/workspaces/ws_123/tasks/4', '/settings', '/a/b.html']) {
      const res = await call(server, path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toBe(INDEX_HTML);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expectIsolationHeaders(res.headers);
    }
  });

  it('answers 404 with isolation headers for a missing file, an unknown API path and a POST', async () => {
    const missingFile = await call(server, '/_app/immutable/chunks/gone.js');
    expect(missingFile.status).toBe(404);
    expectIsolationHeaders(missingFile.headers);

    const unknownApi = await call(server, '/api/nope', { auth });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.body).toMatchObject({ error: 'not_found' });
    expectIsolationHeaders(unknownApi.headers);

    const post = await call(server, '/somewhere', { method: 'POST' });
    expect(post.status).toBe(404);
    expectIsolationHeaders(post.headers);
  });

  it('does not fall back to the SPA under /db or /api', async () => {
    const db = await call(server, '/db/ws_doesnotexist', { auth });
    expect(db.text).not.toContain('Loupe test shell');
    const api = await call(server, '/api/unknown', { auth });
    expect(api.text).not.toContain('Loupe test shell');
  });

  it('sets isolation headers on /db responses, including errors', async () => {
    const ok = await call(server, '/db/', { auth });
    expect(ok.status).toBe(200);
    expectIsolationHeaders(ok.headers);
    const unauthorized = await call(server, '/db/');
    expect(unauthorized.status).toBe(401);
    expectIsolationHeaders(unauthorized.headers);
  });

  it('sets isolation headers on error responses (malformed JSON)', async () => {
    const res = await call(server, '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      json: undefined,
    });
    expect(res.status).toBe(400);
    expectIsolationHeaders(res.headers);

    const broken = await fetch(server.url + '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'bad_request' });
    expectIsolationHeaders(broken.headers);
  });

  it('answers health without a token', async () => {
    const res = await call(server, '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, version: expect.any(String) });
    expectIsolationHeaders(res.headers);
  });
});

describe('without a build', () => {
  it('answers 503 with a page that says to run npm run build', async () => {
    const server = await startTestServer({}, { withApp: false });
    try {
      await rm(join(server.dirs.appDir, 'index.html'), { force: true });
      const res = await call(server, '/');
      expect(res.status).toBe(503);
      expect(res.text).toContain('npm run build');
      expectIsolationHeaders(res.headers);
      const deep = await call(server, '/some/route');
      expect(deep.status).toBe(503);
      // The API keeps working without the app.
      expect((await call(server, '/api/health')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
