/**
 * Playback with 1,000 tracks visible: the job view plays 300 frames at 60 fps while every frame
 * resolves 1,000 interpolated rectangles and redraws them. Budget: the 16.7 ms frame (p95 of the
 * animation-frame intervals while playing), and the frames shown per second.
 */
import type { BenchContext } from './run';
import { median, percentile, type Metrics } from './results';
import { serveAppWithBenchPage } from './sameOrigin';

const TRACKS = 1000;
const FRAMES = 300;

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const served = await serveAppWithBenchPage('jobSeed');
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(served.pageUrl);
    await page.waitForFunction(() => 'seedTracks' in window);
    const { jobId } = (await page.evaluate(`window.seedTracks(${TRACKS}, ${FRAMES}, 10)`)) as {
      jobId: string;
    };
    await page.goto(`${served.url}/jobs/${jobId}`);
    await page.locator('[data-shown-frame="0"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('object-row').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('fps').selectOption('60');
    // Sample animation-frame intervals and shown frames for 4 s of playback.
    const sample = page.evaluate(`new Promise((resolve) => {
      const stage = document.querySelector('[data-shown-frame]');
      const intervals = [];
      const shown = new Set();
      let last = performance.now();
      const start = last;
      const tick = (t) => {
        intervals.push(t - last);
        last = t;
        shown.add(stage.getAttribute('data-shown-frame'));
        if (t - start < 4000) requestAnimationFrame(tick);
        else resolve({ intervals: intervals.slice(5), shown: shown.size, seconds: (t - start) / 1000 });
      };
      requestAnimationFrame(tick);
    })`) as Promise<{ intervals: number[]; shown: number; seconds: number }>;
    await page.getByTestId('play').click();
    const { intervals, shown, seconds } = await sample;
    await page.getByTestId('play').click();
    await context.close();
    const round = (v: number) => Math.round(v * 10) / 10;
    return {
      playbackFrameP95Ms: {
        value: round(percentile(intervals, 95)),
        unit: 'ms',
        budget: 16.7,
        better: 'lower',
      },
      playbackFrameMedianMs: { value: round(median(intervals)), unit: 'ms', better: 'lower' },
      playbackShownFps: { value: round(shown / seconds), unit: 'fps', better: 'higher' },
      tracksVisible: { value: TRACKS, unit: 'tracks', better: 'higher' },
    };
  } finally {
    await served.close();
  }
}
