/** The JSON every benchmark writes to bench/results/<name>.json (format set in DESIGN.md). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Metric {
  value: number;
  unit: string;
  budget?: number;
  better: 'lower' | 'higher';
}

export type Metrics = Record<string, Metric>;

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}, headless Chromium`;
}

export function writeResult(name: string, metrics: Metrics): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const result = { bench: name, date: new Date().toISOString(), machine: machine(), metrics };
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
