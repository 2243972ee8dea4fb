import { afterEach, describe, expect, it } from 'vitest';
import { SyncStatusTracker, type SyncStatus } from '../../../src/lib/sync/status';
import { eventually } from './fixture';

describe('sync status across tabs', () => {
  const open: SyncStatusTracker[] = [];
  const tracker = (workspaceId: string) => {
    const t = new SyncStatusTracker(workspaceId);
    open.push(t);
    return t;
  };
  afterEach(() => {
    for (const t of open.splice(0)) t.close();
  });

  it("a tab that does not replicate shows the leader tab's status, marked as not its own", async () => {
    const leader = tracker('ws-tabs');
    const follower = tracker('ws-tabs');
    const seen: SyncStatus[] = [];
    follower.subscribe((s) => seen.push(s));
    expect(follower.status()).toMatchObject({ state: 'waiting', leader: false });

    leader.becameLeader();
    leader.unreachable();
    await eventually('the offline status in the other tab', () => follower.status().state === 'offline');
    expect(follower.status()).toMatchObject({ leader: false, workspaceId: 'ws-tabs' });

    leader.authFailed('The sign-in token is invalid or has expired.');
    const failed = await eventually('the auth error in the other tab', () =>
      follower.status().authError ? follower.status() : undefined,
    );
    expect(failed.message).toMatch(/Sign in again/);
    expect(seen.length).toBeGreaterThan(2);
  });

  it('keeps workspaces apart and tells a late tab the current status', async () => {
    const leader = tracker('ws-one');
    leader.becameLeader();
    leader.refused('Only members read a workspace.', false);
    const other = tracker('ws-two');
    const late = tracker('ws-one');
    await eventually('the late tab to hear', () => late.status().state === 'error');
    expect(late.status().message).toMatch(/refused to sync/);
    expect(other.status().state).toBe('waiting');
  });
});
