/**
 * LZF decompression, as used by PCL for `DATA binary_compressed`. Each control byte is either a
 * literal run (< 32: copy ctrl + 1 bytes) or a back reference (length in the top 3 bits).
 */
export function lzfDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outputLength || ip + run > input.length)
        throw new RangeError('LZF data overruns its declared size');
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
    } else {
      let length = ctrl >> 5;
      if (length === 7) length += input[ip++] ?? 0;
      const back = ((ctrl & 0x1f) << 8) + (input[ip++] ?? 0) + 1;
      length += 2;
      let ref = op - back;
      if (ref < 0 || op + length > outputLength) throw new RangeError('LZF back reference is out of range');
      // Byte by byte: a reference may overlap the bytes it produces.
      for (let i = 0; i < length; i++) out[op++] = out[ref++] as number;
    }
  }
  if (op !== outputLength)
    throw new RangeError(`LZF data expands to ${op} bytes, the header says ${outputLength}`);
  return out;
}
