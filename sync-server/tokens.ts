import { createHash, randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { fileRecords, type RecordBackend, type RecordStore } from './records';

/**
 * Bearer tokens (`<data>/loupe/tokens.json`, or `loupe_meta` with COUCHDB_URL). Only the
 * SHA-256 of a token is stored, so a copy of the data directory cannot be used to sign in.
 */
export const TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

const TokensFileSchema = v.object({
  version: v.literal(1),
  tokens: v.record(v.string(), v.object({ user: v.string(), createdAt: v.number(), expiresAt: v.number() })),
});
type TokensFile = v.InferOutput<typeof TokensFileSchema>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class TokenStore {
  private readonly file: RecordStore<TokensFile>;

  constructor(
    where: string | RecordBackend,
    private readonly lifetimeMs = TOKEN_LIFETIME_MS,
  ) {
    const records = typeof where === 'string' ? fileRecords(where) : where;
    this.file = records.open('tokens', TokensFileSchema, () => ({ version: 1, tokens: {} }));
  }

  async issue(user: string, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.lifetimeMs;
    await this.file.update((data) => {
      // Drop expired tokens here so the file does not grow forever.
      for (const [key, entry] of Object.entries(data.tokens)) {
        if (entry.expiresAt <= now) delete data.tokens[key];
      }
      data.tokens[hashToken(token)] = { user, createdAt: now, expiresAt };
    });
    return { token, expiresAt };
  }

  /** The user name a live token belongs to, or undefined. */
  async resolve(token: string, now = Date.now()): Promise<string | undefined> {
    const { tokens } = await this.file.read();
    const key = hashToken(token);
    const entry = Object.hasOwn(tokens, key) ? tokens[key] : undefined;
    return entry && entry.expiresAt > now ? entry.user : undefined;
  }

  async revoke(token: string): Promise<void> {
    const key = hashToken(token);
    await this.file.update((data) => {
      delete data.tokens[key];
    });
  }

  /** Signs a user out everywhere (but for `except`, the token kept after a password change). */
  async revokeAllFor(user: string, except?: string): Promise<void> {
    const keep = except === undefined ? undefined : hashToken(except);
    await this.file.update((data) => {
      for (const [key, entry] of Object.entries(data.tokens)) {
        if (entry.user === user && key !== keep) delete data.tokens[key];
      }
    });
  }
}
