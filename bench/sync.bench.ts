/**
 * Two devices (two headless Chromium contexts, each with its own IndexedDB) in one organization
 * workspace on the real server: how long until 10,000 objects written on A are all on B (on
 * 1,000 frames, and in the worst case one per frame: 10,000 documents), and how long a single
 * edit on A takes to reach B (p95 of 40).
 */
import type { BenchContext } from './run';
import { openDevicePage, post, type Bench } from './syncShared';
import { percentile, median, type Metrics } from './results';
import { serveAppWithBenchPage } from './sameOrigin';

const OBJECTS = 10_000;
const FRAMES = 1_000;
const EDITS = 40;

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const served = await serveAppWithBenchPage('sync');
  try {
    const api = `${served.url}/api`;
    const alice = await post<{ token: string }>(`${api}/auth/register`, {
      username: 'alice',
      password: 'alice-password',
    });
    const bob = await post<{ token: string }>(`${api}/auth/register`, {
      username: 'bob',
      password: 'bob-password',
    });
    const { org } = await post<{ org: { id: string } }>(`${api}/orgs`, { name: 'Bench' }, alice.token);
    const invite = await post<{ token: string }>(
      `${api}/orgs/${org.id}/invitations`,
      { role: 'maintainer', username: 'bob' },
      alice.token,
    );
    await post(`${api}/invitations/${invite.token}/accept`, {}, bob.token);

    const device = (token: string) => openDevicePage(browser, served.pageUrl, org.id, token);
    const a = await device(alice.token);
    const b = await device(bob.token);

    /** 10,000 more objects from A, over `frames` frame documents: ms until all are on B. */
    const transfer = async (jobId: string, frames: number, total: number) => {
      const arrived = b.evaluate((n) => (window as unknown as Bench).syncBench.waitForObjects(n), total);
      const { start, writtenMs } = await a.evaluate(
        ([id, n, f]) => (window as unknown as Bench).syncBench.seed(id as string, n as number, f as number),
        [jobId, OBJECTS, frames] as const,
      );
      return { visibleMs: (await arrived) - start, writtenMs };
    };
    const { visibleMs, writtenMs } = await transfer('bench-job', FRAMES, OBJECTS);
    // The worst case: one object per frame, so 10,000 documents to push and pull.
    const spread = await transfer('bench-job-spread', OBJECTS, 2 * OBJECTS);

    const latencies: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const x = 2000 + i;
      const seen = b.evaluate((v) => (window as unknown as Bench).syncBench.waitForEdit(v), x);
      const at = await a.evaluate((v) => (window as unknown as Bench).syncBench.edit(v), x);
      latencies.push((await seen) - at);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await a.context().close();
    await b.context().close();
    return {
      objects10kVisibleOnBMs: { value: Math.round(visibleMs), unit: 'ms', budget: 15_000, better: 'lower' },
      objects10kWrittenOnAMs: { value: Math.round(writtenMs), unit: 'ms', better: 'lower' },
      objects10kOnePerFrameVisibleOnBMs: {
        value: Math.round(spread.visibleMs),
        unit: 'ms',
        budget: 15_000,
        better: 'lower',
      },
      singleEditToBP95Ms: {
        value: Math.round(percentile(latencies, 95)),
        unit: 'ms',
        budget: 500,
        better: 'lower',
      },
      singleEditToBMedianMs: { value: Math.round(median(latencies)), unit: 'ms', better: 'lower' },
    };
  } finally {
    await served.close();
  }
}
