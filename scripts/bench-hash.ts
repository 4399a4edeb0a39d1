// Child process of the benchmark: hashes one file with ModelGate's streaming hasher and prints
// {"seconds", "maxRssKiB"} so the parent can compare it with openssl on the same file.
import { sha256Of } from '../src/hash/sha256.js'
import { FileByteSource } from '../src/util/byte-source.js'

const src = await FileByteSource.open(process.argv[2]!)
const start = process.hrtime.bigint()
const digest = await sha256Of(src)
const seconds = Number(process.hrtime.bigint() - start) / 1e9
await src.close()
console.log(JSON.stringify({ digest, seconds, maxRssKiB: process.resourceUsage().maxRSS }))
