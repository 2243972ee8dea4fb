/**
 * JSON reading for dataset files: `JSON.parse` for speed, and on any error the position of the
 * problem (`instances_default.json line 12, annotations[3].bbox: …`). Positions are computed
 * only when an error is reported, so valid files pay nothing for them.
 */
import {
  formatPath,
  locatePath,
  parseJsonWithPositions,
  type PathSegment,
  type SourcePosition,
} from '../../core/jsonPositions';
import { FormatError } from '../types';

export type { PathSegment };

/** A parsed JSON file that can report errors at a path inside it. */
export class JsonFile {
  private positions: Map<string, SourcePosition> | null = null;

  private constructor(
    readonly file: string,
    private readonly text: string,
    readonly value: unknown,
  ) {}

  /** Parses `text`; a syntax error (a truncated file) throws a `FormatError` with its line. */
  static parse(text: string, file: string): JsonFile {
    try {
      return new JsonFile(file, text, JSON.parse(text));
    } catch {
      const result = parseJsonWithPositions(text);
      if (result.ok) return new JsonFile(file, text, result.value);
      const { line, column } = result.position;
      const truncated =
        result.position.offset >= text.trimEnd().length || /unterminated|end of input/.test(result.message);
      throw new FormatError(
        file,
        `${truncated ? 'the file ends too early (truncated?): ' : 'invalid JSON: '}${result.message}`,
        {
          location: `line ${line}, column ${column}`,
          expected: 'valid JSON',
        },
      );
    }
  }

  /** `line 12, annotations[3].bbox` (the line of the nearest part that exists). */
  where(path: readonly PathSegment[]): string {
    const p = formatPath(path);
    if (this.positions === null) {
      const result = parseJsonWithPositions(this.text);
      this.positions = result.ok ? result.positions : new Map();
    }
    const at = locatePath(this.positions, p);
    return at ? `line ${at.line}, ${p || 'top level'}` : p || 'top level';
  }

  error(path: readonly PathSegment[], message: string, expected?: string): FormatError {
    return new FormatError(this.file, message, { location: this.where(path), expected });
  }
}

/** A short rendering of a JSON value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Typed access to parts of a JSON file with errors that name the path: `num(a, ['bbox', 0])`.
 */
export class JsonReader {
  constructor(readonly json: JsonFile) {}

  error(path: readonly PathSegment[], message: string, expected?: string): FormatError {
    return this.json.error(path, message, expected);
  }

  object(value: unknown, path: readonly PathSegment[]): Record<string, unknown> {
    if (!isRecord(value)) throw this.error(path, `is ${show(value)}`, 'an object');
    return value;
  }

  array(value: unknown, path: readonly PathSegment[]): unknown[] {
    if (!Array.isArray(value)) throw this.error(path, `is ${show(value)}`, 'an array');
    return value;
  }

  number(value: unknown, path: readonly PathSegment[]): number {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw this.error(path, `is ${show(value)}`, 'a number');
    return value;
  }

  integer(value: unknown, path: readonly PathSegment[]): number {
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw this.error(path, `is ${show(value)}`, 'an integer');
    return value;
  }

  string(value: unknown, path: readonly PathSegment[]): string {
    if (typeof value !== 'string') throw this.error(path, `is ${show(value)}`, 'a string');
    return value;
  }

  numbers(value: unknown, path: readonly PathSegment[], length?: number): number[] {
    const list = this.array(value, path);
    if (length !== undefined && list.length !== length)
      throw this.error(path, `has ${list.length} numbers`, `${length} numbers`);
    return list.map((v, i) => this.number(v, [...path, i]));
  }
}
