import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { finished } from 'node:stream/promises';
import { fileBlobStore } from './blobs';
import { loadDataDir } from './config';
import { createEmbeddedBackend, createProxyBackend } from './couch';
import { ExportScopeError } from './datasetFromDocs';
import { UnknownFormatError, writeExport, type FormatLookup } from './export';
import { serverFormats } from './formats';
import { createOrg } from './orgRoutes';
import { emptyOrgsFile, isRole, OrgError, OrgsFileSchema, OrgStore, ROLES } from './orgs';
import { couchRecords, fileRecords } from './records';
import { TokenStore } from './tokens';
import { UserError, UserStore } from './users';

/**
 * `npx loupe-server <command>` (or `node --import tsx sync-server/cli.ts`): accounts,
 * organizations and exports from a terminal. Account and organization commands are safe
 * while the server runs (small record files the server re-reads, or CouchDB with
 * COUCHDB_URL). `export` opens the embedded store, so in the embedded mode it needs the
 * server stopped; with COUCHDB_URL it runs alongside.
 */
const USAGE = `Usage: loupe-server <command>

  create-admin <name>                 create an administrator account
  user add <name> [--admin]           create an account
  user passwd <name>                  set a new password and sign out everywhere
  user list                           list accounts
  org create <name> --owner <user>    create an organization (and its workspace databases)
  org list                            list organizations
  member add <org> <user> <role>      give a user a role (${ROLES.join('|')})
  member remove <org> <user>          remove a member
  member list <org>                   list an organization's members
  export --workspace <id> (--project|--task|--job) <id> --format <id> [--images] --out <file.zip>

Passwords come from LOUPE_PASSWORD, else a hidden prompt, else the first line of stdin.
The data directory is LOUPE_DATA_DIR (default ./data); COUCHDB_URL selects CouchDB.`;

export async function main(argv: string[], formats: FormatLookup = serverFormats): Promise<number> {
  const dataDir = loadDataDir();
  const couchdbUrl = process.env.COUCHDB_URL?.trim() || undefined;
  const records = couchdbUrl ? couchRecords(couchdbUrl) : fileRecords(dataDir);
  const users = new UserStore(records);
  const orgs = new OrgStore(records.open('orgs', OrgsFileSchema, emptyOrgsFile));
  const [group, command, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const args = rest.filter((a) => !a.startsWith('--'));
  const where = couchdbUrl ? 'CouchDB' : dataDir;

  if (group === 'create-admin' && command !== undefined && rest.length === 0) {
    if (await users.get(command))
      throw new UserError(
        `User "${command}" already exists; use "user passwd ${command}" to change the password.`,
      );
    const user = await users.add(command, await readPassword(), { admin: true });
    console.log(`Created administrator "${user.name}" in ${where}.`);
    return 0;
  }
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
    console.log(`Created ${user.admin ? 'administrator' : 'user'} "${user.name}" in ${where}.`);
    return 0;
  }
  if (group === 'user' && command === 'passwd' && args.length === 1 && flags.size === 0) {
    const name = args[0] ?? '';
    await users.setPassword(name, await readPassword());
    await new TokenStore(records).revokeAllFor(name);
    console.log(`Password changed for "${name}"; existing sign-ins were revoked.`);
    return 0;
  }
  if (group === 'user' && command === 'list' && rest.length === 0) {
    const list = await users.list();
    if (list.length === 0) console.log(`No accounts in ${where}.`);
    for (const user of list) console.log(`${user.name}${user.admin ? '\tadmin' : ''}`);
    return 0;
  }
  if (group === 'org' && command === 'create' && rest.length === 3 && rest[1] === '--owner') {
    const [name = '', , owner = ''] = rest;
    if (!(await users.get(owner))) throw new UserError(`User "${owner}" does not exist.`);
    const backend = couchdbUrl ? createProxyBackend(couchdbUrl) : createEmbeddedBackend(dataDir);
    try {
      const org = await createOrg({ orgs, users, backend }, name, owner);
      console.log(`Created organization "${org.name}" (${org.id}) owned by "${owner}".`);
    } finally {
      await backend.close();
    }
    return 0;
  }
  if (group === 'org' && command === 'list' && rest.length === 0) {
    const all = await orgs.all();
    if (all.length === 0) console.log('No organizations.');
    for (const org of all) console.log(`${org.id}\t${org.name}\t${Object.keys(org.members).length} members`);
    return 0;
  }
  if (group === 'member' && command === 'add' && args.length === 3 && flags.size === 0) {
    const [org = '', name = '', role = ''] = args;
    if (!(await users.get(name))) throw new UserError(`User "${name}" does not exist.`);
    if (!isRole(role)) throw new UserError(`Unknown role "${role}"; use one of ${ROLES.join(', ')}.`);
    await orgs.setRole(org, name, role);
    console.log(`"${name}" is now ${role} of ${org}.`);
    return 0;
  }
  if (group === 'member' && command === 'remove' && args.length === 2 && flags.size === 0) {
    await orgs.removeMember(args[0] ?? '', args[1] ?? '');
    console.log(`"${args[1] ?? ''}" is no longer a member of ${args[0] ?? ''}.`);
    return 0;
  }
  if (group === 'member' && command === 'list' && args.length === 1 && flags.size === 0) {
    const org = await orgs.get(args[0] ?? '');
    if (!org) throw new OrgError(404, 'not_found', `No organization ${args[0] ?? ''}.`);
    for (const [name, role] of Object.entries(org.members)) console.log(`${name}\t${role}`);
    return 0;
  }
  if (group === 'export' && command !== undefined) {
    return exportCommand([command, ...rest], dataDir, couchdbUrl, formats);
  }
  console.error(USAGE);
  return 2;
}

async function exportCommand(
  argv: string[],
  dataDir: string,
  couchdbUrl: string | undefined,
  formats: FormatLookup,
): Promise<number> {
  const options = new Map<string, string>();
  let images = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--images') images = true;
    else if (arg.startsWith('--') && argv[i + 1] !== undefined)
      options.set(arg.slice(2), argv[++i] as string);
    else {
      console.error(`Unexpected argument "${arg}".\n\n${USAGE}`);
      return 2;
    }
  }
  const kinds = (['project', 'task', 'job'] as const).filter((k) => options.has(k));
  const ws = options.get('workspace');
  const format = options.get('format');
  const out = options.get('out');
  if (kinds.length !== 1 || !ws || !format || !out) {
    console.error(`export needs --workspace, one of --project/--task/--job, --format and --out.\n\n${USAGE}`);
    return 2;
  }
  const kind = kinds[0] as 'project' | 'task' | 'job';
  const backend = couchdbUrl ? createProxyBackend(couchdbUrl) : createEmbeddedBackend(dataDir);
  try {
    await backend.start();
    const file = createWriteStream(out);
    const done = finished(file);
    await writeExport(
      {
        backend,
        blobs: fileBlobStore(process.env.LOUPE_BLOB_DIR?.trim() || join(dataDir, 'blobs')),
        formats,
      },
      { ws, scope: { kind, id: options.get(kind) ?? '' }, format, saveImages: images },
      file,
    );
    await done;
    console.log(`Wrote ${out}.`);
    return 0;
  } finally {
    await backend.close();
  }
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

export function run(argv: string[], formats: FormatLookup = serverFormats): void {
  main(argv, formats).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const known =
        err instanceof UserError ||
        err instanceof OrgError ||
        err instanceof UnknownFormatError ||
        err instanceof ExportScopeError;
      console.error(known ? (err as Error).message : err);
      process.exit(1);
    },
  );
}

// Run when started as a script (not when imported by the bin shim or a test).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run(process.argv.slice(2));
