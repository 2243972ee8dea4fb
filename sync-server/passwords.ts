import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import * as v from 'valibot';

/**
 * scrypt password hashes. The parameters are stored with each hash so they can be raised
 * later without invalidating existing accounts.
 */
export const PasswordHashSchema = v.object({
  algorithm: v.literal('scrypt'),
  N: v.number(),
  r: v.number(),
  p: v.number(),
  keyLength: v.number(),
  salt: v.string(),
  hash: v.string(),
});
export type PasswordHash = v.InferOutput<typeof PasswordHashSchema>;

const DEFAULTS = { N: 16384, r: 8, p: 1, keyLength: 64 } as const;

function derive(
  password: string,
  salt: Buffer,
  params: Omit<PasswordHash, 'algorithm' | 'salt' | 'hash'>,
): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // scrypt needs 128 * N * r bytes; allow twice that so raised parameters still work.
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, params.keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULTS);
  return { algorithm: 'scrypt', ...DEFAULTS, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// Checked against when the account does not exist, so a login takes as long for an
// unknown name as for a wrong password and does not reveal which names exist.
let decoy: Promise<PasswordHash> | undefined;
export async function burnDecoy(password: string): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoy);
}
