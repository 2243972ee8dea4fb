import { join } from 'node:path';
import * as v from 'valibot';
import { redact } from './config';
import { JsonFile } from './jsonfile';

/**
 * Where the server keeps its own records (accounts, tokens, organizations, password resets,
 * and the failed sign-in and reset request counters of ratelimit.ts): one small JSON
 * document per kind, read whole and updated whole.
 *
 * - Embedded mode: files under `<data>/loupe/` (JsonFile), which the CLI can edit while the
 *   server runs.
 * - `COUCHDB_URL` mode: documents in the `loupe_meta` database of that CouchDB, so several
 *   server instances behind a load balancer share them. Updates use CouchDB's revisions
 *   (optimistic concurrency, retried on conflict), so two instances cannot lose each
 *   other's changes.
 */
export interface RecordStore<T> {
  /**
   * The current value. In COUCHDB_URL mode a read may be reused for up to a second; `fresh`
   * asks CouchDB again. (Files are revalidated on every read, so they are always fresh.)
   */
  read(options?: { fresh?: boolean }): Promise<T>;
  /** Applies `change` to a fresh copy and stores the result; `change` may run more than once. */
  update<R>(change: (data: T) => R): Promise<R>;
}

export type RecordKind = 'users' | 'tokens' | 'orgs' | 'resets' | 'login-failures' | 'reset-requests';

export interface RecordBackend {
  open<T>(kind: RecordKind, schema: v.GenericSchema<unknown, T>, empty: () => T): RecordStore<T>;
  describe: string;
}

export function fileRecords(dataDir: string): RecordBackend {
  return {
    open: (kind, schema, empty) => new JsonFile(join(dataDir, 'loupe', `${kind}.json`), schema, empty),
    describe: `files in ${join(dataDir, 'loupe')}`,
  };
}

export const META_DB = 'loupe_meta';

/** CouchDB could not be reached or refused the server's own request; answered as 502. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly status = 502;
}

/** How long a read from CouchDB is reused; bounds how late another instance's change is seen. */
const COUCH_READ_CACHE_MS = 1000;

export function couchRecords(couchdbUrl: string): RecordBackend {
  const base = new URL(couchdbUrl);
  const authorization = base.username
    ? 'Basic ' +
      Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString(
        'base64',
      )
    : undefined;
  base.username = '';
  base.password = '';
  const root = base.toString().replace(/\/+$/, '');
  const shown = redact(couchdbUrl);
  let created: Promise<void> | undefined;

  async function request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${root}/${path}`, {
        method,
        headers: {
          ...(authorization ? { authorization } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new UpstreamError(`CouchDB at ${shown} could not be reached: ${(err as Error).message}`);
    }
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  function ensureDb(): Promise<void> {
    created ??= request('PUT', META_DB).then(({ status }) => {
      if (status !== 201 && status !== 202 && status !== 412)
        throw new UpstreamError(`CouchDB at ${shown} refused to create ${META_DB} (HTTP ${status}).`);
    });
    created.catch(() => (created = undefined));
    return created;
  }

  return {
    describe: `the ${META_DB} database of CouchDB at ${shown}`,
    open<T>(kind: RecordKind, schema: v.GenericSchema<unknown, T>, empty: () => T): RecordStore<T> {
      let cache: { at: number; value: T } | undefined;
      const load = async (): Promise<{ value: T; rev?: string }> => {
        await ensureDb();
        const { status, json } = await request('GET', `${META_DB}/${kind}`);
        if (status === 404) return { value: empty() };
        if (status !== 200)
          throw new UpstreamError(`CouchDB at ${shown} answered ${status} for ${META_DB}/${kind}.`);
        const doc = json as { _rev: string; data: unknown };
        const parsed = v.safeParse(schema, doc.data);
        if (!parsed.success)
          throw new Error(`${META_DB}/${kind} is not in the expected format: ${v.summarize(parsed.issues)}`);
        return { value: parsed.output, rev: doc._rev };
      };
      return {
        async read(options) {
          if (!options?.fresh && cache && Date.now() - cache.at < COUCH_READ_CACHE_MS) return cache.value;
          const { value } = await load();
          cache = { at: Date.now(), value };
          return value;
        },
        async update(change) {
          for (let attempt = 0; attempt < 20; attempt++) {
            const { value, rev } = await load();
            const result = change(value);
            const { status } = await request('PUT', `${META_DB}/${kind}`, {
              ...(rev ? { _rev: rev } : {}),
              data: value,
            });
            if (status === 201 || status === 202) {
              cache = undefined;
              return result;
            }
            if (status !== 409)
              throw new Error(`CouchDB at ${shown} answered ${status} when saving ${META_DB}/${kind}.`);
            await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * (attempt + 1)));
          }
          throw new Error(`Could not save ${META_DB}/${kind}: too many concurrent changes.`);
        },
      };
    },
  };
}
