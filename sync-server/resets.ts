import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { fileRecords, type RecordBackend, type RecordStore } from './records';
import { hashToken } from './tokens';

/** One-time password reset tokens; only their SHA-256 is stored. */
export const RESET_LIFETIME_MS = 60 * 60 * 1000;

const ResetsFileSchema = v.object({
  version: v.literal(1),
  resets: v.record(v.string(), v.object({ user: v.string(), expiresAt: v.number() })),
});
type ResetsFile = v.InferOutput<typeof ResetsFileSchema>;

export class ResetStore {
  private readonly file: RecordStore<ResetsFile>;

  constructor(where: string | RecordBackend) {
    const records = typeof where === 'string' ? fileRecords(where) : where;
    this.file = records.open('resets', ResetsFileSchema, () => ({ version: 1, resets: {} }));
  }

  async issue(user: string, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = now + RESET_LIFETIME_MS;
    await this.file.update((data) => {
      for (const [key, entry] of Object.entries(data.resets)) {
        // One live reset per account, and no expired ones kept.
        if (entry.expiresAt <= now || entry.user === user) delete data.resets[key];
      }
      data.resets[hashToken(token)] = { user, expiresAt };
    });
    return { token, expiresAt };
  }

  /** Uses a token up; returns its user when it was valid. */
  async consume(token: string, now = Date.now()): Promise<string | undefined> {
    const key = hashToken(token);
    return this.file.update((data) => {
      const entry = Object.hasOwn(data.resets, key) ? data.resets[key] : undefined;
      if (!entry) return undefined;
      delete data.resets[key];
      return entry.expiresAt > now ? entry.user : undefined;
    });
  }
}
