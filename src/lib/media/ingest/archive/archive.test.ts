import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expandArchive } from './index';

const MEDIA = resolve('..', 'shared', 'assets', 'media');
const MB = 1_000_000;
const file = (path: string) => new Blob([readFileSync(path)]);
const options = { maxExpandedBytes: 100 * MB };

describe('expandArchive', () => {
  it('expands CVAT archive.zip (mixed deflate and stored) into its 12 JPEGs under archive/', async () => {
    const entries = await expandArchive(
      file(join(MEDIA, 'image_archives/cvat/archive.zip')),
      'archive.zip',
      options,
    );
    expect(entries).toHaveLength(12);
    for (const entry of entries) {
      expect(entry.path).toMatch(/^archive\/.+\.jpe?g$/i);
      const head = new Uint8Array(await entry.blob.slice(0, 3).arrayBuffer());
      expect([...head]).toEqual([0xff, 0xd8, 0xff]);
    }
  });

  it('matches the extracted copy byte for byte', async () => {
    const entries = await expandArchive(
      file(join(MEDIA, 'related_images_2d/cvat/case_90_context_image.zip')),
      'case_90_context_image.zip',
      options,
    );
    expect(entries.map((e) => e.path).sort()).toEqual([
      'case_90_context_image/image_case_90_1.png',
      'case_90_context_image/image_case_90_2.png',
      'case_90_context_image/related_images/image_case_90_1_png/context_image_for_image_1.png',
      'case_90_context_image/related_images/image_case_90_2_png/context_image_for_image_2.png',
    ]);
    for (const entry of entries) {
      const expected = readFileSync(
        join(MEDIA, 'related_images_2d/cvat/case_90_context_image_extracted', entry.path),
      );
      expect(Buffer.from(await entry.blob.arrayBuffer()).equals(expected)).toBe(true);
    }
  });

  it('expands tar and tar.gz built by the system tar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-tar-'));
    mkdirSync(join(dir, 'src', 'deep'.repeat(30)), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.txt'), 'alpha');
    writeFileSync(join(dir, 'src', 'deep'.repeat(30), 'b.txt'), 'beta');
    execFileSync('tar', ['-cf', join(dir, 'x.tar'), '-C', join(dir, 'src'), '.']);
    execFileSync('tar', ['-czf', join(dir, 'x.tar.gz'), '-C', join(dir, 'src'), '.']);
    for (const name of ['x.tar', 'x.tar.gz']) {
      const entries = await expandArchive(file(join(dir, name)), name, options);
      const byPath = Object.fromEntries(
        await Promise.all(entries.map(async (e) => [e.path, await e.blob.text()])),
      );
      expect(byPath).toEqual({ 'a.txt': 'alpha', [`${'deep'.repeat(30)}/b.txt`]: 'beta' });
    }
  });

  it('refuses a zip bomb by its declared size before inflating anything', async () => {
    const zeros = new Uint8Array(50 * MB);
    const bomb = zipSync({ 'zeros.bin': zeros }, { level: 9 });
    expect(bomb.length).toBeLessThan(zeros.length / 500); // the compression ratio of a bomb
    await expect(expandArchive(new Blob([bomb]), 'bomb.zip', { maxExpandedBytes: 10 * MB })).rejects.toThrow(
      /bomb\.zip expands to 50 MB, over the 10 MB limit .*zip bomb/,
    );
  });

  it('stops a zip bomb whose directory lies about the size while inflating', async () => {
    const bomb = zipSync({ 'zeros.bin': new Uint8Array(50 * MB) }, { level: 9 });
    const view = new DataView(bomb.buffer);
    for (let i = bomb.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50) {
        view.setUint32(i + 24, 1000, true); // declared uncompressed size: 1 KB
        break;
      }
    }
    await expect(expandArchive(new Blob([bomb]), 'liar.zip', { maxExpandedBytes: 10 * MB })).rejects.toThrow(
      /liar\.zip: zeros\.bin expands to more than the 1\.0 KB its header declares/,
    );
  });

  it('names the file for RAR, truncated and non-archive input', async () => {
    await expect(
      expandArchive(file(join(MEDIA, 'image_archives/cvat/test_rar.rar')), 'test_rar.rar', options),
    ).rejects.toThrow(/test_rar\.rar is a RAR archive, an unsupported archive type/);
    const zip = readFileSync(join(MEDIA, 'image_archives/datumaro_image_zip_dataset/1.zip'));
    await expect(
      expandArchive(new Blob([zip.subarray(0, zip.length - 30)]), '1.zip', options),
    ).rejects.toThrow(/1\.zip/);
    await expect(expandArchive(new Blob(['hello']), 'notes.txt', options)).rejects.toThrow(
      /notes\.txt is not a ZIP or tar archive/,
    );
  });

  it('stops when the signal aborts and reports progress per entry', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const run = expandArchive(file(join(MEDIA, 'image_archives/cvat/archive.zip')), 'archive.zip', {
      ...options,
      signal: controller.signal,
      onProgress: (done, _total, name) => {
        seen.push(name);
        if (done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(seen.length).toBe(3);
  });
});
