// npx tsx scripts/teams-icons.ts — draws the two Teams app icons into appPackage/: color.png
// (192×192, a white check mark on the brand blue) and outline.png (32×32, the same mark in white
// on transparent, as Teams requires). Plain RGBA PNGs written with node:zlib; the files are
// committed, this script only documents how they were made.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

type Rgba = [number, number, number, number];

export function png(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Distance from (x, y) to the segment a–b, in pixels. */
function distance(x: number, y: number, [ax, ay]: number[], [bx, by]: number[]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Coverage (0..1) of a check mark scaled to the icon, with a one-pixel soft edge. */
function checkMark(size: number, x: number, y: number): number {
  const s = size / 32;
  const a = [8 * s, 16.5 * s];
  const b = [13.5 * s, 22 * s];
  const c = [24 * s, 10 * s];
  const half = 2.2 * s;
  const d = Math.min(distance(x + 0.5, y + 0.5, a, b), distance(x + 0.5, y + 0.5, b, c));
  return Math.max(0, Math.min(1, half - d + 0.5));
}

const BLUE = [0x1f, 0x4e, 0x79];

export function colorIcon(): Buffer {
  return png(192, (x, y) => {
    const k = checkMark(192, x, y);
    return [0, 1, 2].map((i) => Math.round(BLUE[i] * (1 - k) + 255 * k)).concat(255) as Rgba;
  });
}

export function outlineIcon(): Buffer {
  return png(32, (x, y) => [255, 255, 255, Math.round(255 * checkMark(32, x, y))]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL("../appPackage/color.png", import.meta.url), colorIcon());
  writeFileSync(new URL("../appPackage/outline.png", import.meta.url), outlineIcon());
  console.log("wrote appPackage/color.png and appPackage/outline.png");
}
