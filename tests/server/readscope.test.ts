import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PouchDB, { type PouchDoc } from 'pouchdb-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, type Collection } from '../../sync-server/access';
import {
  decodeSince,
  encodeSeq,
  isVisible,
  scopeSelector,
  type ReadScope,
} from '../../sync-server/readscope';
import type { CouchDoc } from '../../sync-server/rules';
import { frameDoc, job, media, project, reviewDoc, SEED, task, trackDoc } from './fixtures';

const scope: ReadScope = {
  user: 'w1',
  jobs: new Set(['j1']),
  tasks: new Set(['t1']),
  projects: new Set(['p1']),
  epoch: '0123456789ab',
};

const DOCS: Record<Collection, CouchDoc[]> = {
  project: [project('p1'), project('p2')],
  task: [task('t1'), task('t2', 'p2')],
  job: [...(SEED.job ?? []), { ...job('j4', 0, 'w1x', 't2'), project_id: 'p2' }],
  media: [media('t1'), media('t2')],
  frame: [frameDoc('j1', 0), frameDoc('j1', 1), frameDoc('j2', 2), frameDoc('j4', 0)],
  track: [trackDoc('tr1', 'j1', [0]), trackDoc('tr2', 'j2', [2])],
  review: [reviewDoc('rv1', 'j1', 0), reviewDoc('rv2', 'j2', 2)],
};

describe('what a worker sees', () => {
  it('judges documents by their job, task and project', () => {
    const visible = (c: Collection) =>
      DOCS[c].filter((d) => isVisible(c, d._id as string, d, scope)).map((d) => d._id);
    expect(visible('job')).toEqual(['j1']);
    expect(visible('task')).toEqual(['t1']);
    expect(visible('project')).toEqual(['p1']);
    expect(visible('media')).toEqual(['t1:0']);
    expect(visible('frame')).toEqual(['j1:0', 'j1:1']);
    expect(visible('track')).toEqual(['tr1']);
    expect(visible('review')).toEqual(['rv1']);
  });

  it('judges bare tombstones by their id where the id tells, and hides the others', () => {
    const bare = (id: string) => ({ _id: id, _deleted: true });
    expect(isVisible('frame', 'j1:4', bare('j1:4'), scope)).toBe(true);
    expect(isVisible('frame', 'j2:4', bare('j2:4'), scope)).toBe(false);
    expect(isVisible('media', 't1:3', null, scope)).toBe(true);
    expect(isVisible('media', 't2:0', null, scope)).toBe(false);
    expect(isVisible('task', 't1', null, scope)).toBe(true);
    expect(isVisible('track', 'tr1', bare('tr1'), scope)).toBe(false);
    expect(isVisible('job', 'j1', bare('j1'), scope)).toBe(false);
    // A tombstone that kept its fields (as RxDB writes them) is judged by them.
    expect(isVisible('track', 'tr1', { ...trackDoc('tr1', 'j1', [0]), _deleted: true }, scope)).toBe(true);
  });

  it('reads sequences of the current epoch on, and any other from the start', () => {
    expect(encodeSeq(scope.epoch, 17)).toBe('j0123456789ab-17');
    expect(decodeSince('j0123456789ab-17', scope.epoch)).toBe(17);
    // CouchDB's opaque sequences pass through as they are.
    expect(decodeSince('j0123456789ab-12-g1AAAAB3eJzLYWBg', scope.epoch)).toBe('12-g1AAAAB3eJzLYWBg');
    expect(decodeSince('jffffffffffff-17', scope.epoch)).toBe(0);
    expect(decodeSince('17', scope.epoch)).toBe(0);
    expect(decodeSince('12-g1AAAAB3eJzLYWBg', scope.epoch)).toBe(0);
    expect(decodeSince('0', scope.epoch)).toBe(0);
    expect(decodeSince(undefined, scope.epoch)).toBe(0);
    expect(decodeSince('now', scope.epoch)).toBe('now');
  });
});

/** PouchDB's `_selector` change filter is the Mango matcher that CouchDB's `_find` uses. */
interface SelectorChanges {
  changes(options: Record<string, unknown>): Promise<{ results: { id: string }[] }>;
}

describe("the selector added to a worker's _find", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loupe-scope-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('matches exactly the documents a worker sees, combined with any selector', async () => {
    for (const c of COLLECTIONS) {
      const db = new PouchDB(join(dir, c));
      await db.bulkDocs(DOCS[c] as PouchDoc[]);
      const matched = async (selector: Record<string, unknown>) =>
        (
          await (db as unknown as SelectorChanges).changes({
            filter: '_selector',
            selector: { $and: [selector, scopeSelector(c, scope)] },
          })
        ).results
          .map((r) => r.id)
          .sort();
      const expected = DOCS[c]
        .filter((d) => isVisible(c, d._id as string, d, scope))
        .map((d) => d._id)
        .sort();
      expect(await matched({}), c).toEqual(expected);
      // A selector that asks for everything still gets only the visible documents.
      expect(await matched({ _id: { $gt: null } }), c).toEqual(expected);
      await db.close();
    }
  });
});
