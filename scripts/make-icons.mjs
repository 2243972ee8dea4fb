// Renders the app icons (a loupe over a frame) to PNG with no image library: the shapes are
// simple enough to rasterise analytically. Run once; the PNGs are committed in static/icons.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

function crc32(buf) {
  let c,
    crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel((x + 0.5) / size, (y + 0.5) / size), 1 + x * 4);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BG = [21, 23, 28, 255];
const ACCENT = [255, 170, 51, 255];
const LENS = [60, 140, 255, 255];

function icon(maskable) {
  const inset = maskable ? 0.2 : 0.1;
  return (u, v) => {
    const x = (u - inset) / (1 - 2 * inset);
    const y = (v - inset) / (1 - 2 * inset);
    if (!maskable) {
      const r = 0.18;
      const dx = Math.max(Math.abs(u - 0.5) - (0.5 - r), 0);
      const dy = Math.max(Math.abs(v - 0.5) - (0.5 - r), 0);
      if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
    }
    const d = Math.hypot(x - 0.42, y - 0.42);
    if (d > 0.24 && d < 0.31) return LENS;
    const onHandle = x > 0.6 && y > 0.6 && Math.abs(x - y) < 0.07 && x < 0.88;
    if (onHandle) return LENS;
    const inBox = x > 0.3 && x < 0.54 && y > 0.3 && y < 0.54;
    const edge = inBox && (x < 0.33 || x > 0.51 || y < 0.33 || y > 0.51);
    if (edge) return ACCENT;
    return BG;
  };
}

writeFileSync('static/icons/icon-192.png', png(192, icon(false)));
writeFileSync('static/icons/icon-512.png', png(512, icon(false)));
writeFileSync('static/icons/icon-maskable-512.png', png(512, icon(true)));
