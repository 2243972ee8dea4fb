/** Line/column positions for JSON text, so errors can point into what the user typed. */

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  offset: number;
}

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `[2].attributes[0].values`: indexes in brackets, keys after dots (quoted when needed). */
export function formatPath(segments: readonly PathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

export function positionAt(text: string, offset: number): SourcePosition {
  return positionFinder(text)(offset);
}

/** Finds positions of many offsets in one text quickly (line starts are computed once). */
function positionFinder(text: string): (offset: number) => SourcePosition {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  }
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1, offset };
  };
}

export type JsonParseResult =
  | { ok: true; value: unknown; positions: Map<string, SourcePosition> }
  | { ok: false; message: string; position: SourcePosition };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** Scans JSON, recording where each value starts (by `formatPath` path). */
class PositionScanner {
  private index = 0;
  readonly offsets = new Map<string, number>();

  constructor(private readonly text: string) {}

  scan(): void {
    this.value([]);
    this.whitespace();
    if (this.index < this.text.length) this.fail('unexpected content after the JSON value');
  }

  private fail(message: string, offset = this.index): never {
    throw new JsonSyntaxError(message, offset);
  }

  private describeHere(): string {
    const char = this.text[this.index];
    return char === undefined ? 'end of input' : JSON.stringify(char);
  }

  private whitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.index] ?? '')) this.index += 1;
  }

  private value(path: PathSegment[]): void {
    this.whitespace();
    this.offsets.set(formatPath(path), this.index);
    const char = this.text[this.index];
    if (char === '{') this.object(path);
    else if (char === '[') this.array(path);
    else if (char === '"') this.string();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) this.number();
    else if (this.text.startsWith('true', this.index)) this.index += 4;
    else if (this.text.startsWith('false', this.index)) this.index += 5;
    else if (this.text.startsWith('null', this.index)) this.index += 4;
    else this.fail(`expected a value, found ${this.describeHere()}`);
  }

  private string(): string {
    const start = this.index;
    this.index += 1;
    for (;;) {
      const code = this.text.charCodeAt(this.index);
      if (Number.isNaN(code)) this.fail('unterminated string', start);
      if (code === 0x22) break;
      if (code < 0x20) this.fail('control characters (such as a line break) must be escaped in strings');
      if (code === 0x5c) {
        ESCAPE.lastIndex = this.index;
        if (!ESCAPE.test(this.text)) this.fail('invalid escape sequence in string');
        this.index = ESCAPE.lastIndex;
      } else {
        this.index += 1;
      }
    }
    this.index += 1;
    return JSON.parse(this.text.slice(start, this.index)) as string;
  }

  private number(): void {
    NUMBER.lastIndex = this.index;
    const match = NUMBER.exec(this.text);
    if (!match || match[0] === '-') this.fail('invalid number');
    this.index += match[0].length;
  }

  private array(path: PathSegment[]): void {
    this.index += 1;
    this.whitespace();
    if (this.text[this.index] === ']') {
      this.index += 1;
      return;
    }
    for (let item = 0; ; item += 1) {
      this.value([...path, item]);
      this.whitespace();
      const char = this.text[this.index];
      if (char === ']') {
        this.index += 1;
        return;
      }
      if (char !== ',') this.fail(`expected "," or "]" after an array element, found ${this.describeHere()}`);
      this.index += 1;
      this.whitespace();
      if (this.text[this.index] === ']') this.fail('trailing comma before "]"');
    }
  }

  private object(path: PathSegment[]): void {
    this.index += 1;
    this.whitespace();
    if (this.text[this.index] === '}') {
      this.index += 1;
      return;
    }
    for (;;) {
      this.whitespace();
      if (this.text[this.index] !== '"') {
        this.fail(`expected a property name in double quotes, found ${this.describeHere()}`);
      }
      const key = this.string();
      this.whitespace();
      if (this.text[this.index] !== ':')
        this.fail(`expected ":" after property name, found ${this.describeHere()}`);
      this.index += 1;
      this.value([...path, key]);
      this.whitespace();
      const char = this.text[this.index];
      if (char === '}') {
        this.index += 1;
        return;
      }
      if (char !== ',') this.fail(`expected "," or "}" after a property value, found ${this.describeHere()}`);
      this.index += 1;
      this.whitespace();
      if (this.text[this.index] === '}') this.fail('trailing comma before "}"');
    }
  }
}

/** Parses JSON; on failure says what was expected and where (line and column). */
export function parseJsonWithPositions(text: string): JsonParseResult {
  const scanner = new PositionScanner(text);
  try {
    scanner.scan();
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      return { ok: false, message: error.message, position: positionAt(text, error.offset) };
    }
    throw error;
  }
  const value: unknown = JSON.parse(text);
  const find = positionFinder(text);
  const positions = new Map<string, SourcePosition>();
  for (const [path, offset] of scanner.offsets) positions.set(path, find(offset));
  return { ok: true, value, positions };
}

/** The position of `path`, or of its nearest ancestor that exists in the text. */
export function locatePath(positions: Map<string, SourcePosition>, path: string): SourcePosition | undefined {
  let current = path;
  for (;;) {
    const found = positions.get(current);
    if (found || current === '') return found;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    current = cut <= 0 ? '' : current.slice(0, cut);
  }
}
