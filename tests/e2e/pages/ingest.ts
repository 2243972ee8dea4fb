/** Drives `ingest()` in a real browser for tests/e2e/ingest.test.ts. */
import type { SortingMethod } from '$lib/core/types';
import { decodeImageBlob, ingest, type IngestInput, type IngestProgress } from '$lib/media/ingest/index';
import { getBlob, getThumbnail } from '$lib/store';

async function fileFrom(path: string): Promise<File> {
  const response = await fetch(`/files/${path}`);
  if (!response.ok) throw new Error(`fixture ${path}: ${response.status}`);
  return new File([await response.blob()], path.split('/').pop() ?? path);
}

export interface Summary {
  dimension: string;
  frames: {
    name: string;
    width: number;
    height: number;
    mime: string;
    related_files: number;
    points?: number;
    blob: string;
  }[];
  related: Record<string, number>;
  skipped: { name: string; reason: string }[];
  videos: string[];
  manifest?: string;
  stages: string[];
  thumbnails: number;
}

export interface RunOptions {
  sorting?: SortingMethod;
  urls?: string[];
  maxExpandedBytes?: number;
}

async function run(paths: string[], options: RunOptions = {}): Promise<Summary> {
  const { sorting = 'natural', urls = [], maxExpandedBytes } = options;
  const inputs: IngestInput[] = [
    ...(await Promise.all(paths.map(fileFrom))),
    ...urls.map((url) => ({ url })),
  ];
  const stages = new Set<string>();
  const result = await ingest(inputs, {
    sorting,
    maxExpandedBytes,
    onProgress: (p: IngestProgress) => stages.add(p.stage),
  });
  let thumbnails = 0;
  for (const frame of result.frames) if (await getThumbnail(frame.blob)) thumbnails++;
  return {
    dimension: result.dimension,
    frames: result.frames.map(({ name, width, height, mime, related_files, points, blob }) => ({
      name,
      width,
      height,
      mime,
      related_files,
      points,
      blob,
    })),
    related: Object.fromEntries(Object.entries(result.related).map(([k, v]) => [k, v.length])),
    skipped: result.skipped,
    videos: result.videos.map((v) => v.name),
    manifest: result.manifest?.kind,
    stages: [...stages],
    thumbnails,
  };
}

async function runError(paths: string[], options: RunOptions = {}): Promise<string> {
  try {
    await run(paths, options);
    return 'no error';
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

/** Mean absolute difference (0–255) of two stored images drawn at 60×40. */
async function pixelDifference(a: string, b: string, mimeA: string, mimeB: string): Promise<number> {
  const draw = async (sha: string, mime: string) => {
    const blob = await getBlob(sha);
    if (!blob) throw new Error(`no blob ${sha}`);
    const bitmap = await decodeImageBlob(blob, mime);
    const canvas = new OffscreenCanvas(60, 40);
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    context.drawImage(bitmap, 0, 0, 60, 40);
    return context.getImageData(0, 0, 60, 40).data;
  };
  const [x, y] = await Promise.all([draw(a, mimeA), draw(b, mimeB)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs((x[i] as number) - (y[i] as number));
  return sum / x.length;
}

/** Where the bright pixels of a stored image lie, as fractions of its upright width and height. */
async function brightCentroid(sha: string, mime: string): Promise<{ x: number; y: number }> {
  const blob = await getBlob(sha);
  if (!blob) throw new Error(`no blob ${sha}`);
  const bitmap = await decodeImageBlob(blob, mime);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if ((data[i] as number) > 128) {
      const p = i / 4;
      sx += p % bitmap.width;
      sy += Math.floor(p / bitmap.width);
      n++;
    }
  }
  return { x: sx / n / bitmap.width, y: sy / n / bitmap.height };
}

/** Cancels an ingest of a big archive after the first progress report. */
async function cancelled(path: string): Promise<string> {
  const controller = new AbortController();
  try {
    await ingest([await fileFrom(path)], {
      sorting: 'natural',
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    return 'no error';
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

Object.assign(window, { ingestTest: { run, runError, pixelDifference, brightCentroid, cancelled } });
document.title = 'ready';
