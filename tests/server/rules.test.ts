import { describe, expect, it } from 'vitest';
import type { Collection } from '../../sync-server/access';
import type { Role } from '../../sync-server/orgs';
import { checkWrite, type CouchDoc } from '../../sync-server/rules';
import { frameDoc, job, project, trackDoc } from './fixtures';

const assignees = new Map<string, string | null>([
  ['j1', 'w1'],
  ['j2', 'w2'],
  ['j3', null],
]);

function check(role: Role, collection: Collection, incoming: CouchDoc, stored?: CouchDoc, user = 'w1') {
  return checkWrite({ user, role, collection, incoming, stored, assignees });
}

describe('role rules for document writes', () => {
  it('lets owners and maintainers write anything, supervisors and workers no projects', () => {
    for (const role of ['owner', 'maintainer'] as const) {
      expect(check(role, 'project', project())).toBeUndefined();
      expect(check(role, 'job', { _id: 'j1', _deleted: true }, job('j1', 0, 'w1'))).toBeUndefined();
    }
    expect(check('supervisor', 'project', project())).toMatch(/owners and maintainers/);
    expect(check('worker', 'project', project(), project())).toMatch(/labels/);
  });

  it('lets a worker write annotations of their own job only, judged by the stored and the new job', () => {
    expect(check('worker', 'frame', frameDoc('j1', 0))).toBeUndefined();
    expect(check('worker', 'track', trackDoc('t', 'j1', [0]))).toBeUndefined();
    expect(check('worker', 'frame', frameDoc('j2', 2))).toMatch(/not assigned to you/);
    expect(check('worker', 'track', trackDoc('t', 'j1', [0]), trackDoc('t', 'j2', [2]))).toMatch(/j2/);
    expect(check('worker', 'track', { _id: 't', _deleted: true }, trackDoc('t', 'j2', [2]))).toMatch(/j2/);
    expect(check('worker', 'track', { _id: 't', _deleted: true }, trackDoc('t', 'j1', [0]))).toBeUndefined();
    expect(check('worker', 'frame', frameDoc('j3', 4))).toMatch(/not assigned/);
    expect(check('worker', 'track', trackDoc('t', 'j9', [0]))).toMatch(/does not exist/);
    expect(check('supervisor', 'frame', frameDoc('j2', 2), undefined, 'sam')).toBeUndefined();
  });

  it('checks the id of frame documents for everyone', () => {
    expect(check('owner', 'frame', { ...frameDoc('j1', 0), _id: 'j2:0' })).toMatch(/<job_id>:<frame>/);
    expect(check('worker', 'frame', { ...frameDoc('j1', 0), frame: '0' })).toMatch(/<job_id>:<frame>/);
  });

  it('limits supervisors to assignee, stage and state, and workers to the state of their job', () => {
    const j3 = job('j3', 4, null);
    expect(check('supervisor', 'job', { ...j3, assignee: 'w1', stage: 'validation' }, j3)).toBeUndefined();
    expect(check('supervisor', 'job', { ...j3, stop_frame: 9 }, j3)).toMatch(/stop_frame/);
    expect(check('supervisor', 'job', job('j9', 0, null))).toMatch(/create/);
    const j1 = job('j1', 0, 'w1');
    expect(check('worker', 'job', { ...j1, state: 'completed', updated_date: 'now' }, j1)).toBeUndefined();
    expect(check('worker', 'job', { ...j1, stage: 'acceptance' }, j1)).toMatch(/stage/);
    expect(check('worker', 'job', { ...j3, state: 'completed' }, j3)).toMatch(/assigned to them/);
    expect(check('worker', 'job', { ...j1, assignee: 'w2' }, j1)).toMatch(/assignee/);
  });

  it('keeps inline attachments to owners and maintainers', () => {
    const withFile = { ...frameDoc('j1', 0), _attachments: { 'a.bin': { content_type: 'x', data: 'AA==' } } };
    expect(check('worker', 'frame', withFile)).toMatch(/attachments/);
    expect(check('maintainer', 'frame', withFile)).toBeUndefined();
    const stub = { ...frameDoc('j1', 0), _attachments: { 'a.bin': { stub: true } } };
    expect(check('worker', 'frame', stub)).toBeUndefined();
  });
});
