import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareNatural, sniffImageType } from './imageType';

const ASSETS = join(process.cwd(), '..', 'shared', 'assets');

function findFiles(dir: string, ext: RegExp, limit = 3): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (out.length >= limit) return;
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (ext.test(entry.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('sniffImageType', () => {
  it('recognises real JPEG and PNG samples by their bytes', () => {
    const jpegs = findFiles(ASSETS, /\.jpe?g$/i);
    const pngs = findFiles(ASSETS, /\.png$/i);
    expect(jpegs.length).toBeGreaterThan(0);
    expect(pngs.length).toBeGreaterThan(0);
    for (const f of jpegs) expect(sniffImageType(readFileSync(f).subarray(0, 16))).toBe('image/jpeg');
    for (const f of pngs) expect(sniffImageType(readFileSync(f).subarray(0, 16))).toBe('image/png');
  });

  it('rejects text, empty files and a JPEG name on non-image bytes', () => {
    expect(sniffImageType(new TextEncoder().encode('{"not": "an image"}'))).toBeNull();
    expect(sniffImageType(new Uint8Array())).toBeNull();
    expect(sniffImageType(new TextEncoder().encode('%PDF-1.7\n'))).toBeNull();
  });
});

describe('compareNatural', () => {
  it('orders numbered frames by number', () => {
    expect(['f10.png', 'f2.png', 'f1.png'].sort(compareNatural)).toEqual(['f1.png', 'f2.png', 'f10.png']);
  });
});
