/**
 * XML reading on fast-xml-parser, into a small element tree that keeps each element's line so
 * that errors can say `annotations.xml line 12: <box> attribute "xtl": expected a number`.
 * Writing is plain string building with escaping (`XmlWriter`).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FormatError } from '../types';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text content of the element (trimmed, entities decoded), `''` when none. */
  text: string;
  /** 1-based line of the element's start tag; 0 when unknown. */
  line: number;
}

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;
const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

type RawNode = Record<string, unknown> & { [META]?: { startIndex?: number; endIndex?: number } };

function lineStarts(text: string): Uint32Array {
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  const starts = new Uint32Array(count);
  let k = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts[k++] = i + 1;
  return starts;
}

function lineOf(starts: Uint32Array, index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Throws the validator's account of what is wrong with `text` (line, column, message). */
function malformed(text: string, file: string, fallbackLine: number): never {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    const unclosed = /^Invalid '\[(.*)\]' found/s.exec(msg) ?? /^Unclosed tag '([^']*)'/.exec(msg);
    if (unclosed) {
      // The validator reports tags left open at the end of the input this way.
      const names = unclosed[1]!.split(',').map((n) => `<${n.trim().replace(/^"|"$/g, '')}>`);
      const last = text.split('\n').length;
      throw new FormatError(file, `the file ends before ${names.join(', ')} is closed (truncated?)`, {
        location: `line ${last}`,
        expected: 'well-formed XML',
      });
    }
    throw new FormatError(file, `malformed XML: ${msg}`, {
      location: `line ${line}, column ${col}`,
      expected: 'well-formed XML',
    });
  }
  throw new FormatError(file, 'malformed XML: an element is not closed properly', {
    location: `line ${fallbackLine}`,
    expected: 'well-formed XML',
  });
}

/**
 * Parses an XML document and returns its root element. Malformed XML (truncated files,
 * mismatched tags) throws a `FormatError` with the line and column.
 *
 * The parser is lenient, so every element is checked to end where its own closing tag (or
 * `/>`) is; only when that fails does the (slower) validator run, to describe the problem.
 */
export function parseXml(text: string, file: string): XmlElement {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    captureMetaData: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    commentPropName: false,
    processEntities: true,
  });
  let raw: RawNode[];
  try {
    raw = parser.parse(text) as RawNode[];
  } catch {
    malformed(text, file, 1);
  }
  const starts = lineStarts(text);
  const closedProperly = (name: string, end: number | undefined): boolean => {
    if (end === undefined) return false;
    if (text.charCodeAt(end - 1) !== 62) return false; // '>'
    if (text.charCodeAt(end - 2) === 47) return true; // '/>'
    const open = text.lastIndexOf('</', end - 1);
    return open >= 0 && text.slice(open + 2, end - 1).trim() === name;
  };
  const convert = (node: RawNode): XmlElement | null => {
    let name = '';
    for (const key of Object.keys(node)) {
      if (key !== ':@' && key !== '#text') {
        name = key;
        break;
      }
    }
    if (name === '') return null;
    // Attribute values are strings (no value parsing); `true` marks a value-less attribute.
    const attrs = (node[':@'] ?? EMPTY) as Record<string, string>;
    for (const k in attrs) if ((attrs[k] as unknown) === true) attrs[k] = '';
    const children: XmlElement[] = [];
    let content = '';
    for (const child of (node[name] ?? []) as RawNode[]) {
      if ('#text' in child) content += String(child['#text']);
      else {
        const el = convert(child);
        if (el) children.push(el);
      }
    }
    const meta = node[META];
    const index = meta?.startIndex;
    const line = index === undefined ? 0 : lineOf(starts, index);
    if (!closedProperly(name, meta?.endIndex)) malformed(text, file, line);
    return { name, attrs, children, text: content, line };
  };
  const roots = raw.map(convert).filter((e): e is XmlElement => e !== null);
  if (roots.length === 0) throw new FormatError(file, 'no XML root element', { expected: 'an XML document' });
  return roots[0]!;
}

/** `line 12 <box>` for error locations. */
export function where(el: XmlElement): string {
  return el.line > 0 ? `line ${el.line} <${el.name}>` : `<${el.name}>`;
}

/** Reads typed attributes of one element and reports errors with its file and line. */
export class XmlReader {
  constructor(readonly file: string) {}

  error(el: XmlElement, message: string, expected?: string): FormatError {
    return new FormatError(this.file, message, { location: where(el), expected });
  }

  child(el: XmlElement, name: string): XmlElement | undefined {
    return el.children.find((c) => c.name === name);
  }

  childText(el: XmlElement, name: string): string | undefined {
    return this.child(el, name)?.text;
  }

  required(el: XmlElement, name: string): string {
    const v = el.attrs[name];
    if (v === undefined) throw this.error(el, `missing attribute "${name}"`, `a "${name}" attribute`);
    return v;
  }

  number(el: XmlElement, name: string, fallback?: number): number {
    const v = el.attrs[name];
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw this.error(el, `missing attribute "${name}"`, 'a number');
    }
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n))
      throw this.error(el, `attribute "${name}" is "${v}"`, 'a number');
    return n;
  }

  integer(el: XmlElement, name: string, fallback?: number, min = -Infinity): number {
    const n = this.number(el, name, fallback);
    if (!Number.isInteger(n) || n < min)
      throw this.error(
        el,
        `attribute "${name}" is "${el.attrs[name]}"`,
        min === 0 ? 'a non-negative integer' : 'an integer',
      );
    return n;
  }

  flag(el: XmlElement, name: string): boolean {
    const v = el.attrs[name];
    if (v === undefined || v === '' || v === '0' || v === 'false' || v === 'False') return false;
    if (v === '1' || v === 'true' || v === 'True') return true;
    throw this.error(el, `attribute "${name}" is "${v}"`, '0 or 1');
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for element content and attribute values. */
export function escapeXml(value: string): string {
  return /[&<>"']/.test(value) ? value.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : value;
}

/** Builds an XML document; text is kept in large pieces (`take()` hands them out for streaming). */
export class XmlWriter {
  private readonly parts: string[] = [];
  private buffer = '<?xml version="1.0" encoding="utf-8"?>\n';
  private readonly stack: string[] = [];
  private pad = '';

  private static attrs(attrs: Record<string, string | number | undefined>): string {
    let out = '';
    for (const k in attrs) {
      const v = attrs[k];
      if (v !== undefined) out += ` ${k}="${typeof v === 'number' ? v : escapeXml(v)}"`;
    }
    return out;
  }

  private push(s: string): void {
    this.buffer += s;
    if (this.buffer.length > 1 << 20) {
      this.parts.push(this.buffer);
      this.buffer = '';
    }
  }

  open(name: string, attrs: Record<string, string | number | undefined> = {}): this {
    this.push(`${this.pad}<${name}${XmlWriter.attrs(attrs)}>\n`);
    this.stack.push(name);
    this.pad += '  ';
    return this;
  }

  close(): this {
    const name = this.stack.pop();
    if (name === undefined) throw new Error('XmlWriter: close without open');
    this.pad = this.pad.slice(2);
    this.push(`${this.pad}</${name}>\n`);
    return this;
  }

  /** `<name attrs>text</name>`, or `<name attrs/>` when `text` is undefined. */
  leaf(name: string, attrs: Record<string, string | number | undefined> = {}, text?: string): this {
    const a = XmlWriter.attrs(attrs);
    this.push(
      text === undefined
        ? `${this.pad}<${name}${a}/>\n`
        : `${this.pad}<${name}${a}>${escapeXml(text)}</${name}>\n`,
    );
    return this;
  }

  /** Characters buffered and not yet taken. */
  get size(): number {
    return this.buffer.length + this.parts.reduce((n, p) => n + p.length, 0);
  }

  /** Takes the text written so far (for streaming large documents). */
  take(): string {
    const out = this.parts.join('') + this.buffer;
    this.parts.length = 0;
    this.buffer = '';
    return out;
  }

  toString(): string {
    if (this.stack.length > 0) throw new Error(`XmlWriter: <${this.stack.at(-1)}> not closed`);
    return this.take();
  }
}
