import type { Writable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { FileSink, FormatCodec } from '../src/lib/formats/types';
import type { BlobStore } from './blobs';
import type { CouchBackend } from './couch';
import { datasetFromDocs, loadWorkspaceDocs, type ExportScope } from './datasetFromDocs';

/**
 * Server-side export: the workspace's documents → Dataset → a format codec → a zip,
 * streamed to `out`. The codecs come from `formats`, injected so that the registry of
 * src/lib/formats is wired in one place (formats.ts).
 */
export interface FormatLookup {
  get(id: string): FormatCodec | undefined;
  ids(): string[];
}

export class UnknownFormatError extends Error {
  override name = 'UnknownFormatError';
  constructor(
    readonly format: string,
    readonly known: string[],
  ) {
    super(
      known.length > 0
        ? `Unknown export format "${format}"; use one of ${known.join(', ')}.`
        : `Unknown export format "${format}": this server has no export formats installed.`,
    );
  }
}

export interface ExportDeps {
  backend: CouchBackend;
  blobs: BlobStore;
  formats: FormatLookup;
}

export interface ExportRequest {
  ws: string;
  scope: ExportScope;
  format: string;
  saveImages: boolean;
}

// Already-compressed media are stored, not deflated again.
const STORED = /\.(jpe?g|png|webp|gif|avif|mp4|webm|mkv|mov|zip|gz)$/i;

/** Checks the format before anything is written, so a bad request can still get a clean 400. */
export function resolveFormat(formats: FormatLookup, id: string): FormatCodec {
  const codec = formats.get(id);
  if (!codec?.export) throw new UnknownFormatError(id, formats.ids());
  return codec;
}

export async function writeExport(deps: ExportDeps, request: ExportRequest, out: Writable): Promise<void> {
  const codec = resolveFormat(deps.formats, request.format);
  const docs = await loadWorkspaceDocs(deps.backend, request.ws);
  const { dataset, blobOf } = datasetFromDocs(docs, request.scope);

  let failed: Error | undefined;
  const zip = new Zip((err, chunk, final) => {
    if (err) failed = err;
    else out.write(chunk);
    if (final) out.end();
  });
  const sink: FileSink = {
    async write(path, data) {
      if (failed) throw failed;
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      const entry = STORED.test(path) ? new ZipPassThrough(path) : new ZipDeflate(path, { level: 6 });
      zip.add(entry);
      entry.push(bytes, true);
      // Let the output drain between files so a large export does not sit in memory.
      if (out.writableNeedDrain) await new Promise((resolve) => out.once('drain', resolve));
    },
  };
  await codec.export?.(dataset, sink, {
    saveImages: request.saveImages,
    async media(item) {
      const sha = blobOf(item);
      if (!sha || (await deps.blobs.stat(request.ws, sha)) === undefined) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of deps.blobs.read(request.ws, sha)) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
  });
  zip.end();
  if (failed) throw failed;
}
