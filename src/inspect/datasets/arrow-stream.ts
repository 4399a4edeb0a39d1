import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, newResult } from '../formats/common.js'
import { FlatBuffer } from './flatbuffer.js'
import { ARROW_FIX, CONTINUATION, HEADER, MAX_ARROW_METADATA, headerName, messagePrefix, readMessage, recordBatchRows, schemaColumns } from './arrow-ipc.js'
import { ForwardReader } from '../../util/forward-reader.js'

/**
 * Whether a file starts like an Arrow IPC stream (what Hugging Face `datasets` writes to
 * its `.arrow` cache files): the continuation marker, a length, and a Message flatbuffer
 * whose header is a Schema, all within `head`. Streams from before Arrow 0.15 (no marker)
 * are not recognised: a bare length could be the start of a crafted protocol-0 pickle,
 * while 0xFF is no pickle opcode.
 */
export function looksLikeArrowStream(head: Buffer): boolean {
  const prefix = messagePrefix(head)
  if (!prefix || prefix.prefix !== 8 || prefix.length < 8 || prefix.length % 8 !== 0 || prefix.prefix + prefix.length > head.length) return false
  try {
    const message = readMessage(new FlatBuffer(head.subarray(prefix.prefix, prefix.prefix + prefix.length), 'Arrow message', ARROW_FIX))
    return message.headerType === HEADER.schema && message.header !== null
  } catch {
    return false
  }
}

/**
 * Arrow IPC stream format: a Schema message, then dictionary and record batch messages,
 * each `prefix, metadata, body`. Walks the message headers in the streaming read that
 * hashes the file, passing over bodies by their `bodyLength` without keeping them.
 * Facts: `columnCount`, `columns`, `recordBatches`, `rows`, `dictionaryBatches` (when any).
 */
export async function inspectArrowStream(src: ByteSource): Promise<InspectResult> {
  return guarded('Arrow stream', newResult('arrow-stream'), async (r) => {
    const cur = new ForwardReader(src.stream())
    try {
      let batches = 0
      let dictionaries = 0
      let rows = 0n
      for (let n = 1; ; n++) {
        const at = cur.position
        const first = await cur.read(4)
        if (first.length === 0) break // pyarrow always writes the end marker; an older writer may not
        const prefix = messagePrefix(first.length === 4 && first.readUInt32LE(0) === CONTINUATION ? Buffer.concat([first, await cur.read(4)]) : first)
        if (!prefix) throw new FormatError(`Arrow message ${n} at byte ${at}: the file ends inside the message's length prefix (truncated file).`, ARROW_FIX, at)
        if (prefix.length === 0) break // end-of-stream marker
        const left = src.size - cur.position
        if (prefix.length < 0 || prefix.length > left) {
          throw new FormatError(`Arrow message ${n} at byte ${at} claims ${prefix.length} bytes of metadata, but only ${left} bytes follow (truncated file or not an Arrow stream).`, ARROW_FIX, at)
        }
        if (prefix.length > MAX_ARROW_METADATA) throw new FormatError(`Arrow message ${n} at byte ${at} has ${prefix.length} bytes of metadata, over ModelGate's ${MAX_ARROW_METADATA}-byte bound.`, ARROW_FIX, at)
        const fb = new FlatBuffer(await cur.read(prefix.length), `Arrow message ${n}`, ARROW_FIX, at + prefix.prefix)
        const message = readMessage(fb)
        if ((n === 1) !== (message.headerType === HEADER.schema)) {
          throw new FormatError(`Arrow message ${n} at byte ${at} is a ${headerName(message.headerType)}; a stream has exactly one Schema, first.`, ARROW_FIX, at)
        }
        if (message.headerType === HEADER.schema) Object.assign(r.facts, schemaColumns(fb, message.header))
        else if (message.headerType === HEADER.recordBatch) {
          rows += recordBatchRows(fb, message.header)
          batches++
        } else if (message.headerType === HEADER.dictionaryBatch) dictionaries++
        else throw new FormatError(`Arrow message ${n} at byte ${at} is a ${headerName(message.headerType)}, which a table stream does not hold.`, ARROW_FIX, at)
        const bodyLeft = src.size - cur.position
        if (message.bodyLength > BigInt(bodyLeft)) {
          throw new FormatError(`Arrow message ${n} at byte ${at} claims a ${message.bodyLength}-byte body, but only ${bodyLeft} bytes follow (truncated file).`, ARROW_FIX, at)
        }
        await cur.skip(Number(message.bodyLength))
      }
      if (r.facts.columnCount === undefined) throw new FormatError('The Arrow stream holds no Schema message.', ARROW_FIX, 0)
      r.facts.recordBatches = batches
      r.facts.rows = Number(rows)
      if (dictionaries > 0) r.facts.dictionaryBatches = dictionaries
    } finally {
      await cur.close()
    }
  })
}
