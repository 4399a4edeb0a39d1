import type { ByteSource } from '../../util/byte-source.js'
import type { Facts, InspectResult } from '../types.js'
import { FormatError, guarded, type InspectContext } from './common.js'
import { PbReader } from './protobuf.js'

/** sentencepiece_model.proto TrainerSpec.ModelType. */
const MODEL_TYPES: Record<number, string> = { 1: 'unigram', 2: 'bpe', 3: 'word', 4: 'char' }
const FIX = 'Re-train or re-download the tokenizer; the file is truncated or corrupted.'

/**
 * A SentencePiece `tokenizer.model` (ModelProto): `pieces` is the count of field 1
 * entries (the vocabulary), `model_type` the TrainerSpec (field 2) field 3 when written.
 * Walked field by field over the file (protobuf.ts bounds), never loaded whole.
 */
export async function inspectSentencepiece(src: ByteSource, _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('SentencePiece model', { facts: { framework: 'sentencepiece' } as Facts, issues: [] }, async (r) => {
    const pb = new PbReader(src, undefined, 'SentencePiece model')
    let pieces = 0
    let modelType: string | undefined
    for await (const f of pb.fields(0, src.size, 0)) {
      if (f.field === 1 || f.field === 2) {
        if (f.wire !== 2) throw new FormatError(`ModelProto field ${f.field} at byte ${f.offset} is not a message (wire type ${f.wire}).`, FIX, f.offset)
        if (f.field === 1) pieces++
        else {
          for await (const t of pb.fields(f.offset, f.offset + f.length, 1)) {
            if (t.field === 3 && t.wire === 0) modelType = MODEL_TYPES[t.value] ?? `unknown (${t.value})`
          }
        }
      }
    }
    r.facts.pieces = pieces
    if (modelType !== undefined) r.facts.model_type = modelType
  })
}
