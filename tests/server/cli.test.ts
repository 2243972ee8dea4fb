import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Access } from '../../sync-server/access';
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

  it('changes passwords and adds members', async () => {
    await cli(['user', 'add', 'alice'], { LOUPE_PASSWORD: 'first-password' });
    const passwd = await cli(['user', 'passwd', 'alice'], { LOUPE_PASSWORD: 'second-password' });
    expect(passwd.code, passwd.stderr).toBe(0);
    expect(await new UserStore(dirs.dataDir).verify('alice', 'second-password')).toBeDefined();
    expect(await new UserStore(dirs.dataDir).verify('alice', 'first-password')).toBeUndefined();

    const member = await cli(['member', 'add', 'ws_01abc', 'alice', 'maintainer']);
    expect(member.code, member.stderr).toBe(0);
    expect(await new Access(dirs.dataDir).roleOf('ws_01abc', 'alice')).toBe('maintainer');
    const badRole = await cli(['member', 'add', 'ws_01abc', 'alice', 'boss']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('Unknown role');
  });
});
