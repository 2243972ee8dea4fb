/**
 * Failed sign-in counting, per user name and per client address, over a fixed window. After
 * `maxPerUser` failures for a name (or `maxPerIp` from an address), attempts are refused
 * until the window that holds the first failure has passed, even with the right password,
 * so a guesser cannot learn anything by continuing.
 *
 * The counters are in memory: each server instance counts on its own, and a restart
 * forgets them. That bounds guessing per instance, which is what it is for.
 */
export interface LoginLimits {
  windowMs: number;
  maxPerUser: number;
  maxPerIp: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60 * 1000, maxPerUser: 5, maxPerIp: 20 };

interface Window {
  start: number;
  failures: number;
}

const MAX_TRACKED = 100_000;

export class LoginLimiter {
  private readonly users = new Map<string, Window>();
  private readonly ips = new Map<string, Window>();

  constructor(readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {}

  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfter(username: string, ip: string, now = Date.now()): number {
    const wait = (map: Map<string, Window>, key: string, max: number) => {
      const w = map.get(key);
      if (!w) return 0;
      if (now - w.start >= this.limits.windowMs) {
        map.delete(key);
        return 0;
      }
      return w.failures >= max ? Math.ceil((w.start + this.limits.windowMs - now) / 1000) : 0;
    };
    return Math.max(
      wait(this.users, username, this.limits.maxPerUser),
      wait(this.ips, ip, this.limits.maxPerIp),
    );
  }

  fail(username: string, ip: string, now = Date.now()): void {
    for (const [map, key] of [
      [this.users, username],
      [this.ips, ip],
    ] as const) {
      if (map.size >= MAX_TRACKED) this.sweep(map, now);
      const w = map.get(key);
      if (!w || now - w.start >= this.limits.windowMs) map.set(key, { start: now, failures: 1 });
      else w.failures++;
    }
  }

  succeed(username: string): void {
    this.users.delete(username);
  }

  private sweep(map: Map<string, Window>, now: number): void {
    for (const [key, w] of map) if (now - w.start >= this.limits.windowMs) map.delete(key);
    if (map.size >= MAX_TRACKED) map.clear();
  }
}
