/** Dataset format parsers: each reads only what its facts need (or the one streaming pass that hashes the file) and never throws. */
export { inspectParquet } from './parquet.js'
export { inspectArrowFile } from './arrow.js'
export { inspectArrowStream, looksLikeArrowStream } from './arrow-stream.js'
export { inspectFeatherV1 } from './feather-v1.js'
export { inspectDelimited } from './csv.js'
export { inspectJsonl } from './jsonl.js'
export { inspectTfrecord, looksLikeTfrecord } from './tfrecord.js'
export { inspectZarr } from './zarr.js'
