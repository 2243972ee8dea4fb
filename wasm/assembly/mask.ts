// Mask kernels. Bitmaps are one byte per pixel (0 = clear, anything else = set), row-major.
// Runs follow CVAT: lengths of alternating clear/set runs, starting with a clear run that is 0
// long when the first pixel is set. Runs are u32.

// 0x0101010101010101, built from a u32 so the literal stays exact in JavaScript tooling.
const ONES: u64 = ((<u64>0x01010101) << 32) | 0x01010101;

/** Bump allocation; `free` reclaims only the most recent block, so free in reverse order. */
export function alloc(size: usize): usize {
  return heap.alloc(size);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

/**
 * Encodes `len` bytes at `src` into runs at `out`, which has room for `capacity` u32 slots, and
 * returns the number of runs, or -1 when they might not fit (`len + 17` slots always do).
 * Inside a run it skips 8 bytes at a time while the word is all 0 or all 1; other words go
 * through a branchless loop that writes the current run length at every byte and advances only
 * at a change, so noisy masks do not pay for mispredicted branches.
 */
export function rleEncode(src: usize, len: i32, out: usize, capacity: i32): i32 {
  if (len <= 0) return 0;
  const end = src + <usize>len;
  let p = src;
  let runStart = src;
  let current: u32 = 0;
  let n: i32 = 0;
  while (p < end) {
    const pattern: u64 = current ? ONES : 0;
    while (p + 8 <= end && load<u64>(p) == pattern) p += 8;
    const limit = p + 8 <= end ? p + 8 : end;
    if (n + 10 > capacity) return -1;
    while (p < limit) {
      const v = <u32>(load<u8>(p) != 0);
      const changed = v ^ current;
      store<u32>(out + ((<usize>n) << 2), <u32>(p - runStart));
      n += <i32>changed;
      runStart = select<usize>(p, runStart, changed != 0);
      current = v;
      p++;
    }
  }
  store<u32>(out + ((<usize>n) << 2), <u32>(p - runStart));
  return n + 1;
}

/**
 * Decodes `count` runs at `runs` into `len` bytes at `out` (0 or 1). Runs past `len` are cut;
 * pixels the runs do not reach are cleared. Returns the number of pixels the runs covered.
 */
export function rleDecode(runs: usize, count: i32, out: usize, len: i32): i32 {
  let p: usize = 0;
  const total = <usize>len;
  let value: u8 = 0;
  for (let i: i32 = 0; i < count; i++) {
    let r = <usize>load<u32>(runs + ((<usize>i) << 2));
    if (r > total - p) r = total - p;
    memory.fill(out + p, value, r);
    p += r;
    value ^= 1;
  }
  if (p < total) memory.fill(out + p, 0, total - p);
  return <i32>p;
}

/** Number of set bytes among `len` bytes at `src`. */
export function countSet(src: usize, len: i32): i32 {
  const end = src + <usize>len;
  let p = src;
  let n: i32 = 0;
  while (p + 8 <= end) {
    const w = load<u64>(p);
    if (w != 0) {
      for (let k: usize = 0; k < 8; k++) if (load<u8>(p + k) != 0) n++;
    }
    p += 8;
  }
  while (p < end) {
    if (load<u8>(p) != 0) n++;
    p++;
  }
  return n;
}
