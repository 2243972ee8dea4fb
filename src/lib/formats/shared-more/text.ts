/** Line-oriented parsing with positions, for text formats whose errors must name a line. */
import { FormatError } from '../types';

export interface Line {
  /** 1-based line number in the file. */
  n: number;
  text: string;
}

/** Non-blank lines, trimmed; `comment` starts a line to skip (e.g. `#`). */
export function textLines(text: string, comment?: string): Line[] {
  const out: Line[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!.trim();
    if (t === '' || (comment !== undefined && t.startsWith(comment))) continue;
    out.push({ n: i + 1, text: t });
  }
  return out;
}

/** A finite number from `token`, or a FormatError naming the file, line and field. */
export function parseNumber(token: string | undefined, file: string, line: number, field: string): number {
  const value = token === undefined || token.trim() === '' ? NaN : Number(token);
  if (!Number.isFinite(value)) {
    throw new FormatError(file, `${field} is ${token === undefined ? 'missing' : `"${token}"`}`, {
      location: `line ${line}`,
      expected: 'a number',
    });
  }
  return value;
}

/** A non-negative integer from `token`. */
export function parseIndex(token: string | undefined, file: string, line: number, field: string): number {
  const value = parseNumber(token, file, line, field);
  if (!Number.isInteger(value) || value < 0) {
    throw new FormatError(file, `${field} is "${token}"`, {
      location: `line ${line}`,
      expected: 'a non-negative integer',
    });
  }
  return value;
}

/** Splits a CSV line (commas, double-quoted fields with `""` escapes). */
export function splitCsv(line: string, separator = ','): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === separator) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/** Quotes a CSV field when it needs it. */
export function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Fixed decimals without a trailing `-0`. */
export function fixed(value: number, digits: number): string {
  const s = value.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A short number: up to `digits` decimals, trailing zeros dropped. */
export function short(value: number, digits = 6): string {
  const s = fixed(value, digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
