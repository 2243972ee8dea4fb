import * as v from 'valibot';
import { MIN_PASSWORD_LENGTH, USERNAME, USERNAME_RULE } from './config';
import { burnDecoy, hashPassword, PasswordHashSchema, verifyPassword } from './passwords';
import { fileRecords, type RecordBackend, type RecordStore } from './records';

/**
 * Accounts: `<data>/loupe/users.json` in the embedded mode (not a PouchDB database: LevelDB
 * locks its directory, and a plain file lets the accounts CLI work while the server runs),
 * or the `loupe_meta` database with COUCHDB_URL (see records.ts).
 */
const UserRecordSchema = v.object({
  name: v.string(),
  admin: v.boolean(),
  password: PasswordHashSchema,
  createdAt: v.string(),
});
type UserRecord = v.InferOutput<typeof UserRecordSchema>;

const UsersFileSchema = v.object({
  version: v.literal(1),
  users: v.record(v.string(), UserRecordSchema),
});
type UsersFile = v.InferOutput<typeof UsersFileSchema>;

/** What the rest of the server (and clients) may see of an account. */
export interface User {
  name: string;
  admin: boolean;
}

export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
    readonly code = 'bad_request',
  ) {
    super(message);
  }
}

export function checkUsername(name: string): void {
  if (!USERNAME.test(name)) throw new UserError(`Invalid user name "${name}": use ${USERNAME_RULE}.`);
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UserError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
}

export class UserStore {
  private readonly file: RecordStore<UsersFile>;

  constructor(where: string | RecordBackend) {
    const records = typeof where === 'string' ? fileRecords(where) : where;
    this.file = records.open('users', UsersFileSchema, () => ({ version: 1, users: {} }));
  }

  async list(): Promise<User[]> {
    const { users } = await this.file.read();
    return Object.values(users)
      .map(toUser)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async count(): Promise<number> {
    return Object.keys((await this.file.read()).users).length;
  }

  async get(name: string): Promise<User | undefined> {
    const record = await this.record(name);
    return record && toUser(record);
  }

  async add(name: string, password: string, options: { admin?: boolean } = {}): Promise<User> {
    checkUsername(name);
    checkPassword(password);
    const hash = await hashPassword(password);
    const record: UserRecord = {
      name,
      admin: options.admin ?? false,
      password: hash,
      createdAt: new Date().toISOString(),
    };
    await this.file.update((data) => {
      if (Object.hasOwn(data.users, name))
        throw new UserError(`User "${name}" already exists.`, 409, 'conflict');
      data.users[name] = record;
    });
    return toUser(record);
  }

  /**
   * Creates an account; the first account on the server becomes an administrator. The
   * check and the write are one update, so two first registrations cannot both be admin.
   */
  async register(name: string, password: string): Promise<User> {
    checkUsername(name);
    checkPassword(password);
    const hash = await hashPassword(password);
    return this.file.update((data) => {
      if (Object.hasOwn(data.users, name))
        throw new UserError(`User "${name}" already exists.`, 409, 'conflict');
      const record: UserRecord = {
        name,
        admin: Object.keys(data.users).length === 0,
        password: hash,
        createdAt: new Date().toISOString(),
      };
      data.users[name] = record;
      return toUser(record);
    });
  }

  /** Creates the account only if there are no accounts at all; returns whether it did. */
  async addIfNone(name: string, password: string, options: { admin?: boolean } = {}): Promise<boolean> {
    checkUsername(name);
    checkPassword(password);
    const hash = await hashPassword(password);
    return this.file.update((data) => {
      if (Object.keys(data.users).length > 0) return false;
      data.users[name] = {
        name,
        admin: options.admin ?? false,
        password: hash,
        createdAt: new Date().toISOString(),
      };
      return true;
    });
  }

  async setPassword(name: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password);
    await this.file.update((data) => {
      const record = data.users[name];
      if (!record || !Object.hasOwn(data.users, name)) throw new UserError(`User "${name}" does not exist.`);
      record.password = hash;
    });
  }

  /** The account if the password matches, otherwise undefined (in roughly constant time). */
  async verify(name: string, password: string): Promise<User | undefined> {
    const record = await this.record(name);
    if (!record) {
      await burnDecoy(password);
      return undefined;
    }
    return (await verifyPassword(password, record.password)) ? toUser(record) : undefined;
  }

  /** A value that changes whenever the account's password changes (for credential caches). */
  async passwordStamp(name: string): Promise<string | undefined> {
    return (await this.record(name))?.password.hash;
  }

  private async record(name: string): Promise<UserRecord | undefined> {
    const { users } = await this.file.read();
    return Object.hasOwn(users, name) ? users[name] : undefined;
  }
}

function toUser(record: UserRecord): User {
  return { name: record.name, admin: record.admin };
}
