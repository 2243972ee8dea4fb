import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyOrgsFile, OrgsFileSchema, OrgStore } from '../../sync-server/orgs';
import { fileRecords } from '../../sync-server/records';
import { UserStore } from '../../sync-server/users';
import { tempDirs } from './helpers';
import { runScript } from './process';

describe('accounts CLI', () => {
  let dirs: Awaited<ReturnType<typeof tempDirs>>;
  const cli = (args: string[], env: Record<string, string | undefined> = {}, input?: string) =>
    runScript('sync-server/cli.ts', args, {
      env: { LOUPE_DATA_DIR: dirs.dataDir, LOUPE_PASSWORD: undefined, ...env },
      input,
    });

  beforeEach(async () => {
    dirs = await tempDirs();
  });
  afterEach(() => dirs.cleanup());

  it('adds users with the password from LOUPE_PASSWORD or stdin, and lists them', async () => {
    const admin = await cli(['user', 'add', 'root', '--admin'], { LOUPE_PASSWORD: 'from-the-env' });
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toContain('Created administrator "root"');

    const piped = await cli(['user', 'add', 'alice'], {}, 'from-stdin-pw\n');
    expect(piped.code, piped.stderr).toBe(0);

    const users = new UserStore(dirs.dataDir);
    expect(await users.verify('root', 'from-the-env')).toEqual({ name: 'root', admin: true });
    expect(await users.verify('alice', 'from-stdin-pw')).toEqual({ name: 'alice', admin: false });

    const list = await cli(['user', 'list']);
    expect(list.stdout.trim().split('\n')).toEqual(['alice', 'root\tadmin']);
  });

  it('refuses duplicates, bad names and short passwords with a clear message', async () => {
    await cli(['user', 'add', 'alice'], { LOUPE_PASSWORD: 'long-enough' });
    const dup = await cli(['user', 'add', 'alice'], { LOUPE_PASSWORD: 'long-enough' });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');

    const bad = await cli(['user', 'add', 'Not Valid'], { LOUPE_PASSWORD: 'long-enough' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid user name');

    const short = await cli(['user', 'add', 'bob'], { LOUPE_PASSWORD: 'short' });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 8 characters');

    const usage = await cli(['user', 'frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage:');
  });

  it('changes passwords, creates an admin and an organization, and manages members', async () => {
    await cli(['user', 'add', 'alice'], { LOUPE_PASSWORD: 'first-password' });
    const passwd = await cli(['user', 'passwd', 'alice'], { LOUPE_PASSWORD: 'second-password' });
    expect(passwd.code, passwd.stderr).toBe(0);
    expect(await new UserStore(dirs.dataDir).verify('alice', 'second-password')).toBeDefined();
    expect(await new UserStore(dirs.dataDir).verify('alice', 'first-password')).toBeUndefined();

    const admin = await cli(['create-admin', 'boss'], { LOUPE_PASSWORD: 'boss-password' });
    expect(admin.code, admin.stderr).toBe(0);
    expect(await new UserStore(dirs.dataDir).verify('boss', 'boss-password')).toEqual({
      name: 'boss',
      admin: true,
    });

    const created = await cli(['org', 'create', 'Acme', '--owner', 'boss']);
    expect(created.code, created.stderr).toBe(0);
    const id = /\(([0-9a-z]{26})\)/.exec(created.stdout)?.[1] ?? '';
    const orgs = () => new OrgStore(fileRecords(dirs.dataDir).open('orgs', OrgsFileSchema, emptyOrgsFile));
    expect(await orgs().roleOf(id, 'boss')).toBe('owner');

    const member = await cli(['member', 'add', id, 'alice', 'maintainer']);
    expect(member.code, member.stderr).toBe(0);
    expect(await orgs().roleOf(id, 'alice')).toBe('maintainer');
    const list = await cli(['member', 'list', id]);
    expect(list.stdout).toContain('alice\tmaintainer');
    const badRole = await cli(['member', 'add', id, 'alice', 'boss']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('Unknown role');
    const lastOwner = await cli(['member', 'remove', id, 'boss']);
    expect(lastOwner.code).toBe(1);
    expect(lastOwner.stderr).toContain('must keep an owner');
  });

  it('runs through the npx bin shim', async () => {
    const res = await runScript('sync-server/bin/loupe-server.js', ['user', 'list'], {
      env: { LOUPE_DATA_DIR: dirs.dataDir },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('No accounts');
  });
});
