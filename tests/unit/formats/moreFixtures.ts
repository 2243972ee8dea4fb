/**
 * Fixtures for the format tests: a folder of `../shared/assets` as a FileSource, and an
 * in-memory sink whose files read back as a source (export → import round trips).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset, FileSink, FileSource } from '../../../src/lib/formats/types';

export const ASSETS = fileURLToPath(new URL('../../../../shared/assets', import.meta.url));

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
}

export class FilesSource implements FileSource {
  constructor(private readonly files: Map<string, Uint8Array>) {}
  paths(): readonly string[] {
    return [...this.files.keys()];
  }
  has(path: string): boolean {
    return this.files.has(path);
  }
  async read(path: string): Promise<Uint8Array> {
    const data = this.files.get(path);
    if (!data) throw new Error(`no file ${path}`);
    return data;
  }
  async text(path: string): Promise<string> {
    return new TextDecoder().decode(await this.read(path)).replace(/^\uFEFF/, '');
  }
}

/** A sample folder (relative to the assets root) as a source. */
export function assetSource(folder: string): FilesSource {
  const root = join(ASSETS, folder);
  const files: string[] = [];
  walk(root, files);
  return new FilesSource(
    new Map(files.map((f) => [relative(root, f).split('\\').join('/'), new Uint8Array(readFileSync(f))])),
  );
}

/** Files given inline; strings are UTF-8. */
export function memorySource(files: Record<string, string | Uint8Array>): FilesSource {
  return new FilesSource(
    new Map(
      Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]),
    ),
  );
}

export class MemoryFiles implements FileSink {
  readonly files = new Map<string, Uint8Array>();
  async write(path: string, data: Uint8Array | string): Promise<void> {
    if (this.files.has(path)) throw new Error(`${path} written twice`);
    this.files.set(path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }
  text(path: string): string {
    const data = this.files.get(path);
    if (!data) throw new Error(`no file ${path}; have ${[...this.files.keys()].join(', ')}`);
    return new TextDecoder().decode(data);
  }
  source(): FilesSource {
    return new FilesSource(this.files);
  }
}

/** Counts of a dataset by kind, for sample assertions. */
export function counts(dataset: Dataset): Record<string, number> {
  const out: Record<string, number> = {
    items: dataset.items.length,
    labels: dataset.labels.length,
    tags: dataset.tags.length,
    tracks: dataset.tracks.length,
  };
  for (const s of dataset.shapes) out[s.type] = (out[s.type] ?? 0) + 1;
  return out;
}

/** A comparable view: shapes by item name with label names, rounded points and attributes by name. */
export function semantic(dataset: Dataset, digits = 2, options: { subsets?: boolean } = {}): unknown {
  const labels = new Map(dataset.labels.map((l) => [l.id, l]));
  const sub = new Map(dataset.labels.flatMap((l) => l.sublabels.map((s) => [s.id, s.name] as const)));
  const attrName = new Map(
    dataset.labels
      .flatMap((l) => [...l.attributes, ...l.sublabels.flatMap((s) => s.attributes)])
      .map((a) => [a.id, a.name] as const),
  );
  const names = new Map(
    dataset.items.map((i) => [i.frame, options.subsets === false ? i.name : `${i.subset}/${i.name}`]),
  );
  const r = (v: number) => Number(v.toFixed(digits));
  const attrs = (a: { spec_id: string; value: string }[]) =>
    Object.fromEntries(a.map((v) => [attrName.get(v.spec_id), v.value]).sort());
  const shapes = dataset.shapes.map((s) => ({
    item: names.get(s.frame),
    label: labels.get(s.label_id)?.name,
    type: s.type,
    points: s.points.map(r),
    occluded: s.occluded,
    attributes: attrs(s.attributes),
    elements:
      s.type === 'skeleton'
        ? s.elements.map((e) => ({ label: sub.get(e.label_id), points: e.points.map(r), outside: e.outside }))
        : undefined,
  }));
  const tags = dataset.tags.map((t) => ({
    item: names.get(t.frame),
    label: labels.get(t.label_id)?.name,
    attributes: attrs(t.attributes),
  }));
  const tracks = dataset.tracks.map((t) => ({
    label: labels.get(t.label_id)?.name,
    shapes: t.shapes.map((s) => ({ frame: names.get(s.frame), outside: s.outside, points: s.points.map(r) })),
  }));
  const key = (x: unknown) => JSON.stringify(x);
  return {
    items: [...names.values()].sort(),
    shapes: shapes.map(key).sort(),
    tags: tags.map(key).sort(),
    tracks: tracks.map(key).sort(),
  };
}
