/** Image types a task accepts from local files, recognised by their first bytes, not their names. */
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/bmp' | 'image/gif';

const SIGNATURES: { mime: ImageMime; test: (b: Uint8Array) => boolean }[] = [
  { mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    mime: 'image/png',
    test: (b) =>
      b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a,
  },
  {
    mime: 'image/webp',
    test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  },
  { mime: 'image/gif', test: (b) => ascii(b, 0, 4) === 'GIF8' },
  { mime: 'image/bmp', test: (b) => b[0] === 0x42 && b[1] === 0x4d && b.length >= 26 },
];

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** The image type of these leading bytes (16 are enough), or null when it is not an image we take. */
export function sniffImageType(head: Uint8Array): ImageMime | null {
  return SIGNATURES.find((s) => s.test(head))?.mime ?? null;
}

/** Natural order for file names: "frame2" before "frame10". */
export function compareNatural(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}
