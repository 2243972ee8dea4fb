import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One server per data directory: LevelDB would refuse a second one with a cryptic lock
 * error, and two servers would overwrite each other's token files. The lock file holds the
 * owner's pid; a lock left by a process that no longer runs is taken over.
 */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = join(dataDir, 'loupe');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'server.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (pid && isRunning(pid)) {
      throw new DataDirInUseError(
        `The data directory ${dataDir} is in use by another Loupe server (pid ${pid}). Stop it or set LOUPE_DATA_DIR=... to another directory.`,
      );
    }
    await rm(path, { force: true });
  }
  throw new DataDirInUseError(`Could not lock the data directory ${dataDir}.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
}
