import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface Sizes {
  min: number;
  gzip: number;
  brotli: number;
}

/** Bytes of minified code as is, gzip -9 and brotli quality 11, like scripts/size.mjs. */
export function measure(code: string | Buffer): Sizes {
  const data = Buffer.from(code);
  return {
    min: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }).length,
  };
}
