import { describe, expect, it } from 'vitest';
import { HEX_COLOR, LABEL_PALETTE, generatedColor, hslToHex, nextLabelColor } from './colors';

describe('nextLabelColor', () => {
  it('starts with the first palette color', () => {
    expect(nextLabelColor([])).toBe(LABEL_PALETTE[0]);
  });

  it('skips colors already used, case-insensitively', () => {
    expect(nextLabelColor([LABEL_PALETTE[0]!.toUpperCase()])).toBe(LABEL_PALETTE[1]);
    expect(nextLabelColor([LABEL_PALETTE[1]!])).toBe(LABEL_PALETTE[0]);
  });

  it('is deterministic', () => {
    const existing = ['#123456', LABEL_PALETTE[0]!];
    expect(nextLabelColor(existing)).toBe(nextLabelColor([...existing]));
  });

  it('keeps producing distinct valid colors well past the palette', () => {
    const colors: string[] = [];
    for (let i = 0; i < 300; i += 1) colors.push(nextLabelColor(colors));
    expect(new Set(colors).size).toBe(300);
    for (const color of colors) expect(color).toMatch(HEX_COLOR);
  });
});

describe('hslToHex', () => {
  it('converts primary colors', () => {
    expect(hslToHex(0, 1, 0.5)).toBe('#ff0000');
    expect(hslToHex(120, 1, 0.5)).toBe('#00ff00');
    expect(hslToHex(240, 1, 0.5)).toBe('#0000ff');
    expect(hslToHex(0, 0, 1)).toBe('#ffffff');
  });

  it('generated colors are valid hex', () => {
    for (let i = 0; i < 50; i += 1) expect(generatedColor(i)).toMatch(HEX_COLOR);
  });
});
