// Minimal typings for the untyped server-side PouchDB packages, covering what the server
// and its tests use.

declare module 'pouchdb-node' {
  export interface PouchDoc {
    _id: string;
    _rev?: string;
    _deleted?: boolean;
    [key: string]: unknown;
  }

  export interface PouchResponse {
    ok: boolean;
    id: string;
    rev: string;
  }

  export interface ReplicationResult {
    ok: boolean;
    docs_written: number;
    docs_read: number;
    errors: unknown[];
    status: string;
  }

  export interface AllDocsResult {
    total_rows: number;
    rows: { id: string; key: string; value: { rev: string; deleted?: boolean }; doc?: PouchDoc | null }[];
  }

  export interface DatabaseOptions {
    prefix?: string;
    adapter?: string;
    skip_setup?: boolean;
    auth?: { username: string; password: string };
    fetch?: (url: string | URL, init: RequestInit & { headers: Headers }) => Promise<Response>;
  }

  export interface PouchDatabase {
    readonly name: string;
    info(): Promise<{ db_name: string; doc_count: number; update_seq: number | string }>;
    put(doc: PouchDoc): Promise<PouchResponse>;
    get(id: string): Promise<PouchDoc>;
    bulkDocs(docs: PouchDoc[]): Promise<(PouchResponse | { error: string; reason?: string; id?: string })[]>;
    allDocs(options?: { include_docs?: boolean; keys?: string[] }): Promise<AllDocsResult>;
    replicate: {
      to(target: PouchDatabase | string): Promise<ReplicationResult>;
      from(source: PouchDatabase | string): Promise<ReplicationResult>;
    };
    close(): Promise<void>;
    destroy(): Promise<void>;
  }

  export interface ReplicationOptions {
    live?: boolean;
    retry?: boolean;
    batch_size?: number;
    back_off_function?: (delay: number) => number;
  }

  /** A running (live) replication; also a promise of its result when not live. */
  export interface Replication extends Promise<ReplicationResult> {
    on(event: 'change', listener: (info: { docs_written: number; docs_read: number }) => void): this;
    on(event: 'paused' | 'active' | 'denied' | 'error' | 'complete', listener: (info: unknown) => void): this;
    cancel(): void;
  }

  export interface PouchDBStatic {
    new (name: string, options?: DatabaseOptions): PouchDatabase;
    replicate(
      source: PouchDatabase | string,
      target: PouchDatabase | string,
      options?: ReplicationOptions,
    ): Replication;
    defaults(options: DatabaseOptions): PouchDBStatic;
    fetch(url: string | URL, init?: RequestInit): Promise<Response>;
    /** Installed by express-pouchdb (pouchdb-all-dbs). */
    allDbs?(): Promise<string[]>;
    /** express-pouchdb's cache of open databases. */
    __dbCacheMap?: Map<string, PouchDatabase>;
  }

  const PouchDB: PouchDBStatic;
  export default PouchDB;
}

declare module 'express-pouchdb' {
  import type { Express } from 'express';
  import type { PouchDBStatic } from 'pouchdb-node';

  export interface ExpressPouchDBOptions {
    mode?: 'minimumForPouchDB' | 'fullCouchDB' | 'custom';
    overrideMode?: { include?: string[]; exclude?: string[] };
    configPath?: string;
    logPath?: string;
  }

  export interface ExpressPouchDBApp extends Express {
    setPouchDB(PouchDB: PouchDBStatic): Promise<void>;
  }

  function expressPouchDB(PouchDB: PouchDBStatic, options?: ExpressPouchDBOptions): ExpressPouchDBApp;
  /** Without a PouchDB; call setPouchDB() before the first request. */
  function expressPouchDB(options?: ExpressPouchDBOptions): ExpressPouchDBApp;
  export default expressPouchDB;
}

declare module 'express-pouchdb/lib/create-or-delete-dbs.js' {
  import type { PouchDatabase, PouchDBStatic } from 'pouchdb-node';

  /** express-pouchdb's shared, serialized cache of open databases (creates on first use). */
  export function getOrCreateDB(PouchDB: PouchDBStatic, name: string): Promise<PouchDatabase>;
  export function deleteDB(PouchDB: PouchDBStatic, name: string): Promise<unknown>;
}
