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

type RawNode = Record<string, unknown> & { [META]?: { startIndex?: number } };

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

/**
 * Parses an XML document and returns its root element. Malformed XML (truncated files,
 * mismatched tags) throws a `FormatError` with the line and column.
 */
export function parseXml(text: string, file: string): XmlElement {
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
  const raw = parser.parse(text) as RawNode[];
  const starts = lineStarts(text);
  const convert = (node: RawNode): XmlElement | null => {
    let name = '';
    for (const key of Object.keys(node)) {
      if (key !== ':@' && key !== '#text') {
        name = key;
        break;
      }
    }
    if (name === '') return null;
    const attrsRaw = (node[':@'] ?? {}) as Record<string, unknown>;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(attrsRaw)) attrs[k] = v === true ? '' : String(v);
    const children: XmlElement[] = [];
    let text = '';
    for (const child of (node[name] ?? []) as RawNode[]) {
      if ('#text' in child) text += String(child['#text']);
      else {
        const el = convert(child);
        if (el) children.push(el);
      }
    }
    const index = node[META]?.startIndex;
    return { name, attrs, children, text, line: index === undefined ? 0 : lineOf(starts, index) };
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

/** Builds an XML document as a list of string parts (joined once at the end). */
export class XmlWriter {
  private readonly parts: string[] = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  private readonly stack: string[] = [];

  private indent(): string {
    return '  '.repeat(this.stack.length);
  }

  private static attrs(attrs: Record<string, string | number | undefined>): string {
    let out = '';
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out += ` ${k}="${escapeXml(String(v))}"`;
    return out;
  }

  open(name: string, attrs: Record<string, string | number | undefined> = {}): this {
    this.parts.push(`${this.indent()}<${name}${XmlWriter.attrs(attrs)}>\n`);
    this.stack.push(name);
    return this;
  }

  close(): this {
    const name = this.stack.pop();
    if (name === undefined) throw new Error('XmlWriter: close without open');
    this.parts.push(`${this.indent()}</${name}>\n`);
    return this;
  }

  /** `<name attrs>text</name>`, or `<name attrs/>` when `text` is undefined. */
  leaf(name: string, attrs: Record<string, string | number | undefined> = {}, text?: string): this {
    const a = XmlWriter.attrs(attrs);
    this.parts.push(
      text === undefined
        ? `${this.indent()}<${name}${a}/>\n`
        : `${this.indent()}<${name}${a}>${escapeXml(text)}</${name}>\n`,
    );
    return this;
  }

  /** Number of parts buffered, to flush large documents in pieces. */
  get size(): number {
    return this.parts.length;
  }

  /** Takes the text written so far (for streaming large documents). */
  take(): string {
    const out = this.parts.join('');
    this.parts.length = 0;
    return out;
  }

  toString(): string {
    if (this.stack.length > 0) throw new Error(`XmlWriter: <${this.stack.at(-1)}> not closed`);
    return this.parts.join('');
  }
}
