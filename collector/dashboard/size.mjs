import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

/** Prints the size of each built dashboard asset: raw, gzip and brotli (what a browser downloads). */
const dir = fileURLToPath(new URL('../dist/dashboard/assets/', import.meta.url));
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
let total = [0, 0, 0];
for (const name of readdirSync(dir).sort()) {
  const body = readFileSync(dir + name);
  const sizes = [body.length, gzipSync(body, { level: 9 }).length, brotliCompressSync(body).length];
  total = total.map((t, i) => t + sizes[i]);
  console.log(`${name.padEnd(28)} ${kib(sizes[0])} raw, ${kib(sizes[1])} gzip, ${kib(sizes[2])} brotli`);
}
console.log(`dashboard total: ${kib(total[0])} raw, ${kib(total[1])} gzip, ${kib(total[2])} brotli`);
