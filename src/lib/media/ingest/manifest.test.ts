import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestFileName, parseManifest } from './manifest';

const DIR = resolve('..', 'shared', 'assets', 'media', 'manifest_jsonl', 'cvat_case_65_manifest');

describe('parseManifest', () => {
  it('reads the CVAT image manifest: names, extensions, sizes and order', () => {
    for (const file of ['manifest.jsonl', 'demo_manifest.jsonl']) {
      const manifest = parseManifest(readFileSync(join(DIR, file), 'utf8'), file);
      expect(manifest.kind).toBe('images');
      if (manifest.kind !== 'images') return;
      expect(manifest.version).toBe('1.0');
      expect(manifest.images.map(manifestFileName)).toEqual(['image_case_65_1.png', 'image_case_65_2.png']);
      expect(manifest.images[0]).toMatchObject({
        width: 800,
        height: 800,
        checksum: '82d6b0b6e0dfb3c63ac49880c3756b1a',
      });
    }
  });

  it('reads related images from meta, as in CVAT backups', () => {
    const manifest = parseManifest(
      '{"version":"1.1"}\n{"type":"images"}\n{"name":"12","extension":".png","width":607,"height":668,"meta":{"related_images":["related_images/12_png/a.png"]}}\n',
    );
    expect(manifest.kind === 'images' && manifest.images[0]?.meta?.related_images).toEqual([
      'related_images/12_png/a.png',
    ]);
  });

  it('reads the video manifest from the CVAT documentation', () => {
    const text = [
      '{"version":"1.0"}',
      '{"type":"video"}',
      '{"properties":{"name":"video.mp4","resolution":[1280,720],"length":778}}',
      '{"number":0,"pts":0,"checksum":"17bb40d76887b56fe8213c6fded3d540"}',
      '{"number":135,"pts":486000,"checksum":"9da9b4d42c1206d71bf17a7070a05847"}',
    ].join('\n');
    const manifest = parseManifest(text);
    expect(manifest).toMatchObject({
      kind: 'video',
      video: { name: 'video.mp4', width: 1280, height: 720, length: 778 },
      keyframes: [
        { number: 0, pts: 0 },
        { number: 135, pts: 486000 },
      ],
    });
  });

  it('names the file, the line and the field that is wrong', () => {
    expect(() => parseManifest('{"version":"1.0"}\n{"type":"audio"}', 'm.jsonl')).toThrow(
      /m\.jsonl, line 2: expected \{"type"/,
    );
    expect(() =>
      parseManifest(
        '{"version":"1.0"}\n{"type":"images"}\n{"name":"a","extension":".png","width":"800","height":1}',
        'm.jsonl',
      ),
    ).toThrow(/m\.jsonl, line 3: .*"width"/);
    expect(() => parseManifest('{"version":"1.0"}\n{oops', 'm.jsonl')).toThrow(/line 2: not valid JSON/);
    expect(() => parseManifest('{"version":"1.0"}\n{"type":"video"}', 'v.jsonl')).toThrow(
      /v\.jsonl ends early/,
    );
  });
});
