/**
 * Dataset codecs at scale, in Node: a COCO dataset of 100,000 annotations on 5,000 images and a
 * CVAT for images XML of 100,000 shapes. Measures the codec export (dataset → archive bytes)
 * and import (archive bytes → dataset), and `loupe convert` of each archive as a separate Node
 * process (start-up included). Budgets: export ≤ 5 s, import ≤ 10 s (the whole IndexedDB import
 * has that budget; the codec is a part of it), CLI convert ≤ 5 s. Median of 3 runs (CLI: 2).
 * CPU time (user + system, all threads) is reported next to each wall time: on a shared machine
 * the wall time mostly measures how long the process waited for a core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Shape } from '../src/lib/core/types';
import { COCO_CODEC } from '../src/lib/formats/coco';
import { LabelBook, emptyDataset } from '../src/lib/formats/common/dataset';
import { ZipSink, ZipSource } from '../src/lib/formats/common/zip';
import { CVAT_IMAGES_CODEC } from '../src/lib/formats/cvat';
import type { Dataset, FormatCodec } from '../src/lib/formats/types';
import type { BenchContext } from './run';
import { median, type Metrics } from './results';

const IMAGES = 5000;
const SHAPES = 100_000;

/** 5,000 images, 100,000 shapes: 70 % boxes, 30 % polygons of 8 points, two attributes. */
export function makeDataset(seed = 7): Dataset {
  let s = seed;
  const random = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const d = emptyDataset();
  const book = new LabelBook(d.labels);
  const labels = ['car', 'person', 'bicycle', 'dog', 'traffic light'].map((n) => book.label(n));
  const specs = labels.map((l) => [
    book.attribute(l, 'parked', { input_type: 'checkbox', values: ['false'] }),
    book.attribute(l, 'model', { input_type: 'text' }),
  ]);
  d.labels = book.labels;
  for (let i = 0; i < IMAGES; i++)
    d.items.push({
      frame: i,
      name: `img_${String(i).padStart(6, '0')}.jpg`,
      width: 1920,
      height: 1080,
      subset: '',
    });
  for (let k = 0; k < SHAPES; k++) {
    const frame = k % IMAGES;
    const li = Math.floor(random() * labels.length);
    const x = random() * 1800;
    const y = random() * 1000;
    const w = 5 + random() * 100;
    const h = 5 + random() * 70;
    const base = {
      id: `s${k}`,
      updated_date: '',
      author: '',
      frame,
      label_id: labels[li]!.id,
      occluded: random() < 0.1,
      outside: false,
      z_order: 0,
      rotation: 0,
      group: 0,
      source: 'manual' as const,
      attributes: [
        { spec_id: specs[li]![0]!.id, value: random() < 0.5 ? 'true' : 'false' },
        { spec_id: specs[li]![1]!.id, value: `m${k % 13}` },
      ],
    };
    if (k % 10 < 7) d.shapes.push({ ...base, type: 'rectangle', points: [x, y, x + w, y + h] });
    else {
      const points: number[] = [];
      for (let p = 0; p < 8; p++) {
        const a = (p / 8) * 2 * Math.PI;
        points.push(x + w / 2 + (Math.cos(a) * w) / 2, y + h / 2 + (Math.sin(a) * h) / 2);
      }
      d.shapes.push({ ...base, type: 'polygon', points } as Shape);
    }
  }
  return d;
}

async function exportZip(codec: FormatCodec, dataset: Dataset): Promise<Uint8Array> {
  const sink = new ZipSink({ level: 1 });
  await codec.export!(dataset, sink, { saveImages: false });
  return sink.finish();
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<[Timing, T]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return [{ wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }, value];
}

function medianTiming(list: readonly Timing[]): Timing {
  return { wallMs: median(list.map((t) => t.wallMs)), cpuMs: median(list.map((t) => t.cpuMs)) };
}

export interface CodecTimes {
  export: Timing;
  import: Timing;
  bytes: Uint8Array;
  shapes: number;
}

export async function measureCodec(codec: FormatCodec, dataset: Dataset, runs = 3): Promise<CodecTimes> {
  const exports: Timing[] = [];
  const imports: Timing[] = [];
  let bytes: Uint8Array = new Uint8Array(0);
  let shapes = 0;
  for (let i = 0; i < runs; i++) {
    const [e, b] = await timed(() => exportZip(codec, dataset));
    exports.push(e);
    bytes = b;
    const [m, d] = await timed(() => codec.import!(new ZipSource(b), {}));
    imports.push(m);
    shapes = d.shapes.length;
  }
  return { export: medianTiming(exports), import: medianTiming(imports), bytes, shapes };
}

/** `loupe convert` in a new Node process; CPU time from /usr/bin/time when it is there. */
function cliConvert(from: string, to: string, input: string, output: string, runs = 2): Timing {
  const times: Timing[] = [];
  const args = [
    resolve('src/cli/loupe.mjs'),
    'convert',
    '--from',
    from,
    '--to',
    to,
    '--quiet',
    input,
    output,
  ];
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', 'cpu %U %S', process.execPath, ...args], { encoding: 'utf8' })
      : spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`loupe convert failed (${r.status}): ${r.stderr}`);
    const wallMs = performance.now() - t0;
    const m = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
    times.push({ wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN });
  }
  return medianTiming(times);
}

export async function run(_ctx?: BenchContext): Promise<Metrics> {
  const dataset = makeDataset();
  const coco = await measureCodec(COCO_CODEC, dataset);
  const cvat = await measureCodec(CVAT_IMAGES_CODEC, dataset);
  if (coco.shapes !== SHAPES || cvat.shapes !== SHAPES)
    throw new Error(`round trip lost shapes: ${coco.shapes}, ${cvat.shapes}`);
  const dir = mkdtempSync(join(tmpdir(), 'loupe-formats-bench-'));
  let cliCoco: Timing;
  let cliCvat: Timing;
  try {
    writeFileSync(join(dir, 'coco.zip'), coco.bytes);
    writeFileSync(join(dir, 'cvat.zip'), cvat.bytes);
    cliCoco = cliConvert('coco', 'cvat-images', join(dir, 'coco.zip'), join(dir, 'out-cvat.zip'));
    cliCvat = cliConvert('cvat-images', 'coco', join(dir, 'cvat.zip'), join(dir, 'out-coco.zip'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (value: number, budget?: number) => ({
    value: Math.round(value),
    unit: 'ms',
    better: 'lower' as const,
    ...(budget !== undefined ? { budget } : {}),
  });
  const mb = (bytes: Uint8Array) => ({
    value: Math.round((bytes.length / 2 ** 20) * 10) / 10,
    unit: 'MiB',
    better: 'lower' as const,
  });
  return {
    coco100kExportMs: ms(coco.export.wallMs, 5000),
    coco100kExportCpuMs: ms(coco.export.cpuMs),
    coco100kImportMs: ms(coco.import.wallMs, 10000),
    coco100kImportCpuMs: ms(coco.import.cpuMs),
    cvatXml100kExportMs: ms(cvat.export.wallMs, 5000),
    cvatXml100kExportCpuMs: ms(cvat.export.cpuMs),
    cvatXml100kImportMs: ms(cvat.import.wallMs, 10000),
    cvatXml100kImportCpuMs: ms(cvat.import.cpuMs),
    cliConvertCocoToCvatMs: ms(cliCoco.wallMs, 5000),
    cliConvertCocoToCvatCpuMs: ms(cliCoco.cpuMs),
    cliConvertCvatToCocoMs: ms(cliCvat.wallMs, 5000),
    cliConvertCvatToCocoCpuMs: ms(cliCvat.cpuMs),
    coco100kZipSize: mb(coco.bytes),
    cvatXml100kZipSize: mb(cvat.bytes),
    loadAverage1m: { value: Math.round((loadavg()[0] ?? 0) * 10) / 10, unit: 'load', better: 'lower' },
  };
}
