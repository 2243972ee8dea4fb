import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, type Collection } from '../../sync-server/access';
import { formatLookup } from '../../sync-server/formats';
import type { OrgSummary } from '../../sync-server/orgs';
import type { FormatCodec } from '../../src/lib/formats/types';
import { box, frameDoc, job, media, project, seed, task, trackDoc } from './fixtures';
import {
  addMember,
  basic,
  bearer,
  call,
  makeOrg,
  startTestServer,
  userWithToken,
  type TestServer,
} from './helpers';

/**
 * Attack requests against a seeded workspace. Each one must be refused with the status
 * given AND leave every document, database, blob and membership exactly as it was.
 */
const MAX_BLOB = 1024;

const csv: FormatCodec = {
  name: 'CSV',
  version: '1.0',
  id: 'csv',
  dimension: '2d',
  kinds: ['rectangle'],
  importExtensions: ['zip'],
  async export(dataset, sink) {
    await sink.write('boxes.csv', dataset.shapes.map((s) => `${s.frame},${s.label_id}`).join('\n'));
  },
};

/**
 * A second project and task whose only job belongs to w2: with the seed, everything w1 must
 * never read (w1 holds j1 of t1 in p1).
 */
const SECOND_TASK = {
  project: [project('p2')],
  task: [task('t2', 'p2')],
  job: [{ ...job('j4', 0, 'w2', 't2'), project_id: 'p2' }],
  media: [media('t2')],
  frame: [frameDoc('j4', 0, [box('o4', 0)])],
};
const FOREIGN = new Set(['p2', 't2', 'j2', 'j3', 'j4', 't2:0', 'j2:2', 'j4:0', 'tr2', 'rv2']);

/** The ids of every document (or change, or row) an answer shows; error rows do not count. */
function shownIds(text: string): string[] {
  const ids: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const v = value as Record<string, unknown>;
    if (typeof v._id === 'string') ids.push(v._id);
    if (typeof v.id === 'string' && (v.changes !== undefined || v.value !== undefined)) ids.push(v.id);
    if (v.error !== undefined && v.ok === undefined) return;
    Object.values(v).forEach(walk);
  };
  try {
    walk(JSON.parse(text));
  } catch {
    // Not JSON (an attachment's bytes): judged by the status alone.
  }
  return ids;
}

function expectNoForeign(res: { text: string }): void {
  const leaked = shownIds(res.text).filter((id) => FOREIGN.has(id));
  expect(leaked, res.text).toEqual([]);
  expect(res.text).not.toContain('foreign note');
}

interface Attack {
  name: string;
  status: number;
  send: () => Promise<{ status: number; text: string; headers: Headers }>;
  /** Extra checks on the answer. */
  check?: (res: { status: number; text: string; headers: Headers }) => void;
}

describe('security suite: refused attacks change nothing', () => {
  let server: TestServer;
  let A: OrgSummary;
  let B: OrgSummary;
  const auth: Record<string, string> = {};
  let expiredToken: string;
  let revokedToken: string;
  const blobBytes = Buffer.from('a small blob of media bytes');
  const blobSha = createHash('sha256').update(blobBytes).digest('hex');

  beforeAll(async () => {
    server = await startTestServer(
      { maxBlobBytes: MAX_BLOB, loginLimits: { windowMs: 60_000, maxPerUser: 5, maxPerIp: 1000 } },
      {},
    );
    server.services.formats = formatLookup([csv]);
    for (const name of ['olga', 'mia', 'sam', 'w1', 'w2', 'nina', 'bert', 'victim'])
      auth[name] = await userWithToken(server, name);
    auth.root = await userWithToken(server, 'root', 'root-password', true);
    A = await makeOrg(server, auth.olga as string, 'Alpha');
    B = await makeOrg(server, auth.bert as string, 'Beta');
    await addMember(server, A.id, 'mia', 'maintainer');
    await addMember(server, A.id, 'sam', 'supervisor');
    await addMember(server, A.id, 'w1', 'worker');
    await addMember(server, A.id, 'w2', 'worker');
    await seed(server, A.databases, auth.olga as string);
    await seed(server, A.databases, auth.olga as string, SECOND_TASK);
    // An attachment on a foreign frame (only administrators write attachments).
    const foreign = await call(server, `/db/${A.databases.frame}/j2:2`, { auth: auth.olga });
    const attached = await call(
      server,
      `/db/${A.databases.frame}/j2:2/note.txt?rev=${String((foreign.body as { _rev: string })._rev)}`,
      { method: 'PUT', auth: auth.root, body: 'foreign note', headers: { 'content-type': 'text/plain' } },
    );
    expect(attached.status).toBe(201);
    await seed(server, B.databases, auth.bert as string, { frame: [frameDoc('jb', 0, [box('ob', 0)])] });
    const up = await call(server, `/api/workspaces/${A.id}/blobs/${blobSha}`, {
      method: 'PUT',
      auth: auth.olga,
      headers: { 'content-type': 'application/octet-stream' },
      body: blobBytes,
    });
    expect(up.status).toBe(201);

    expiredToken = (await server.services.tokens.issue('w1', Date.now() - 31 * 86_400_000)).token;
    revokedToken = (await server.services.tokens.issue('w1')).token;
    await server.services.tokens.revoke(revokedToken);
  });
  afterAll(() => server.stop());

  /** Every document (with its revision) of both workspaces, the databases, blobs and memberships. */
  async function snapshot(): Promise<string> {
    const docs: Record<string, unknown> = {};
    for (const org of [A, B])
      for (const c of COLLECTIONS)
        docs[org.databases[c]] = await server.services.backend.allDocs(org.databases[c]);
    const databases = (await readdir(join(server.dirs.dataDir, 'couch'))).sort();
    const blobs: string[] = [];
    const blobDir = join(server.dirs.dataDir, 'blobs');
    for (const entry of await readdir(blobDir, { recursive: true }).catch(() => [] as string[])) {
      const s = await stat(join(blobDir, entry));
      if (s.isFile()) blobs.push(`${entry}:${s.size}`);
    }
    const orgs = await server.services.orgs.all();
    const users = await server.services.users.list();
    return JSON.stringify({ docs, databases, blobs: blobs.sort(), orgs, users });
  }

  // The attacks are listed before the workspaces exist; their ids are filled in when sent.
  const fill = (path: string) =>
    path.replaceAll('@A@', A.id).replaceAll('@B@', B.id).replaceAll('@a@', A.id.toUpperCase());
  const req = (path: string, options: Parameters<typeof call>[2] = {}) => call(server, fill(path), options);
  const raw = (path: string, authorization: string) => rawRequest(server.url, fill(path), authorization);
  const db = (c: Collection, org: 'A' | 'B' = 'A') => `/db/ws_@${org}@__${c}`;
  const as = (who: string) => auth[who] as string;
  const get = (path: string, who?: string) => () => req(path, { auth: who && as(who) });
  const send =
    (method: string, path: string, json: unknown, who?: string, headers?: Record<string, string>) => () =>
      req(path, {
        method,
        auth: who ? (who.includes(' ') ? who : as(who)) : undefined,
        json,
        headers,
      });
  const bulk = (c: Collection, docs: unknown[], who: string, org: 'A' | 'B' = 'A') =>
    send('POST', `${db(c, org)}/_bulk_docs`, { docs }, who);
  const stored = async (c: Collection, id: string) => {
    const res = await req(`${db(c)}/${encodeURIComponent(id)}`, { auth: as('olga') });
    return res.body as Record<string, unknown>;
  };

  const attacks: Attack[] = [
    // No, bad, expired and revoked credentials.
    { name: 'no token: read _all_docs', status: 401, send: () => get(`${db('frame')}/_all_docs`)() },
    { name: 'no token: _bulk_docs', status: 401, send: () => bulk('frame', [frameDoc('j1', 1)], '')() },
    {
      name: 'forged token: _changes',
      status: 401,
      send: () =>
        send('GET', `${db('frame')}/_changes`, undefined, bearer(randomBytes(32).toString('base64url')))(),
    },
    {
      name: 'expired token: PUT a frame of own job',
      status: 401,
      send: () => send('PUT', `${db('frame')}/j1:1`, frameDoc('j1', 1), bearer(expiredToken))(),
    },
    {
      name: 'revoked token: _bulk_docs',
      status: 401,
      send: () =>
        send('POST', `${db('frame')}/_bulk_docs`, { docs: [frameDoc('j1', 1)] }, bearer(revokedToken))(),
    },
    {
      name: 'wrong Basic password: write',
      status: 401,
      send: () => send('PUT', `${db('frame')}/j1:1`, frameDoc('j1', 1), basic('w1', 'not-the-password'))(),
    },
    {
      name: 'malformed Basic credentials',
      status: 401,
      send: () => send('GET', `${db('frame')}/_all_docs`, undefined, 'Basic bm9jb2xvbg==')(),
    },
    {
      name: 'no token: blob download',
      status: 401,
      send: () => get(`/api/workspaces/@A@/blobs/${blobSha}`)(),
    },

    // A signed-in user who is not a member: every kind of endpoint.
    { name: 'non-member: database info', status: 403, send: get(db('frame'), 'nina') },
    { name: 'non-member: read a document', status: 403, send: get(`${db('frame')}/j1:0`, 'nina') },
    {
      name: 'non-member: _changes',
      status: 403,
      send: get(`${db('frame')}/_changes?include_docs=true`, 'nina'),
    },
    {
      name: 'non-member: POST _all_docs',
      status: 403,
      send: send('POST', `${db('frame')}/_all_docs`, { keys: ['j1:0'] }, 'nina'),
    },
    {
      name: 'non-member: _bulk_get',
      status: 403,
      send: send('POST', `${db('frame')}/_bulk_get`, { docs: [{ id: 'j1:0' }] }, 'nina'),
    },
    {
      name: 'non-member: _revs_diff',
      status: 403,
      send: send('POST', `${db('frame')}/_revs_diff`, { 'j1:0': ['1-x'] }, 'nina'),
    },
    { name: 'non-member: _bulk_docs', status: 403, send: bulk('frame', [frameDoc('j1', 1)], 'nina') },
    {
      name: 'non-member: PUT a document',
      status: 403,
      send: send('PUT', `${db('frame')}/j1:1`, frameDoc('j1', 1), 'nina'),
    },
    {
      name: 'non-member: DELETE a document',
      status: 403,
      send: send('DELETE', `${db('frame')}/j1:0?rev=1-x`, undefined, 'nina'),
    },
    {
      name: 'non-member: _local document',
      status: 403,
      send: send('PUT', `${db('frame')}/_local/cp`, { seq: 1 }, 'nina'),
    },
    { name: 'non-member: design document read', status: 403, send: get(`${db('frame')}/_design/x`, 'nina') },
    {
      name: 'non-member: blob download',
      status: 403,
      send: get(`/api/workspaces/@A@/blobs/${blobSha}`, 'nina'),
    },
    {
      name: 'non-member: blob upload',
      status: 403,
      send: () =>
        req(`/api/workspaces/@A@/blobs/${sha('x')}`, {
          method: 'PUT',
          auth: as('nina'),
          body: Buffer.from('x'),
        }),
    },
    {
      name: 'non-member: export',
      status: 403,
      send: get(`/api/workspaces/@A@/tasks/t1/export?format=csv`, 'nina'),
    },
    { name: 'non-member: organization details', status: 403, send: get(`/api/orgs/@A@`, 'nina') },
    {
      name: 'non-member: invite themself',
      status: 403,
      send: send('POST', `/api/orgs/@A@/invitations`, { role: 'owner' }, 'nina'),
    },
    {
      name: 'non-member: give themself a role',
      status: 403,
      send: send('PUT', `/api/orgs/@A@/members/nina`, { role: 'owner' }, 'nina'),
    },

    // A worker outside their own job, and outside annotations.
    {
      name: "worker writes another's job frame",
      status: 403,
      send: send('PUT', `${db('frame')}/j2:3`, frameDoc('j2', 3), 'w1'),
    },
    {
      name: 'worker: a batch with one foreign frame writes nothing',
      status: 403,
      send: bulk('frame', [frameDoc('j1', 1, [box('mine', 1)]), frameDoc('j2', 3)], 'w1'),
    },
    {
      name: "worker edits another's stored frame claiming their own job",
      status: 403,
      send: async () => {
        const current = await stored('frame', 'j2:2');
        return bulk('frame', [{ ...current, job_id: 'j1', objects: {} }], 'w1')();
      },
    },
    {
      name: 'worker writes a frame under a foreign id',
      status: 403,
      send: send('PUT', `${db('frame')}/j2:5`, { ...frameDoc('j1', 5), _id: 'j2:5' }, 'w1'),
    },
    {
      name: "worker deletes another's track",
      status: 403,
      send: async () => {
        const current = await stored('track', 'tr2');
        return req(`${db('track')}/tr2?rev=${String(current._rev)}`, {
          method: 'DELETE',
          auth: as('w1'),
        });
      },
    },
    {
      name: "worker writes a review on another's job",
      status: 403,
      send: bulk(
        'review',
        [{ _id: 'rvx', job_id: 'j2', frame: 2, position: [], resolved: false, comments: [] }],
        'w1',
      ),
    },
    {
      name: 'worker writes a track for a job that does not exist',
      status: 403,
      send: bulk('track', [trackDoc('trx', 'nojob', [0])], 'w1'),
    },
    {
      name: 'worker changes the labels of the project',
      status: 403,
      send: async () => {
        const current = await stored('project', 'p1');
        return bulk('project', [{ ...current, labels: [] }], 'w1')();
      },
    },
    {
      name: 'worker changes a task (deletes frames)',
      status: 403,
      send: async () => {
        const current = await stored('task', 't1');
        return send('PUT', `${db('task')}/t1`, { ...current, deleted_frames: [0, 1] }, 'w1')();
      },
    },
    { name: 'worker creates a project', status: 403, send: bulk('project', [project('p9')], 'w1') },
    {
      name: 'worker deletes a job',
      status: 403,
      send: async () => {
        const current = await stored('job', 'j1');
        return req(`${db('job')}/j1?rev=${String(current._rev)}`, {
          method: 'DELETE',
          auth: as('w1'),
        });
      },
    },
    {
      name: 'worker deletes a task through _bulk_docs',
      status: 403,
      send: async () => {
        const current = await stored('task', 't1');
        return bulk('task', [{ _id: 't1', _rev: current._rev, _deleted: true }], 'w1')();
      },
    },
    {
      name: 'worker assigns an unassigned job to themself',
      status: 403,
      send: async () => {
        const current = await stored('job', 'j3');
        return bulk('job', [{ ...current, assignee: 'w1' }], 'w1')();
      },
    },
    {
      name: 'worker reassigns their own job to someone else',
      status: 403,
      send: async () => {
        const current = await stored('job', 'j1');
        return bulk('job', [{ ...current, assignee: 'w2' }], 'w1')();
      },
    },
    {
      name: 'worker widens the frame range of their job',
      status: 403,
      send: async () => {
        const current = await stored('job', 'j1');
        return bulk('job', [{ ...current, stop_frame: 5 }], 'w1')();
      },
    },
    { name: 'worker writes a media chunk', status: 403, send: bulk('media', [media('t2')], 'w1') },
    {
      name: 'worker writes a design document',
      status: 403,
      send: send(
        'PUT',
        `${db('frame')}/_design/evil`,
        { views: { v: { map: 'function(d){emit(d._id)}' } } },
        'w1',
      ),
    },
    {
      name: 'worker puts a design document inside _bulk_docs',
      status: 403,
      send: bulk('frame', [{ _id: '_design/evil', validate_doc_update: 'function(){}' }], 'w1'),
    },
    {
      name: 'worker puts an attachment on their own frame',
      status: 403,
      send: send('PUT', `${db('frame')}/j1:0/evil.bin`, { a: 1 }, 'w1'),
    },
    {
      name: 'worker runs a temporary view',
      status: 403,
      send: send('POST', `${db('frame')}/_temp_view`, { map: 'function(d){emit(d._id)}' }, 'w1'),
    },
    {
      name: 'worker uploads media',
      status: 403,
      send: () =>
        req(`/api/workspaces/@A@/blobs/${sha('w')}`, {
          method: 'PUT',
          auth: as('w1'),
          body: Buffer.from('w'),
        }),
    },

    // A worker reading beyond their own jobs: answered, but without a foreign document.
    ...COLLECTIONS.map((c): Attack => ({
      name: `worker reads ${c} _changes with documents`,
      status: 200,
      send: get(`${db(c)}/_changes?include_docs=true&style=all_docs`, 'w1'),
      check: expectNoForeign,
    })),
    ...(['frame', 'job', 'task', 'review'] as const).map((c): Attack => ({
      name: `worker reads ${c} _changes without documents`,
      status: 200,
      send: get(`${db(c)}/_changes`, 'w1'),
      check: expectNoForeign,
    })),
    {
      name: 'worker POSTs _changes (long poll from the start)',
      status: 200,
      send: send('POST', `${db('track')}/_changes?feed=longpoll&since=0&timeout=200`, {}, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker asks for a forged epoch in since',
      status: 200,
      send: get(`${db('frame')}/_changes?include_docs=true&since=j000000000000-0`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker reads _all_docs with documents',
      status: 200,
      send: get(`${db('frame')}/_all_docs?include_docs=true`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker reads _all_docs of jobs without documents',
      status: 200,
      send: get(`${db('job')}/_all_docs`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker reads a key range of _all_docs',
      status: 200,
      send: get(`${db('frame')}/_all_docs?startkey=%22j2%22&endkey=%22j5%22&include_docs=true`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker POSTs _all_docs with foreign keys',
      status: 200,
      send: send(
        'POST',
        `${db('frame')}/_all_docs`,
        { keys: ['j2:2', 'j4:0', 'j1:0'], include_docs: true },
        'w1',
      ),
      check: expectNoForeign,
    },
    {
      name: 'worker GETs _all_docs with foreign keys',
      status: 200,
      send: get(`${db('media')}/_all_docs?include_docs=true&keys=${encodeURIComponent('["t2:0"]')}`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker reads one foreign key of _all_docs',
      status: 200,
      send: get(`${db('task')}/_all_docs?key=%22t2%22`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker _bulk_get of foreign documents',
      status: 200,
      send: send(
        'POST',
        `${db('frame')}/_bulk_get?revs=true`,
        { docs: [{ id: 'j2:2' }, { id: 'j4:0' }] },
        'w1',
      ),
      check: expectNoForeign,
    },
    {
      name: 'worker _bulk_get of a foreign review',
      status: 200,
      send: send('POST', `${db('review')}/_bulk_get`, { docs: [{ id: 'rv2' }] }, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker _find over every frame',
      // The embedded store has no _find (400); with CouchDB the selector is narrowed to the jobs.
      status: 400,
      send: send('POST', `${db('frame')}/_find`, { selector: { job_id: { $gt: null } } }, 'w1'),
      check: expectNoForeign,
    },
    ...(
      [
        ['frame', 'j2:2'],
        ['track', 'tr2'],
        ['review', 'rv2'],
        ['job', 'j3'],
        ['task', 't2'],
        ['project', 'p2'],
        ['media', 't2:0'],
      ] as const
    ).map(([c, id]): Attack => ({
      name: `worker GETs the foreign ${c} ${id}`,
      status: 404,
      send: get(`${db(c)}/${encodeURIComponent(id)}`, 'w1'),
      check: expectNoForeign,
    })),
    {
      name: 'worker GETs a foreign frame with open_revs',
      status: 404,
      send: get(`${db('frame')}/j2:2?open_revs=all&revs=true`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: "worker GETs a foreign frame's attachment",
      status: 404,
      send: get(`${db('frame')}/j2:2/note.txt`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker opens a continuous feed',
      status: 403,
      send: get(`${db('frame')}/_changes?feed=continuous&include_docs=true`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker opens an eventsource feed',
      status: 403,
      send: get(`${db('frame')}/_changes?feed=eventsource&include_docs=true`, 'w1'),
      check: expectNoForeign,
    },
    {
      name: 'worker filters changes by a foreign doc id',
      status: 200,
      send: get(
        `${db('frame')}/_changes?include_docs=true&filter=_doc_ids&doc_ids=${encodeURIComponent('["j2:2"]')}`,
        'w1',
      ),
      check: (res) => {
        expectNoForeign(res);
        expect((JSON.parse(res.text) as { results: unknown[] }).results).toEqual([]);
      },
    },
    {
      name: 'worker POSTs doc_ids with the _doc_ids filter',
      status: 200,
      send: send(
        'POST',
        `${db('review')}/_changes?filter=_doc_ids&include_docs=true`,
        { doc_ids: ['rv2'] },
        'w1',
      ),
      check: expectNoForeign,
    },
    {
      name: 'worker filters changes by a view',
      status: 403,
      send: get(`${db('frame')}/_changes?filter=_view&view=x/y`, 'w1'),
    },
    {
      name: 'worker reads changes newest first',
      status: 403,
      send: get(`${db('frame')}/_changes?descending=true`, 'w1'),
    },
    {
      name: 'worker reads through an unknown endpoint',
      status: 403,
      send: get(`${db('frame')}/_partition/x/_all_docs`, 'w1'),
    },

    // A supervisor beyond assigning.
    {
      name: 'supervisor changes project labels',
      status: 403,
      send: async () => {
        const current = await stored('project', 'p1');
        return bulk('project', [{ ...current, labels: [{ ...current, name: 'truck' }] }], 'sam')();
      },
    },
    {
      name: 'supervisor changes the frame range while assigning',
      status: 403,
      send: async () => {
        const current = await stored('job', 'j3');
        return bulk('job', [{ ...current, assignee: 'w1', start_frame: 0 }], 'sam')();
      },
    },
    { name: 'supervisor creates a job', status: 403, send: bulk('job', [job('j9', 0, 'w1')], 'sam') },
    {
      name: 'supervisor deletes a task',
      status: 403,
      send: async () => {
        const current = await stored('task', 't1');
        return req(`${db('task')}/t1?rev=${String(current._rev)}`, {
          method: 'DELETE',
          auth: as('sam'),
        });
      },
    },

    // Maintainers and owners within their limits.
    {
      name: 'maintainer removes the owner',
      status: 403,
      send: send('DELETE', `/api/orgs/@A@/members/olga`, undefined, 'mia'),
    },
    {
      name: 'maintainer invites an owner',
      status: 403,
      send: send('POST', `/api/orgs/@A@/invitations`, { role: 'owner' }, 'mia'),
    },
    {
      name: 'maintainer deletes the organization',
      status: 403,
      send: send('DELETE', `/api/orgs/@A@`, undefined, 'mia'),
    },
    {
      name: 'owner deletes a workspace database directly',
      status: 403,
      send: send('DELETE', db('frame'), undefined, 'olga'),
    },

    // Another workspace.
    {
      name: 'worker writes into another workspace',
      status: 403,
      send: bulk('frame', [frameDoc('jb', 1)], 'w1', 'B'),
    },
    {
      name: 'owner of one workspace writes into another',
      status: 403,
      send: bulk('frame', [frameDoc('jb', 1)], 'olga', 'B'),
    },
    {
      name: "owner reads another workspace's changes",
      status: 403,
      send: get(`${db('frame', 'B')}/_changes`, 'olga'),
    },
    {
      name: "blob from another workspace's URL",
      status: 403,
      send: get(`/api/workspaces/@B@/blobs/${blobSha}`, 'olga'),
    },

    // Server-level endpoints.
    { name: '_users read', status: 403, send: get('/db/_users/_all_docs', 'olga') },
    {
      name: '_users account creation',
      status: 403,
      send: send(
        'PUT',
        '/db/_users/org.couchdb.user:evil',
        { name: 'evil', password: 'x', roles: ['_admin'], type: 'user' },
        'olga',
      ),
    },
    { name: '_config read', status: 403, send: get('/db/_config', 'olga') },
    { name: '_config write', status: 403, send: send('PUT', '/db/_config/admins/evil', 'pw', 'olga') },
    { name: '_all_dbs', status: 403, send: get('/db/_all_dbs', 'olga') },
    {
      name: '_session login',
      status: 403,
      send: send('POST', '/db/_session', { name: 'olga', password: 'x' }, 'olga'),
    },
    {
      name: '_replicate to copy a workspace out',
      status: 403,
      send: send('POST', '/db/_replicate', { source: 'ws_@A@__frame', target: 'http://evil/x' }, 'olga'),
    },
    { name: '_replicator database', status: 403, send: get('/db/_replicator', 'olga') },
    {
      name: 'create a database outside the workspaces',
      status: 403,
      send: send('PUT', '/db/stolen', undefined, 'olga'),
    },
    {
      name: 'create the databases of a workspace that does not exist',
      status: 404,
      send: send('PUT', `/db/ws_${'z'.repeat(26)}__frame`, undefined, 'olga'),
    },

    // Path tricks in database names.
    {
      name: 'encoded slash to climb out',
      status: 403,
      send: () => raw(`/db/ws_@A@__frame%2F..%2F_users`, as('olga')),
    },
    {
      name: 'dot-dot segment',
      status: 400,
      send: () => raw(`/db/ws_@A@__frame/../_all_dbs`, as('olga')),
    },
    {
      name: 'encoded dot-dot segment',
      status: 400,
      send: () => raw(`/db/ws_@A@__frame/%2e%2e/_config`, as('olga')),
    },
    {
      name: 'upper-case database name',
      status: 403,
      send: get('/db/WS_@a@__FRAME', 'olga'),
    },
    { name: 'unknown collection suffix', status: 403, send: get(`/db/ws_@A@__secrets`, 'olga') },
    {
      name: 'double-encoded slash',
      status: 403,
      send: () => raw(`/db/ws_@A@__frame%252F_users`, as('olga')),
    },
    { name: 'empty segment', status: 403, send: () => raw(`/db//_all_dbs`, as('olga')) },
    {
      name: 'workspace name with a suffix',
      status: 403,
      send: get(`/db/ws_@A@__framex/_all_docs`, 'olga'),
    },

    // Blobs.
    {
      name: 'oversized blob (Content-Length)',
      status: 413,
      send: () =>
        req(`/api/workspaces/@A@/blobs/${sha('big')}`, {
          method: 'PUT',
          auth: as('olga'),
          body: Buffer.alloc(MAX_BLOB + 1, 7),
        }),
      check: (res) => expect(res.text).toContain('LOUPE_MAX_BLOB_MB'),
    },
    {
      name: 'oversized blob (declared total of a chunked upload)',
      status: 413,
      send: () =>
        req(`/api/workspaces/@A@/blobs/${sha('big2')}`, {
          method: 'PUT',
          auth: as('olga'),
          body: Buffer.alloc(10, 7),
          headers: { 'content-range': `bytes 0-9/${MAX_BLOB * 4}` },
        }),
    },
    {
      name: 'blob whose bytes do not match the hash',
      status: 400,
      send: () =>
        req(`/api/workspaces/@A@/blobs/${sha('expected')}`, {
          method: 'PUT',
          auth: as('olga'),
          body: Buffer.from('something else'),
        }),
      check: (res) => expect(res.text).toContain('hash_mismatch'),
    },
    {
      name: 'blob name that is not a lowercase SHA-256',
      status: 400,
      send: () =>
        req(`/api/workspaces/@A@/blobs/${sha('x').toUpperCase()}`, {
          method: 'PUT',
          auth: as('olga'),
          body: Buffer.from('x'),
        }),
    },
    {
      name: 'blob chunk at the wrong offset',
      status: 409,
      send: () =>
        req(`/api/workspaces/@A@/blobs/${sha('0123456789')}`, {
          method: 'PUT',
          auth: as('olga'),
          body: Buffer.from('56789'),
          headers: { 'content-range': 'bytes 5-9/10' },
        }),
    },

    // Cross-origin requests.
    {
      name: 'request from a foreign origin',
      status: 403,
      send: () =>
        req(`${db('frame')}/_all_docs`, {
          auth: as('olga'),
          headers: { origin: 'https://evil.example' },
        }),
    },
    {
      name: 'preflight from a foreign origin',
      status: 403,
      send: () =>
        req(`${db('frame')}/_bulk_docs`, {
          method: 'OPTIONS',
          headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
        }),
    },
  ];

  it('has at least 40 attacks', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
  });

  for (const attack of attacks) {
    it(`refuses: ${attack.name}`, async () => {
      const before = await snapshot();
      const res = await attack.send();
      expect(res.status, res.text).toBe(attack.status);
      attack.check?.(res);
      expect(await snapshot()).toBe(before);
    });
  }

  it('refuses login brute force with 429 and Retry-After, even with the right password', async () => {
    const before = await snapshot();
    const login = (password: string) =>
      call(server, '/api/auth/login', { method: 'POST', json: { username: 'victim', password } });
    for (let i = 0; i < 5; i++) expect((await login(`guess-${i}-guess`)).status).toBe(401);
    const blocked = await login('correct horse battery');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Basic credentials count against the same name.
    expect(
      (await call(server, `${db('frame')}/_all_docs`, { auth: basic('victim', 'correct horse battery') }))
        .status,
    ).toBe(429);
    expect(await snapshot()).toBe(before);
  });

  it('lets a worker read exactly their job, its task and project, and its annotations', async () => {
    const ids = async (c: Collection, who = 'w1') => {
      const res = await req(`${db(c)}/_changes?include_docs=true`, { auth: as(who) });
      expect(res.status).toBe(200);
      const body = res.body as { results: { id: string; seq: string }[]; last_seq: string };
      expect(body.last_seq).toMatch(/^j[0-9a-f]{12}-/);
      return body.results.map((r) => r.id).sort();
    };
    expect(await ids('job')).toEqual(['j1']);
    expect(await ids('task')).toEqual(['t1']);
    expect(await ids('project')).toEqual(['p1']);
    expect(await ids('media')).toEqual(['t1:0']);
    expect(await ids('frame')).toEqual(['j1:0']);
    expect(await ids('track')).toEqual([]);
    expect(await ids('frame', 'w2')).toEqual(['j2:2', 'j4:0']);
    expect(await ids('task', 'w2')).toEqual(['t1', 't2']);
    // Supervisors read everything, with the store's own sequences.
    const all = await req(`${db('frame')}/_changes`, { auth: as('sam') });
    expect((all.body as { results: unknown[] }).results).toHaveLength(3);
    // A checkpoint taken as a worker, used after a promotion, reads everything from the start.
    const asWorker = await req(`${db('frame')}/_changes`, { auth: as('w1') });
    const since = encodeURIComponent((asWorker.body as { last_seq: string }).last_seq);
    const promoted = await req(`${db('frame')}/_changes?since=${since}`, { auth: as('sam') });
    expect(promoted.status).toBe(200);
    expect((promoted.body as { results: unknown[] }).results).toHaveLength(3);
    const own = await req(`${db('frame')}/j1:0`, { auth: as('w1') });
    expect(own.status).toBe(200);
    const rows = await req(`${db('frame')}/_all_docs`, {
      method: 'POST',
      auth: as('w1'),
      json: { keys: ['j1:0', 'j2:2'] },
    });
    expect((rows.body as { rows: unknown[] }).rows).toEqual([
      { id: 'j1:0', key: 'j1:0', value: { rev: expect.any(String) } },
      { key: 'j2:2', error: 'not_found' },
    ]);
  });

  it('lets the legitimate writes through (the attacks failed for the right reason)', async () => {
    const own = await req(`${db('frame')}/_bulk_docs`, {
      method: 'POST',
      auth: as('w1'),
      json: { docs: [frameDoc('j1', 1, [box('mine', 1)])] },
    });
    expect(own.status).toBe(201);
    const current = await stored('job', 'j3');
    const assign = await req(`${db('job')}/_bulk_docs`, {
      method: 'POST',
      auth: as('sam'),
      json: { docs: [{ ...current, assignee: 'w1', stage: 'validation' }] },
    });
    expect(assign.status).toBe(201);
    const j1 = await stored('job', 'j1');
    const finish = await req(`${db('job')}/j1`, {
      method: 'PUT',
      auth: as('w1'),
      json: { ...j1, state: 'completed' },
    });
    expect(finish.status).toBe(201);
    const p1 = await stored('project', 'p1');
    const relabel = await req(`${db('project')}/p1`, {
      method: 'PUT',
      auth: as('mia'),
      json: { ...p1, name: 'Roads' },
    });
    expect(relabel.status).toBe(201);
    expect(await req(`${db('task')}/t1`, { auth: as('w2') })).toMatchObject({ status: 200 });
    expect(
      (
        await req(`${db('frame')}/_local/checkpoint`, {
          method: 'PUT',
          auth: as('w2'),
          json: { seq: 3 },
        })
      ).status,
    ).toBe(201);
    expect((await req(`/db/_all_dbs`, { auth: as('root') })).status).toBe(200);
  });
});

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A request with the path sent exactly as written (fetch would normalise dot segments). */
function rawRequest(
  base: string,
  path: string,
  authorization: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = request({ host: url.hostname, port: url.port, path, headers: { authorization } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: new Headers() }));
    });
    req.on('error', reject);
    req.end();
  });
}
