import { ROLES, Access, AccessError, type Role } from './access';
import { loadDataDir } from './config';
import { TokenStore } from './tokens';
import { UserError, UserStore } from './users';

/**
 * Accounts and memberships from a terminal. Safe to use while the server runs: both keep
 * their records in small JSON files that the server re-reads when they change.
 */
const USAGE = `Usage: node --import tsx sync-server/cli.ts <command>

  user add <name> [--admin]     create an account; password from LOUPE_PASSWORD or stdin
  user passwd <name>            set a new password (same sources) and sign out everywhere
  user list                     list accounts
  member add <db> <user> <role> give a user a role (${ROLES.join('|')}) in a workspace database
  member list <db>              list a database's members

The data directory is LOUPE_DATA_DIR (default ./data).`;

async function main(argv: string[]): Promise<number> {
  const dataDir = loadDataDir();
  const users = new UserStore(dataDir);
  const [group, command, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const args = rest.filter((a) => !a.startsWith('--'));

  if (
    group === 'user' &&
    command === 'add' &&
    args.length === 1 &&
    [...flags].every((f) => f === '--admin')
  ) {
    const name = args[0] ?? '';
    if (await users.get(name))
      throw new UserError(`User "${name}" already exists; use "user passwd ${name}" to change the password.`);
    const user = await users.add(name, await readPassword(), { admin: flags.has('--admin') });
    console.log(`Created ${user.admin ? 'administrator' : 'user'} "${user.name}" in ${dataDir}.`);
    return 0;
  }
  if (group === 'user' && command === 'passwd' && args.length === 1 && flags.size === 0) {
    const name = args[0] ?? '';
    await users.setPassword(name, await readPassword());
    await new TokenStore(dataDir).revokeAllFor(name);
    console.log(`Password changed for "${name}"; existing sign-ins were revoked.`);
    return 0;
  }
  if (group === 'user' && command === 'list' && rest.length === 0) {
    const list = await users.list();
    if (list.length === 0) console.log(`No accounts in ${dataDir}.`);
    for (const user of list) console.log(`${user.name}${user.admin ? '\tadmin' : ''}`);
    return 0;
  }
  if (group === 'member' && command === 'add' && args.length === 3 && flags.size === 0) {
    const [db = '', name = '', role = ''] = args;
    if (!(await users.get(name))) throw new UserError(`User "${name}" does not exist.`);
    if (!isRole(role)) throw new AccessError(`Unknown role "${role}"; use one of ${ROLES.join(', ')}.`);
    await new Access(dataDir).addMember(db, name, role);
    console.log(`"${name}" is now ${role} of ${db}.`);
    return 0;
  }
  if (group === 'member' && command === 'list' && args.length === 1 && flags.size === 0) {
    for (const m of await new Access(dataDir).members(args[0] ?? '')) console.log(`${m.username}\t${m.role}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

function isRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}

/** LOUPE_PASSWORD, else a hidden prompt on a terminal, else the first line of stdin. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.LOUPE_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) return promptHidden('Password: ');
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    let value = '';
    const done = (result: string | Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(value);
        if (ch === '\u0003') return done(new UserError('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UserError || err instanceof AccessError) {
      console.error(err.message);
      process.exit(1);
    }
    console.error(err);
    process.exit(1);
  },
);
