import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../sync-server/app';
import type { Config } from '../../sync-server/config';
import {
  FailuresFileSchema,
  limitKey,
  LoginLimiter,
  type FailuresFile,
  type LoginLimits,
} from '../../sync-server/ratelimit';
import { fileRecords } from '../../sync-server/records';
import { basic, call, tempDirs } from './helpers';

/**
 * The limiter on the real record store (JSON files under <data>/loupe/), driven with explicit
 * clocks, and a real server restarted on the same data directory.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function limiterIn(limits: LoginLimits, maxEntries?: number) {
  const dirs = await tempDirs({ withApp: false });
  cleanups.push(dirs.cleanup);
  const limiter = new LoginLimiter(fileRecords(dirs.dataDir), 'login-failures', limits, maxEntries);
  const path = join(dirs.dataDir, 'loupe', 'login-failures.json');
  const record = async (): Promise<FailuresFile> =>
    v.parse(FailuresFileSchema, JSON.parse(await readFile(path, 'utf8')));
  return { limiter, path, record };
}

const T0 = 1_700_000_000_000;

describe('LoginLimiter on the record store', () => {
  it('refuses a name after maxPerUser failures until the first failure’s window has passed', async () => {
    const { limiter } = await limiterIn({ windowMs: 60_000, maxPerUser: 3, maxPerIp: 100 });
    for (let i = 0; i < 3; i++) {
      expect(await limiter.retryAfter('mallory', '10.0.0.1', { now: T0 + i * 1000 })).toBe(0);
      await limiter.fail('mallory', '10.0.0.1', T0 + i * 1000);
    }
    expect(await limiter.retryAfter('mallory', '10.0.0.1', { now: T0 + 2500 })).toBe(58);
    // Another address does not help: the name is locked.
    expect(await limiter.retryAfter('mallory', '10.0.0.2', { now: T0 + 2500 })).toBe(58);
    expect(await limiter.retryAfter('someone', '10.0.0.1', { now: T0 + 2500 })).toBe(0);
    expect(await limiter.retryAfter('mallory', '10.0.0.1', { now: T0 + 59_999 })).toBe(1);
    expect(await limiter.retryAfter('mallory', '10.0.0.1', { now: T0 + 60_000 })).toBe(0);
  });

  it('refuses an address after maxPerIp failures, whatever the name', async () => {
    const { limiter } = await limiterIn({ windowMs: 60_000, maxPerUser: 100, maxPerIp: 2 });
    await limiter.fail('a', '10.0.0.9', T0);
    await limiter.fail('b', '10.0.0.9', T0 + 10);
    expect(await limiter.retryAfter('c', '10.0.0.9', { now: T0 + 20 })).toBe(60);
    expect(await limiter.retryAfter('c', '10.0.0.8', { now: T0 + 20 })).toBe(0);
  });

  it('clears a name on success, and writes nothing when the name has no failures', async () => {
    const { limiter, path, record } = await limiterIn({ windowMs: 60_000, maxPerUser: 3, maxPerIp: 100 });
    await limiter.succeed('nobody', T0);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });

    await limiter.fail('erin', '10.0.0.1', T0);
    await limiter.fail('frank', '10.0.0.1', T0);
    // Every write replaces the file (temp file, then rename), so the inode tells writes apart.
    const beforeSuccess = (await stat(path)).ino;
    await limiter.succeed('frank', T0 + 1);
    const afterSuccess = (await stat(path)).ino;
    expect(afterSuccess).not.toBe(beforeSuccess);
    const after = await record();
    expect(Object.keys(after.users)).toEqual([limitKey('erin')]);
    // The address keeps its count: a success clears the name, not the address.
    expect(after.ips[limitKey('10.0.0.1')]).toEqual({ start: T0, failures: 2 });
    // Only a name with failures on record costs a write.
    await limiter.succeed('grace', T0 + 2);
    await limiter.succeed('frank', T0 + 3);
    expect((await stat(path)).ino).toBe(afterSuccess);
  });

  it('drops windows that have passed on every write, and keeps no names or addresses', async () => {
    const { limiter, path, record } = await limiterIn({ windowMs: 60_000, maxPerUser: 5, maxPerIp: 20 });
    await limiter.fail('old-name', '192.0.2.1', T0);
    await limiter.fail('old-name', '192.0.2.1', T0 + 1000);
    await limiter.fail('new-name', '192.0.2.2', T0 + 60_500);
    const data = await record();
    expect(data.users).toEqual({ [limitKey('new-name')]: { start: T0 + 60_500, failures: 1 } });
    expect(data.ips).toEqual({ [limitKey('192.0.2.2')]: { start: T0 + 60_500, failures: 1 } });
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('new-name');
    expect(text).not.toContain('192.0.2.2');
  });

  it('bounds the record under a spray of names and addresses, keeping locks in force', async () => {
    const max = 8;
    const { limiter, path, record } = await limiterIn({ windowMs: 60_000, maxPerUser: 3, maxPerIp: 3 }, max);
    // The victim's name is locked first, so it is the oldest entry of all.
    for (let i = 0; i < 3; i++) await limiter.fail('victim', `198.51.100.${i}`, T0 + i);
    const longName = 'x'.repeat(10_000);
    for (let i = 0; i < 40; i++) await limiter.fail(`${longName}${i}`, `203.0.113.${i}`, T0 + 100 + i);
    const data = await record();
    expect(Object.keys(data.users)).toHaveLength(max);
    expect(Object.keys(data.ips)).toHaveLength(max);
    // The lock outlived 40 newer entries; the unlocked entries kept are the newest ones.
    expect(data.users[limitKey('victim')]).toEqual({ start: T0, failures: 3 });
    expect(await limiter.retryAfter('victim', '203.0.113.200', { now: T0 + 200 })).toBe(60);
    const kept = Object.values(data.users)
      .filter((w) => w.failures < 3)
      .map((w) => w.start - T0 - 100)
      .sort((a, b) => a - b);
    expect(kept).toEqual([33, 34, 35, 36, 37, 38, 39]);
    // Long names cost the same as short ones.
    expect((await stat(path)).size).toBeLessThan(4000);

    // When every entry is a lock, the oldest lock goes first.
    for (let n = 0; n < max; n++)
      for (let i = 0; i < 3; i++) await limiter.fail(`locked-${n}`, '192.0.2.50', T0 + 1000 + n * 10 + i);
    const locks = await record();
    expect(Object.keys(locks.users)).toHaveLength(max);
    expect(locks.users[limitKey('victim')]).toBeUndefined();
    expect(Object.values(locks.users).every((w) => w.failures === 3)).toBe(true);
  });

  it('checks parallel attempts on one name one by one, so a burst cannot outrun the count', async () => {
    const { limiter } = await limiterIn({ windowMs: 60_000, maxPerUser: 5, maxPerIp: 1000 });
    let verified = 0;
    const guess = () =>
      limiter.guard('victim', '10.2.2.2', async () => {
        verified++;
        // As long as a password hash takes; every guess is wrong.
        await new Promise((r) => setTimeout(r, 5));
        return undefined;
      });
    const outcomes = await Promise.all(Array.from({ length: 20 }, guess));
    expect(verified).toBe(5);
    expect(outcomes.filter((o) => 'value' in o)).toHaveLength(5);
    expect(outcomes.filter((o) => 'retryAfter' in o && o.retryAfter > 0)).toHaveLength(15);
    // Right credentials in parallel all pass, and the first success clears the failures.
    const { limiter: other } = await limiterIn({ windowMs: 60_000, maxPerUser: 5, maxPerIp: 1000 });
    for (let i = 0; i < 4; i++) await other.fail('alice', '10.2.2.3');
    const good = await Promise.all(
      Array.from({ length: 10 }, () =>
        other.guard('alice', '10.2.2.3', () => Promise.resolve('alice'), { clearOnSuccess: true }),
      ),
    );
    expect(good).toEqual(Array.from({ length: 10 }, () => ({ value: 'alice' })));
    expect(await other.retryAfter('alice', '10.2.2.3')).toBe(0);
    await other.fail('alice', '10.2.2.3');
    expect(await other.retryAfter('alice', '10.2.2.3')).toBe(0);
  });

  it('counts reset-style attempts and refuses past the limit, even when they arrive together', async () => {
    const { limiter } = await limiterIn({ windowMs: 60_000, maxPerUser: 3, maxPerIp: 100 });
    const waits = await Promise.all(
      Array.from({ length: 10 }, () => limiter.attempt('dora', '10.1.1.1', T0)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(3);
    expect(waits.filter((w) => w === 60)).toHaveLength(7);
    expect(await limiter.attempt('dora', '10.1.1.1', T0 + 60_000)).toBe(0);
  });
});

describe('failed sign-ins on a real server', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('keeps a locked name locked after the server restarts on the same data directory', async () => {
    const dirs = await tempDirs();
    cleanups.push(dirs.cleanup);
    const config: Config = {
      port: 0,
      host: '127.0.0.1',
      dataDir: dirs.dataDir,
      appDir: dirs.appDir,
      loginLimits: { windowMs: 6000, maxPerUser: 3, maxPerIp: 1000 },
    };
    running = await startServer(config);
    await running.services.users.add('ruth', 'ruth-password');
    const login = (password: string) =>
      call(running as RunningServer, '/api/auth/login', {
        method: 'POST',
        json: { username: 'ruth', password },
      });
    // A success clears the name's failures.
    for (let i = 0; i < 2; i++) expect((await login('wrong-guess')).status).toBe(401);
    expect((await login('ruth-password')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login('wrong-guess')).status).toBe(401);
    expect((await login('ruth-password')).status).toBe(429);

    await running.close();
    running = await startServer(config);
    const blocked = await login('ruth-password');
    expect(blocked.status).toBe(429);
    const wait = Number(blocked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(6);
    await new Promise((r) => setTimeout(r, wait * 1000 + 50));
    expect((await login('ruth-password')).status).toBe(200);
  });

  it('lets only maxPerUser of a burst of parallel guesses be tried, by login or Basic', async () => {
    const dirs = await tempDirs();
    cleanups.push(dirs.cleanup);
    running = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: dirs.dataDir,
      appDir: dirs.appDir,
      loginLimits: { windowMs: 60_000, maxPerUser: 5, maxPerIp: 1000 },
    });
    const server = running;
    await server.services.users.add('sam', 'sam-password');
    await server.services.users.add('tess', 'tess-password');
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(server, '/api/auth/login', {
          method: 'POST',
          json: { username: 'sam', password: `guess-${i}-guess` },
        }),
      ),
    );
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(7).fill(429)]);
    const basicBurst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(server, '/api/auth/me', { auth: basic('tess', `guess-${i}-guess`) }),
      ),
    );
    expect(basicBurst.map((r) => r.status).sort()).toEqual([
      ...Array<number>(5).fill(401),
      ...Array<number>(7).fill(429),
    ]);
    // A client sending good Basic credentials on parallel requests is not held back.
    await server.services.users.add('uma', 'uma-password');
    const good = await Promise.all(
      Array.from({ length: 8 }, () => call(server, '/api/auth/me', { auth: basic('uma', 'uma-password') })),
    );
    expect(good.map((r) => r.status)).toEqual(Array<number>(8).fill(200));
  });
});
