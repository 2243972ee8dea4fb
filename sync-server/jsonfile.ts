import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as v from 'valibot';

/**
 * A small JSON document on disk, validated on every read.
 *
 * Reads are cached and revalidated with stat(), so a change made by another process (the
 * accounts CLI while the server runs) is seen on the next request. Writes go to a temp file
 * that is fsynced and renamed over the old one, so a crash never leaves half a file.
 */

// One write queue per path, shared by every instance in this process, so two stores
// opened on the same file cannot lose each other's updates.
const queues = new Map<string, Promise<unknown>>();

export class JsonFile<T> {
  private cache: { key: string; value: T } | undefined;

  constructor(
    readonly path: string,
    private readonly schema: v.GenericSchema<unknown, T>,
    private readonly empty: () => T,
  ) {}

  async read(): Promise<T> {
    let key: string;
    try {
      const s = await stat(this.path);
      key = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (err) {
      if (isNotFound(err)) return this.empty();
      throw err;
    }
    if (this.cache?.key === key) return this.cache.value;
    const value = await this.load();
    this.cache = { key, value };
    return value;
  }

  /** Applies `change` to a fresh copy of the file and writes the result atomically. */
  update<R>(change: (data: T) => R): Promise<R> {
    const previous = queues.get(this.path) ?? Promise.resolve();
    const next = previous.then(async () => {
      const data = await this.load();
      const result = change(data);
      await this.write(data);
      return result;
    });
    // Keep the queue alive after a failed write; the caller still sees the error.
    queues.set(
      this.path,
      next.catch(() => undefined),
    );
    return next;
  }

  private async load(): Promise<T> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return this.empty();
      throw err;
    }
    const parsed: unknown = JSON.parse(text);
    const result = v.safeParse(this.schema, parsed);
    if (!result.success) {
      throw new Error(`${this.path} is not in the expected format: ${v.summarize(result.issues)}`);
    }
    return result.output;
  }

  private async write(data: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(data, null, 2) + '\n', 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.path);
    this.cache = undefined;
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}
