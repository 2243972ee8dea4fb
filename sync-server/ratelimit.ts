import { createHash } from 'node:crypto';
import * as v from 'valibot';
import type { RecordBackend, RecordStore } from './records';

/**
 * Failed sign-in counting, per user name and per client address, over a fixed window. After
 * `maxPerUser` failures for a name (or `maxPerIp` from an address), attempts are refused
 * until the window that holds the first failure has passed, even with the right password,
 * so a guesser cannot learn anything by continuing. A successful sign-in clears the name.
 * Attempts on one name take turns on each instance (guard()), so a burst of parallel guesses
 * cannot all pass the check before the first failure is counted.
 *
 * The counters are one record of the server's record store (records.ts): a file under
 * `<data>/loupe/` in the embedded mode, a `loupe_meta` document with COUCHDB_URL. Every
 * instance behind a load balancer therefore counts against the same numbers, and a restart
 * forgets nothing. The same mechanism, under its own record, limits password reset requests.
 *
 * Cost per request: a check is a read (the file is revalidated with stat(); CouchDB reads are
 * reused for a second unless the caller asks for a fresh one). Only a failure writes, and a
 * success writes only when its name has failures on record.
 *
 * Size: every write drops the windows that have passed, and each key space (names, addresses)
 * keeps at most `maxEntries` windows. Past that the oldest go first, windows still under their
 * limit before those in force, so spraying many names or addresses cannot lift a lock while
 * cheaper entries remain (with the defaults, lifting one takes thousands of failures from
 * hundreds of addresses within one window). Keys are truncated SHA-256 digests, so an
 * attacker's 16 kB "user name" takes the same room as any other, and the record does not spell
 * out names or addresses.
 */
export interface LoginLimits {
  windowMs: number;
  maxPerUser: number;
  maxPerIp: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60 * 1000, maxPerUser: 5, maxPerIp: 20 };

/** Reset requests write to the log; a few per account and address per quarter hour is plenty. */
export const RESET_REQUEST_LIMITS: LoginLimits = { windowMs: 15 * 60 * 1000, maxPerUser: 3, maxPerIp: 20 };

/** Windows kept per key space; about 60 bytes each in the record. */
export const MAX_ENTRIES = 1000;

const WindowSchema = v.object({
  start: v.number(),
  failures: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
type Window = v.InferOutput<typeof WindowSchema>;

export const FailuresFileSchema = v.object({
  version: v.literal(1),
  users: v.record(v.string(), WindowSchema),
  ips: v.record(v.string(), WindowSchema),
});
export type FailuresFile = v.InferOutput<typeof FailuresFileSchema>;

export const emptyFailuresFile = (): FailuresFile => ({ version: 1, users: {}, ips: {} });

/** The records the limiters keep: failed sign-ins, and password reset requests. */
export type LimitKind = 'login-failures' | 'reset-requests';

/** The record key of a name or address: 128 bits of its SHA-256. */
export function limitKey(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

export class LoginLimiter {
  private readonly store: RecordStore<FailuresFile>;
  /** Attempts in progress on this instance, chained per name (see guard()). */
  private readonly inProgress = new Map<string, Promise<unknown>>();

  constructor(
    records: RecordBackend,
    kind: LimitKind = 'login-failures',
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    readonly maxEntries = MAX_ENTRIES,
  ) {
    this.store = records.open(kind, FailuresFileSchema, emptyFailuresFile);
  }

  /**
   * Runs one sign-in attempt under the limit: answers `retryAfter` while the name or address
   * is locked; otherwise runs `verify`, counts a failure when it yields undefined and, with
   * `clearOnSuccess`, clears the name when it yields a value.
   *
   * Attempts on one name wait for each other on this instance, so a burst of parallel guesses
   * is checked one by one instead of all passing the check before the first failure is counted.
   * (The check alone is a read, so a queue of good credentials moves in a few milliseconds.)
   */
  async guard<T>(
    username: string,
    ip: string,
    verify: () => Promise<T | undefined>,
    options: { fresh?: boolean; clearOnSuccess?: boolean } = {},
  ): Promise<{ retryAfter: number } | { value: T | undefined }> {
    const key = limitKey(username);
    const previous = this.inProgress.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      const retryAfter = await this.retryAfter(username, ip, { fresh: options.fresh ?? false });
      if (retryAfter > 0) return { retryAfter };
      const value = await verify();
      if (value === undefined) await this.fail(username, ip);
      else if (options.clearOnSuccess) await this.succeed(username);
      return { value };
    });
    const settled = run.catch(() => undefined);
    this.inProgress.set(key, settled);
    void settled.then(() => {
      if (this.inProgress.get(key) === settled) this.inProgress.delete(key);
    });
    return run;
  }

  /**
   * Seconds to wait before another attempt is allowed, or 0. `fresh` skips the short
   * COUCHDB_URL read cache, so failures counted by another instance a moment ago are seen.
   */
  async retryAfter(
    username: string,
    ip: string,
    options: { now?: number; fresh?: boolean } = {},
  ): Promise<number> {
    const now = options.now ?? Date.now();
    const data = await this.store.read({ fresh: options.fresh ?? false });
    return this.wait(data, limitKey(username), limitKey(ip), now);
  }

  /** Counts a failed attempt against the name and the address. */
  async fail(username: string, ip: string, now = Date.now()): Promise<void> {
    const user = limitKey(username);
    const address = limitKey(ip);
    await this.store.update((data) => {
      this.prune(data, now);
      count(data.users, user, now, this.limits.windowMs);
      count(data.ips, address, now, this.limits.windowMs);
      this.cap(data, user, address);
    });
  }

  /**
   * For requests that count whether or not they succeed (password reset requests): refuses
   * with the seconds to wait, or counts the attempt and returns 0. Check and count are one
   * update, so concurrent requests cannot slip past the limit together.
   */
  async attempt(username: string, ip: string, now = Date.now()): Promise<number> {
    const user = limitKey(username);
    const address = limitKey(ip);
    // A refusal needs no write.
    const before = this.wait(await this.store.read({ fresh: true }), user, address, now);
    if (before > 0) return before;
    return this.store.update((data) => {
      this.prune(data, now);
      const wait = this.wait(data, user, address, now);
      if (wait === 0) {
        count(data.users, user, now, this.limits.windowMs);
        count(data.ips, address, now, this.limits.windowMs);
        this.cap(data, user, address);
      }
      return wait;
    });
  }

  /** Clears the name's failures; writes only when there are some on record. */
  async succeed(username: string, now = Date.now()): Promise<void> {
    const user = limitKey(username);
    const { users } = await this.store.read();
    if (!Object.hasOwn(users, user)) return;
    await this.store.update((data) => {
      delete data.users[user];
      this.prune(data, now);
    });
  }

  private wait(data: FailuresFile, user: string, address: string, now: number): number {
    const { windowMs, maxPerUser, maxPerIp } = this.limits;
    const one = (map: Record<string, Window>, key: string, max: number): number => {
      const w = Object.hasOwn(map, key) ? map[key] : undefined;
      if (!w || w.failures < max || now - w.start >= windowMs) return 0;
      // Clamped, so a clock that ran ahead on another instance cannot lock a name for longer.
      return Math.ceil(Math.min(w.start + windowMs - now, windowMs) / 1000);
    };
    return Math.max(one(data.users, user, maxPerUser), one(data.ips, address, maxPerIp));
  }

  private prune(data: FailuresFile, now: number): void {
    for (const map of [data.users, data.ips]) {
      for (const [key, w] of Object.entries(map)) if (now - w.start >= this.limits.windowMs) delete map[key];
    }
  }

  /** Bounds both key spaces; the entries just counted always stay, or they could never lock. */
  private cap(data: FailuresFile, user: string, address: string): void {
    capMap(data.users, this.maxEntries, this.limits.maxPerUser, user);
    capMap(data.ips, this.maxEntries, this.limits.maxPerIp, address);
  }
}

function count(map: Record<string, Window>, key: string, now: number, windowMs: number): void {
  const w = Object.hasOwn(map, key) ? map[key] : undefined;
  if (!w || now - w.start >= windowMs) map[key] = { start: now, failures: 1 };
  else w.failures++;
}

/** Drops windows past `max`: under their limit before in force, oldest first within each. */
function capMap(map: Record<string, Window>, max: number, limit: number, keep: string): void {
  if (Object.keys(map).length <= max) return;
  const entries = Object.entries(map).filter(([key]) => key !== keep);
  entries.sort(
    ([, a], [, b]) => Number(a.failures >= limit) - Number(b.failures >= limit) || a.start - b.start,
  );
  for (const [key] of entries.slice(0, entries.length + 1 - max)) delete map[key];
}
