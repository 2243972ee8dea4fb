/** The synthetic 640 x 480 frames of the SAM/OpenCV bench: a textured background, a disc and a square. */
export const BENCH_W = 640;
export const BENCH_H = 480;

export function benchFrame(shift: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(BENCH_W * BENCH_H * 4);
  for (let y = 0; y < BENCH_H; y++)
    for (let x = 0; x < BENCH_W; x++) {
      const g = 110 + 30 * Math.sin((x + shift) / 21) * Math.cos(y / 15);
      let c = [g, g, g];
      if ((x - 200) ** 2 + (y - 240) ** 2 < 90 ** 2) c = [210, 50, 40];
      else if (x >= 380 + shift && x < 460 + shift && y >= 160 && y < 240) c = [230, 200, 40];
      rgba.set([c[0]!, c[1]!, c[2]!, 255], (y * BENCH_W + x) * 4);
    }
  return rgba;
}
