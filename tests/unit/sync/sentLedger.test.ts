import { describe, expect, it } from 'vitest';
import { canonicalJson, SentLedger } from '../../../src/lib/sync/sentLedger';
import { rectangle } from '../../../src/lib/store/testObjects';

const T1 = '2025-01-01T10:00:00.000Z';

describe('the ledger of uncertain pushes', () => {
  it('writes the same content as the same text whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });

  it('knows a document and its objects as sent, in the form the server hands back, until confirmed', async () => {
    const ledger = new SentLedger();
    const a = rectangle('a', 0, T1, 5);
    const sent = {
      _id: 'job:0',
      _rev: '2-x',
      job_id: 'job',
      frame: 0,
      objects: { a },
      removed: {},
      updated_date: T1,
    };
    await ledger.recordUncertain({ docs: [sent] });

    const fromServer = {
      id: 'job:0',
      job_id: 'job',
      frame: 0,
      removed: {},
      objects: { a: { ...a } },
      updated_date: T1,
      _deleted: false,
    };
    expect(await ledger.sentDoc('job:0', fromServer)).toBe(true);
    expect(await ledger.sentObject('job:0', 'a', fromServer.objects.a)).toBe(true);
    // Another version of the object, another document, another object: not sent from here.
    expect(await ledger.sentObject('job:0', 'a', { ...a, occluded: true })).toBe(false);
    expect(await ledger.sentDoc('job:0', { ...fromServer, updated_date: '2025-01-02T00:00:00.000Z' })).toBe(
      false,
    );
    expect(await ledger.sentDoc('job:1', fromServer)).toBe(false);
    expect(await ledger.sentDoc('job:0', { ...fromServer, _deleted: true })).toBe(false);

    await ledger.confirm(['job:0']);
    expect(await ledger.sentDoc('job:0', fromServer)).toBe(false);
    expect(ledger.size).toBe(0);
  });
});
