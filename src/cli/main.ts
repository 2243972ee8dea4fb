/**
 * `loupe` command line: the dataset codecs of the app, in Node.
 *
 *   loupe convert [--from F] --to G <in> <out> [--no-images]   (no --from: detected)
 *   loupe validate --format F <path> [--json]
 *   loupe info <path> [--json]
 *   loupe formats
 *
 * `<in>`/`<path>` is a zip archive, a folder or a single annotation file; `<out>` is a `.zip`,
 * a folder, or a single `.xml`/`.json` file when the export is one file.
 * Exit codes: 0 done, 1 the input is not valid in the format, 2 wrong usage, 3 other failures.
 */
import { basename } from 'node:path';
import { summarizeDataset, type DatasetSummary } from '../lib/formats/common/dataset';
import { detectFormat, displayName, FORMATS, getFormat } from '../lib/formats/registry';
import {
  FormatError,
  type Dataset,
  type DatasetItem,
  type FileSource,
  type FormatCodec,
} from '../lib/formats/types';
import { openInput, openOutput } from './files';

export const EXIT = { ok: 0, invalid: 1, usage: 2, failure: 3 } as const;

class UsageError extends Error {}

const USAGE = `Usage:
  loupe convert [--from <format>] --to <format> <input> <output> [--no-images]
  loupe validate --format <format> <input> [--json]
  loupe info <input> [--json]
  loupe formats

<input> is a .zip, a folder or an annotation file; <output> is a .zip, a folder, or a single
.xml/.json file when the export is one file. Without --from, the input format is detected.
Formats: run "loupe formats".`;

interface Args {
  positional: string[];
  options: Map<string, string | true>;
}

const VALUED = new Set(['from', 'to', 'format']);

function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      if (VALUED.has(key)) {
        const value = inline ?? argv[++i];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`--${key} needs a value`);
        options.set(key, value);
      } else if (['json', 'no-images', 'quiet', 'help'].includes(key)) options.set(key, true);
      else throw new UsageError(`unknown option --${key}`);
    } else if (arg === '-h') options.set('help', true);
    else positional.push(arg);
  }
  return { positional, options };
}

function format(id: string | true | undefined, option: string): FormatCodec {
  if (typeof id !== 'string') throw new UsageError(`--${option} <format> is required`);
  try {
    return getFormat(id);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^format: /, ''));
  }
}

function printSummary(
  out: (s: string) => void,
  codec: FormatCodec,
  s: DatasetSummary,
  warnings: readonly string[],
) {
  out(`format:   ${displayName(codec)} (${codec.id})`);
  out(
    `items:    ${s.items}${
      Object.keys(s.subsets).some((k) => k !== '')
        ? `  (${Object.entries(s.subsets)
            .map(([k, v]) => `${k || '(none)'}: ${v}`)
            .join(', ')})`
        : ''
    }`,
  );
  out(`labels:   ${s.labels}`);
  const shapes = Object.entries(s.shapes).map(([k, v]) => `${k} ${v}`);
  out(`shapes:   ${s.shapeTotal}${shapes.length > 0 ? `  (${shapes.join(', ')})` : ''}`);
  out(`tags:     ${s.tags}`);
  out(`tracks:   ${s.tracks}${s.tracks > 0 ? `  (${s.keyframes} keyframes)` : ''}`);
  for (const w of warnings) out(`warning:  ${w}`);
}

function check(codec: FormatCodec, direction: 'import' | 'export') {
  if (!codec[direction]) throw new UsageError(`${displayName(codec)} cannot ${direction}`);
}

/** Media files of the input by name, for "save images" when converting. */
function mediaLookup(source: FileSource): (item: DatasetItem) => Promise<Uint8Array | undefined> {
  const byBase = new Map<string, string[]>();
  for (const p of source.paths()) {
    if (/\.(xml|json|txt|csv|yaml|yml|ini)$/i.test(p)) continue;
    const base = p.split('/').pop()!.toLowerCase();
    const stemKey = base.replace(/\.[^.]+$/, '');
    for (const key of [base, stemKey]) byBase.set(key, [...(byBase.get(key) ?? []), p]);
  }
  return async (item) => {
    const name = item.name.toLowerCase();
    const candidates = [
      ...(byBase.get(basename(name)) ?? []),
      ...(byBase.get(basename(name).replace(/\.[^.]+$/, '')) ?? []),
    ];
    // Prefer a path that ends with the item's own folders (images/train/a.jpg for train/a.jpg).
    const best =
      candidates.find((p) => p.toLowerCase().endsWith(name)) ??
      candidates.find((p) => !item.subset || p.includes(`/${item.subset}/`)) ??
      candidates[0];
    return best === undefined ? undefined : source.read(best);
  };
}

async function load(
  codec: FormatCodec,
  input: string,
): Promise<{ dataset: Dataset; source: FileSource; warnings: string[] }> {
  const source = openInput(input);
  const warnings: string[] = [];
  const dataset = await codec.import!(source, { warn: (m) => warnings.push(m) });
  return { dataset, source, warnings };
}

export async function run(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  try {
    const { positional, options } = parseArgs(argv);
    const [command, ...rest] = positional;
    if (options.has('help') || command === undefined || command === 'help') {
      out(USAGE);
      return command === undefined && !options.has('help') ? EXIT.usage : EXIT.ok;
    }
    const json = options.has('json');
    switch (command) {
      case 'formats': {
        for (const f of FORMATS)
          out(
            `${f.id.padEnd(26)} ${displayName(f).padEnd(34)} ${f.dimension}  ${[f.import ? 'import' : '', f.export ? 'export' : ''].filter(Boolean).join('+')}`,
          );
        return EXIT.ok;
      }
      case 'convert': {
        const to = format(options.get('to'), 'to');
        check(to, 'export');
        if (rest.length !== 2) throw new UsageError('convert needs an input and an output');
        const [input, output] = rest as [string, string];
        // Without --from, the input's format is detected as `info` does.
        let from: FormatCodec;
        if (options.has('from')) from = format(options.get('from'), 'from');
        else {
          const found = (await detectFormat(openInput(input))).find((c) => c.codec.import);
          if (!found)
            throw new FormatError(input, 'the format could not be detected', { expected: '--from <format>' });
          from = found.codec;
        }
        check(from, 'import');
        const started = performance.now();
        const { dataset, source, warnings } = await load(from, input);
        const sink = openOutput(output);
        const media = options.has('no-images') ? undefined : mediaLookup(source);
        await to.export!(dataset, sink, { saveImages: media !== undefined, media });
        const files = await sink.close();
        if (!options.has('quiet')) {
          for (const w of warnings) err(`warning: ${w}`);
          const s = summarizeDataset(dataset);
          out(
            `Converted ${displayName(from)} → ${displayName(to)}: ${s.items} items, ${s.shapeTotal} shapes, ${s.tags} tags, ${s.tracks} tracks; wrote ${files.length} file(s) to ${output} in ${((performance.now() - started) / 1000).toFixed(2)} s`,
          );
        }
        return EXIT.ok;
      }
      case 'validate': {
        const codec = format(options.get('format'), 'format');
        check(codec, 'import');
        if (rest.length !== 1) throw new UsageError('validate needs one input');
        try {
          const { dataset, warnings } = await load(codec, rest[0]!);
          const summary = summarizeDataset(dataset);
          if (json) out(JSON.stringify({ valid: true, format: codec.id, summary, warnings }));
          else {
            out(`valid ${displayName(codec)}: ${rest[0]}`);
            printSummary(out, codec, summary, warnings);
          }
          return EXIT.ok;
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
          if (json)
            out(
              JSON.stringify({
                valid: false,
                format: codec.id,
                error: error.message,
                file: error.file,
                location: error.location ?? null,
                expected: error.expected ?? null,
              }),
            );
          else err(`invalid ${displayName(codec)}: ${error.message}`);
          return EXIT.invalid;
        }
      }
      case 'info': {
        if (rest.length !== 1) throw new UsageError('info needs one input');
        const source = openInput(rest[0]!);
        const candidates = await detectFormat(source);
        if (candidates.length === 0) {
          const message = `${rest[0]}: no known dataset format recognised (${source.paths().length} file(s)); try "loupe validate --format <format>"`;
          if (json) out(JSON.stringify({ format: null, candidates: [], error: message }));
          else err(message);
          return EXIT.invalid;
        }
        // The most likely format that imports; the error of the first one if none does.
        let firstError: FormatError | undefined;
        for (const { codec } of candidates) {
          if (!codec.import) continue;
          const warnings: string[] = [];
          try {
            const dataset = await codec.import(source, { warn: (m) => warnings.push(m) });
            const summary = summarizeDataset(dataset);
            const others = candidates
              .filter((c) => c.codec !== codec)
              .map((c) => ({ format: c.codec.id, confidence: c.confidence }));
            if (json)
              out(
                JSON.stringify({
                  format: codec.id,
                  name: displayName(codec),
                  summary,
                  warnings,
                  candidates: others,
                }),
              );
            else {
              printSummary(out, codec, summary, warnings);
              if (others.length > 0)
                out(
                  `also possible: ${others.map((o) => `${o.format} (${o.confidence.toFixed(2)})`).join(', ')}`,
                );
            }
            return EXIT.ok;
          } catch (error) {
            if (!(error instanceof FormatError)) throw error;
            firstError ??= error;
          }
        }
        const message = `looks like ${displayName(candidates[0]!.codec)} but does not import: ${firstError?.message ?? 'no importer'}`;
        if (json) out(JSON.stringify({ format: candidates[0]!.codec.id, error: message }));
        else err(message);
        return EXIT.invalid;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`loupe: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof FormatError) {
      err(`loupe: ${error.message}`);
      return EXIT.invalid;
    }
    err(`loupe: ${(error as Error).stack ?? String(error)}`);
    return EXIT.failure;
  }
}

const code = await run(
  process.argv.slice(2),
  (s) => process.stdout.write(s + '\n'),
  (s) => process.stderr.write(s + '\n'),
);
process.exitCode = code;
