import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortNames } from './sorting';

// The example in CVAT's documentation: files given as 2.jpeg, 10.jpeg, 1.jpeg.
const UPLOADED = ['2.jpeg', '10.jpeg', '1.jpeg'];

describe('sortNames (CVAT sorting methods)', () => {
  it('lexicographical: 1.jpeg, 10.jpeg, 2.jpeg', () => {
    expect(sortNames(UPLOADED, 'lexicographical')).toEqual(['1.jpeg', '10.jpeg', '2.jpeg']);
  });

  it('lexicographical compares code points, so upper case comes first', () => {
    expect(sortNames(['b.png', 'B.png', 'a.png'], 'lexicographical')).toEqual(['B.png', 'a.png', 'b.png']);
  });

  it('natural: 1.jpeg, 2.jpeg, 10.jpeg', () => {
    expect(sortNames(UPLOADED, 'natural')).toEqual(['1.jpeg', '2.jpeg', '10.jpeg']);
  });

  it('natural ignores case, compares folders first and puts a stem before its longer variants', () => {
    expect(sortNames(['img10.png', 'IMG9.png', 'img9b.png'], 'natural')).toEqual([
      'IMG9.png',
      'img9b.png',
      'img10.png',
    ]);
    expect(sortNames(['b/1.png', 'a/10.png', 'a/2.png'], 'natural')).toEqual([
      'a/2.png',
      'a/10.png',
      'b/1.png',
    ]);
    expect(sortNames(['a1.jpg', 'a.jpg'], 'natural')).toEqual(['a.jpg', 'a1.jpg']);
    expect(sortNames(['frame_000010.png', 'frame_000009.png'], 'natural')).toEqual([
      'frame_000009.png',
      'frame_000010.png',
    ]);
  });

  it('predefined keeps the upload order: 2.jpeg, 10.jpeg, 1.jpeg', () => {
    expect(sortNames(UPLOADED, 'predefined')).toEqual(UPLOADED);
  });

  it('predefined follows the manifest order and puts unlisted names last, in upload order', () => {
    const order = ['10.jpeg', '1.jpeg'];
    expect(sortNames([...UPLOADED, '0.jpeg'], 'predefined', { predefinedOrder: order })).toEqual([
      '10.jpeg',
      '1.jpeg',
      '2.jpeg',
      '0.jpeg',
    ]);
  });

  it('random is a permutation that the same seed reproduces, whatever the input order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 40 }), fc.integer(), (names, seed) => {
        const a = sortNames(names, 'random', { seed });
        expect([...a].sort()).toEqual([...names].sort());
        expect(sortNames([...names].reverse(), 'random', { seed })).toEqual(a);
      }),
    );
    const many = Array.from({ length: 50 }, (_, i) => `${i}.png`);
    expect(sortNames(many, 'random', { seed: 1 })).not.toEqual(sortNames(many, 'random', { seed: 2 }));
  });

  it('every method returns a new array holding the same names', () => {
    for (const method of ['lexicographical', 'natural', 'predefined', 'random'] as const) {
      const out = sortNames(UPLOADED, method, { seed: 3 });
      expect(out).not.toBe(UPLOADED);
      expect([...out].sort()).toEqual([...UPLOADED].sort());
    }
  });
});
