import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFromDocs, ExportScopeError, type WorkspaceDocs } from '../../sync-server/datasetFromDocs';
import { formatLookup, serverFormats } from '../../sync-server/formats';
import type { OrgSummary } from '../../sync-server/orgs';
import type { CouchDoc } from '../../sync-server/rules';
import type { FormatCodec } from '../../src/lib/formats/types';
import { box, frameDoc, job, media, project, reviewDoc, task, trackDoc, seed } from './fixtures';
import { addMember, call, makeOrg, startTestServer, userWithToken, type TestServer } from './helpers';
import { runScript } from './process';

/** Turns fixture documents (CouchDB `_id`) into the RxDB documents the server hands to export. */
function rx<T>(doc: CouchDoc): T {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest } as T;
}

function workspace(overrides: Partial<WorkspaceDocs> = {}): WorkspaceDocs {
  return {
    projects: [rx(project())],
    tasks: [rx({ ...task(), deleted_frames: [1] })],
    jobs: [rx(job('j1', 0, 'w1')), rx(job('j2', 2, 'w2')), rx(job('j3', 4, null))],
    media: [rx(media('t1', ['a'.repeat(64), 'b'.repeat(64)]))],
    frames: [
      rx(frameDoc('j1', 0, [box('o1', 0), { ...box('tag1', 0), kind: 'tag', type: undefined }])),
      rx(frameDoc('j1', 1, [box('gone', 1)])),
      rx(frameDoc('j2', 2, [box('o2', 2, 5)])),
    ],
    tracks: [rx(trackDoc('tr2', 'j2', [2, 3]))],
    ...overrides,
  };
}

/** A tiny format: one CSV line per shape, one per tag, and one per track keyframe, plus images. */
const csv: FormatCodec = {
  name: 'Tiny CSV',
  version: '1.0',
  id: 'tiny-csv',
  dimension: '2d',
  kinds: ['rectangle', 'tag', 'track'],
  importExtensions: ['zip'],
  async export(dataset, sink, options) {
    const lines = [
      ...dataset.shapes.map((s) => `shape,${s.frame},${s.label_id},${s.points.join(' ')}`),
      ...dataset.tags.map((t) => `tag,${t.frame},${t.label_id}`),
      ...dataset.tracks.flatMap((t) => t.shapes.map((k) => `track,${k.frame},${t.label_id}`)),
    ];
    await sink.write('labels.txt', dataset.labels.map((l) => l.name).join('\n'));
    await sink.write('annotations.csv', `${dataset.meta.name ?? ''}\n${lines.join('\n')}`);
    if (options.saveImages) {
      for (const item of dataset.items) {
        const bytes = await options.media?.(item);
        if (bytes) await sink.write(`images/${item.name}`, bytes);
      }
    }
  },
};

describe('datasetFromDocs', () => {
  it('builds a task dataset: frames renumbered without deleted ones, shapes, tags and tracks moved along', () => {
    const { dataset, blobOf } = datasetFromDocs(workspace(), { kind: 'task', id: 't1' });
    expect(dataset.labels.map((l) => l.name)).toEqual(['car']);
    expect(dataset.items.map((i) => [i.frame, i.name, i.subset])).toEqual([
      [0, 'img_0.png', 'train'],
      [1, 'img_2.png', 'train'],
      [2, 'img_3.png', 'train'],
      [3, 'img_4.png', 'train'],
      [4, 'img_5.png', 'train'],
    ]);
    // The shape on deleted frame 1 is dropped; task frame 2 is dataset frame 1.
    expect(dataset.shapes.map((s) => [s.id, s.frame])).toEqual([
      ['o1', 0],
      ['o2', 1],
    ]);
    expect(dataset.shapes[0]).not.toHaveProperty('kind');
    expect(dataset.tags.map((t) => [t.id, t.frame])).toEqual([['tag1', 0]]);
    expect(dataset.tracks).toHaveLength(1);
    expect(dataset.tracks[0]).toMatchObject({ job_id: '', frame: 1, shapes: [{ frame: 1 }, { frame: 2 }] });
    expect(dataset.meta.name).toBe('Block 1');
    expect(blobOf(dataset.items[0]!)).toBe('a'.repeat(64));
  });

  it('limits a job export to its frames and a project export spans its tasks', () => {
    const { dataset } = datasetFromDocs(workspace(), { kind: 'job', id: 'j2' });
    expect(dataset.items.map((i) => i.name)).toEqual(['img_2.png', 'img_3.png']);
    expect(dataset.shapes.map((s) => [s.id, s.frame])).toEqual([['o2', 0]]);
    expect(dataset.tracks[0]?.shapes.map((k) => k.frame)).toEqual([0, 1]);

    const second = rx<WorkspaceDocs['tasks'][number]>({
      ...task('t2'),
      created_date: '2026-02-01T00:00:00.000Z',
    });
    const docs = workspace({
      tasks: [...workspace().tasks, second],
      jobs: [...workspace().jobs, rx(job('k1', 0, null, 't2'))],
      media: [...workspace().media, rx(media('t2'))],
      frames: [...workspace().frames, rx(frameDoc('k1', 0, [box('p1', 0)]))],
    });
    const all = datasetFromDocs(docs, { kind: 'project', id: 'p1' }).dataset;
    expect(all.items).toHaveLength(11);
    expect(all.shapes.find((s) => s.id === 'p1')?.frame).toBe(5);
    expect(all.meta.name).toBe('Streets');
  });

  it('names what is missing', () => {
    expect(() => datasetFromDocs(workspace(), { kind: 'task', id: 'nope' })).toThrow(ExportScopeError);
    expect(() => datasetFromDocs(workspace({ projects: [] }), { kind: 'task', id: 't1' })).toThrow(
      /no project/,
    );
  });
});

describe('server-side export', () => {
  let server: TestServer;
  let olga: string;
  let org: OrgSummary;
  const png = Buffer.from('not really a png, but bytes');
  const pngSha = createHash('sha256').update(png).digest('hex');

  beforeAll(async () => {
    server = await startTestServer();
    server.services.formats = formatLookup([csv]);
    olga = await userWithToken(server, 'olga');
    await server.services.users.add('w1', 'w1-password');
    org = await makeOrg(server, olga);
    await addMember(server, org.id, 'w1', 'worker');
    await seed(server, org.databases, olga, {
      project: [project()],
      task: [task()],
      job: [job('j1', 0, 'w1'), job('j2', 2, 'w2')],
      media: [media('t1', [pngSha])],
      frame: [frameDoc('j1', 0, [box('o1', 0)]), frameDoc('j2', 2, [box('o2', 2)])],
      track: [trackDoc('tr2', 'j2', [2, 3])],
      review: [reviewDoc('rv', 'j2', 2)],
    });
    const up = await call(server, `/api/workspaces/${org.id}/blobs/${pngSha}`, {
      method: 'PUT',
      auth: olga,
      body: png,
    });
    expect(up.status).toBe(201);
  });
  afterAll(() => server.stop());

  const exportOf = async (path: string, auth: string) => {
    const res = await fetch(server.url + path, { headers: { authorization: auth } });
    return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
  };

  it('returns a zip of a task written by the format, with images on request', async () => {
    const { res, bytes } = await exportOf(
      `/api/workspaces/${org.id}/tasks/t1/export?format=tiny-csv&images=1`,
      olga,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(['annotations.csv', 'images/img_0.png', 'labels.txt']);
    expect(strFromU8(files['annotations.csv']!).split('\n')).toEqual([
      'Block 1',
      'shape,0,l1,1 2 11 12',
      'shape,2,l1,1 2 11 12',
      'track,2,l1',
      'track,3,l1',
    ]);
    expect(Buffer.from(files['images/img_0.png']!).equals(png)).toBe(true);
  });

  it('lets a worker export only the jobs assigned to them', async () => {
    const w1 = 'Basic ' + Buffer.from('w1:w1-password').toString('base64');
    const own = await exportOf(`/api/workspaces/${org.id}/jobs/j1/export?format=tiny-csv`, w1);
    expect(own.res.status).toBe(200);
    expect(strFromU8(unzipSync(own.bytes)['annotations.csv']!)).toContain('shape,0,l1');
    for (const path of ['jobs/j2', 'tasks/t1', 'projects/p1', 'jobs/missing']) {
      const { res } = await exportOf(`/api/workspaces/${org.id}/${path}/export?format=tiny-csv`, w1);
      expect(res.status, path).toBe(403);
    }
  });

  it('exports with the real dataset codecs: CVAT for images and COCO from the same documents', async () => {
    const previous = server.services.formats;
    server.services.formats = serverFormats;
    try {
      const cvat = await exportOf(`/api/workspaces/${org.id}/tasks/t1/export?format=cvat-images`, olga);
      expect(cvat.res.status).toBe(200);
      const xml = strFromU8(unzipSync(cvat.bytes)['annotations.xml']!);
      expect(xml).toContain('<annotations>');
      expect(xml.match(/<box /g)?.length).toBeGreaterThanOrEqual(2);
      const coco = await exportOf(`/api/workspaces/${org.id}/tasks/t1/export?format=coco`, olga);
      expect(coco.res.status).toBe(200);
      const files = unzipSync(coco.bytes);
      const json = Object.entries(files).find(([name]) => name.endsWith('.json'));
      const parsed = JSON.parse(strFromU8(json![1])) as { annotations: unknown[]; categories: unknown[] };
      expect(parsed.annotations.length).toBeGreaterThanOrEqual(2);
      expect(parsed.categories.length).toBeGreaterThan(0);
    } finally {
      server.services.formats = previous;
    }
  });

  it('exports a job and a project, and answers 400 for an unknown format and 404 for an unknown task', async () => {
    const jobZip = await exportOf(`/api/workspaces/${org.id}/jobs/j1/export?format=tiny-csv`, olga);
    expect(strFromU8(unzipSync(jobZip.bytes)['annotations.csv']!)).toBe(
      'Block 1 (job j1)\nshape,0,l1,1 2 11 12',
    );
    const projectZip = await exportOf(`/api/workspaces/${org.id}/projects/p1/export?format=tiny-csv`, olga);
    expect(projectZip.res.status).toBe(200);

    const unknown = await call(server, `/api/workspaces/${org.id}/tasks/t1/export?format=nope`, {
      auth: olga,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'unknown_format', formats: ['tiny-csv'] });
    const missing = await call(server, `/api/workspaces/${org.id}/tasks/t9/export?format=tiny-csv`, {
      auth: olga,
    });
    expect(missing.status).toBe(404);
  });

  it('exports from a terminal with the CLI (server stopped, same data directory)', async () => {
    await server.close();
    const out = join(server.dirs.root, 'task.zip');
    const script = join(server.dirs.root, 'export-cli.ts');
    // The CLI takes its formats by injection, like the server; this entry point passes the tiny codec.
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(
        script,
        `import { run } from ${JSON.stringify(join(process.cwd(), 'sync-server/cli.ts'))};\n` +
          `import { formatLookup } from ${JSON.stringify(join(process.cwd(), 'sync-server/formats.ts'))};\n` +
          `run(process.argv.slice(2), formatLookup([{ id: 'tiny-csv', name: 'Tiny', version: '1', dimension: '2d', kinds: [], importExtensions: [],\n` +
          `  async export(d, sink) { await sink.write('count.txt', String(d.shapes.length) + ' ' + String(d.items.length)); } }]));\n`,
      ),
    );
    const res = await runScript(
      script,
      ['export', '--workspace', org.id, '--task', 't1', '--format', 'tiny-csv', '--out', out],
      { env: { LOUPE_DATA_DIR: server.dirs.dataDir, COUCHDB_URL: undefined } },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('Wrote');
    expect(strFromU8(unzipSync(new Uint8Array(await readFile(out)))['count.txt']!)).toBe('2 6');

    const bad = await runScript(
      script,
      ['export', '--workspace', org.id, '--task', 't1', '--format', 'coco', '--out', out],
      { env: { LOUPE_DATA_DIR: server.dirs.dataDir } },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown export format "coco"; use one of tiny-csv');
  });
});
