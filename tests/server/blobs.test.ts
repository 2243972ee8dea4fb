import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgSummary } from '../../sync-server/orgs';
import { addMember, call, makeOrg, startTestServer, userWithToken, type TestServer } from './helpers';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('media blobs', () => {
  let server: TestServer;
  let olga: string;
  let wes: string;
  let org: OrgSummary;
  const url = (hash: string) => `/api/workspaces/${org.id}/blobs/${hash}`;

  beforeAll(async () => {
    server = await startTestServer({ maxBlobBytes: 64 * 1024 });
    olga = await userWithToken(server, 'olga');
    wes = await userWithToken(server, 'wes');
    org = await makeOrg(server, olga);
    await addMember(server, org.id, 'wes', 'worker');
  });
  afterAll(() => server.stop());

  it('stores a blob under its hash, serves it to members with caching headers and ranges', async () => {
    const bytes = randomBytes(5000);
    const hash = sha(bytes);
    const head = await call(server, url(hash), { method: 'HEAD', auth: olga });
    expect(head.status).toBe(404);
    expect(head.headers.get('upload-offset')).toBe('0');
    const put = await call(server, url(hash), { method: 'PUT', auth: olga, body: bytes });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ sha256: hash, size: 5000 });
    expect((await call(server, url(hash), { method: 'PUT', auth: olga, body: bytes })).status).toBe(200);

    const res = await fetch(server.url + url(hash), { headers: { authorization: wes } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${hash}"`);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await fetch(server.url + url(hash), {
      headers: { authorization: wes, range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/5000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const headStored = await call(server, url(hash), { method: 'HEAD', auth: wes });
    expect(headStored.status).toBe(200);
    expect(headStored.headers.get('content-length')).toBe('5000');
  });

  it('resumes an interrupted chunked upload from the offset HEAD reports', async () => {
    const bytes = randomBytes(30_000);
    const hash = sha(bytes);
    const chunk = (start: number, end: number) =>
      call(server, url(hash), {
        method: 'PUT',
        auth: olga,
        body: bytes.subarray(start, end),
        headers: { 'content-range': `bytes ${start}-${end - 1}/${bytes.length}` },
      });
    const first = await chunk(0, 10_000);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ offset: 10_000 });

    // The connection drops in the middle of the second chunk.
    await abortedUpload(
      server.url + url(hash),
      olga,
      bytes.subarray(10_000, 20_000),
      10_000,
      bytes.length,
      4000,
    );
    const head = await call(server, url(hash), { method: 'HEAD', auth: olga });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(10_000);
    expect(offset).toBeLessThan(20_000);

    const wrong = await chunk(0, 10_000);
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ offset });

    const rest = await chunk(offset, bytes.length);
    expect(rest.status).toBe(201);
    const back = await fetch(server.url + url(hash), { headers: { authorization: olga } });
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('drops a complete upload whose bytes do not match, and refuses blobs over the limit with 413', async () => {
    const bytes = randomBytes(2000);
    const claimed = sha(randomBytes(10));
    const bad = await call(server, url(claimed), { method: 'PUT', auth: olga, body: bytes });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'hash_mismatch' });
    expect(
      (await call(server, url(claimed), { method: 'HEAD', auth: olga })).headers.get('upload-offset'),
    ).toBe('0');

    const big = randomBytes(64 * 1024 + 1);
    const tooBig = await call(server, url(sha(big)), { method: 'PUT', auth: olga, body: big });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ error: 'too_large', limit: 64 * 1024 });
    expect((await call(server, url(sha(big)), { method: 'HEAD', auth: olga })).status).toBe(404);
  });

  it('refuses uploads by workers and unknown workspaces', async () => {
    const bytes = randomBytes(10);
    expect((await call(server, url(sha(bytes)), { method: 'PUT', auth: wes, body: bytes })).status).toBe(403);
    const other = `/api/workspaces/${'0'.repeat(26)}/blobs/${sha(bytes)}`;
    expect((await call(server, other, { auth: olga })).status).toBe(404);
  });
});

/** Sends the first `sent` bytes of a chunk and then drops the connection. */
function abortedUpload(
  target: string,
  authorization: string,
  chunk: Uint8Array,
  start: number,
  total: number,
  sent: number,
): Promise<void> {
  const u = new URL(target);
  return new Promise((resolve) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'PUT',
      headers: {
        authorization,
        'content-length': String(chunk.length),
        'content-range': `bytes ${start}-${start + chunk.length - 1}/${total}`,
      },
    });
    req.on('error', () => resolve());
    req.write(chunk.subarray(0, sent), () => {
      // Give the server time to write what arrived, then cut the connection.
      setTimeout(() => {
        req.destroy();
        setTimeout(resolve, 200);
      }, 200);
    });
  });
}
