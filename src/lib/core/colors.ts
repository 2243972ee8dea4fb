/**
 * Label colors: a fixed palette of well-separated, saturated colors first, then hues stepped
 * by the golden angle. Deterministic: the same existing colors always give the same next one.
 */

export const LABEL_PALETTE: readonly string[] = [
  '#e6194b',
  '#3cb44b',
  '#ffe119',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#fabed4',
  '#469990',
  '#dcbeff',
  '#9a6324',
  '#800000',
  '#aaffc3',
  '#808000',
  '#ffd8b1',
];

const GOLDEN_ANGLE_DEGREES = 137.50776405003785;
const LIGHTNESS_STEPS = [0.5, 0.62, 0.4];

export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** The first palette color not in `existing` (case-insensitive); then generated hues. */
export function nextLabelColor(existing: readonly string[]): string {
  const taken = new Set(existing.map((color) => color.toLowerCase()));
  for (const color of LABEL_PALETTE) {
    if (!taken.has(color)) return color;
  }
  for (let index = 0; ; index += 1) {
    const color = generatedColor(index);
    if (!taken.has(color)) return color;
  }
}

/** The `index`-th generated color after the palette. */
export function generatedColor(index: number): string {
  const hue = (index * GOLDEN_ANGLE_DEGREES) % 360;
  const lightness = LIGHTNESS_STEPS[Math.floor(index / 7) % LIGHTNESS_STEPS.length] ?? 0.5;
  return hslToHex(hue, 0.75, lightness);
}

/** HSL (hue in degrees, saturation and lightness in 0..1) to `#rrggbb`. */
export function hslToHex(hue: number, saturation: number, lightness: number): string {
  const amplitude = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const value = lightness - amplitude * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
