/**
 * 1,000 1080p JPEGs to a usable task (budget ≤ 10 s), through the real task form: from the
 * "Create task" click to the task page, which needs every frame's size read, every blob stored
 * by SHA-256 and every thumbnail made. The JPEGs are generated with ffmpeg (testsrc2, q 3).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './run';
import type { Metrics } from './results';

const COUNT = 1000;

function makeJpegs(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=1920x1080:rate=30:duration=${COUNT / 30}`,
    '-frames:v',
    String(COUNT),
    '-q:v',
    '3',
    join(dir, 'frame_%04d.jpg'),
  ]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => join(dir, f));
}

export async function run({ browser, serverUrl }: BenchContext): Promise<Metrics> {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-jpegs-'));
  try {
    const files = makeJpegs(dir);
    if (files.length !== COUNT) throw new Error(`ffmpeg made ${files.length} JPEGs, expected ${COUNT}`);
    const megabytes = files.reduce((sum, f) => sum + statSync(f).size, 0) / 2 ** 20;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${serverUrl}/projects/new`);
    await page.getByTestId('project-name').fill('Bench');
    await page.getByTestId('create-project').click();
    await page.getByTestId('project-title').waitFor();
    await page.getByTestId('file-input').setInputFiles(files);
    await page.getByTestId('task-name').fill('1000 JPEGs');
    const started = performance.now();
    await page.getByTestId('create-task').click();
    await page.getByTestId('task-summary').waitFor({ timeout: 300_000 });
    const elapsed = performance.now() - started;
    const summary = (await page.getByTestId('task-summary').textContent()) ?? '';
    if (!summary.includes(`${COUNT} frames`)) throw new Error(`unexpected task: ${summary}`);
    await context.close();
    return {
      jpegs1000ToTaskMs: { value: Math.round(elapsed), unit: 'ms', budget: 10_000, better: 'lower' },
      jpegsPerSecond: { value: Math.round((COUNT / elapsed) * 1000), unit: 'images/s', better: 'higher' },
      inputMegabytes: { value: Math.round(megabytes), unit: 'MiB', better: 'lower' },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
