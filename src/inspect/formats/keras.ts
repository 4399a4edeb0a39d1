import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, isRecord, issue, newResult, truncate, type InspectContext } from './common.js'
import { checkKerasConfig } from './keras-config.js'
import { checkMembers, listZip, readMemberHead } from './zip.js'

/** config.json of real models is KBs to a few MB; metadata.json is tiny. */
const MAX_CONFIG_BYTES = 64 << 20
const MAX_METADATA_BYTES = 1 << 20

/** Keras v3 `.keras` archive: metadata.json, config.json, model.weights.h5. */
export async function inspectKeras(src: ByteSource, _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('Keras .keras', newResult('keras'), async (r) => {
    const listing = await listZip(src)
    try {
      r.facts.framework = 'keras'
      r.issues.push(...checkMembers(listing, '.keras archive'))
      // With duplicate names Keras reads the last copy (zipfile semantics); check every copy.
      const configs = listing.members.filter((m) => m.name === 'config.json')
      const meta = listing.members.find((m) => m.name === 'metadata.json')
      r.facts.weights_file = listing.members.some((m) => m.name === 'model.weights.h5')
      r.facts.members = listing.members.length
      if (meta && !meta.encrypted) {
        try {
          const m: unknown = JSON.parse((await readMemberHead(listing.zip, meta, MAX_METADATA_BYTES)).toString('utf8'))
          if (isRecord(m)) {
            if (typeof m.keras_version === 'string') r.facts.keras_version = truncate(m.keras_version, 40)
            if (typeof m.date_saved === 'string') r.facts.date_saved = truncate(m.date_saved, 40)
          }
        } catch {
          r.issues.push(issue('unparseable-artifact', 'warning', '`metadata.json` in the .keras archive is not valid JSON.', 'Re-save the model with model.save("model.keras").'))
        }
      }
      if (configs.length === 0) {
        throw new FormatError('The .keras archive has no config.json.', 'Re-save the model with model.save("model.keras").')
      }
      for (const c of configs) {
        if (c.encrypted) continue
        if (c.uncompressedSize > MAX_CONFIG_BYTES) {
          r.issues.push(issue('scan-incomplete', 'error', `config.json is ${c.uncompressedSize} bytes, over the ${MAX_CONFIG_BYTES}-byte limit; it was not checked.`, 'Simplify the model config or raise the limit.'))
          continue
        }
        const text = (await readMemberHead(listing.zip, c, MAX_CONFIG_BYTES)).toString('utf8')
        let config: unknown
        try {
          config = JSON.parse(text)
        } catch (err) {
          throw new FormatError(`config.json is not valid JSON (${truncate((err as Error).message, 100)}).`, 'Re-save the model with model.save("model.keras").')
        }
        const rep = checkKerasConfig(config, 'The Keras `config.json`')
        Object.assign(r.facts, rep.facts)
        r.issues.push(...rep.issues)
      }
    } finally {
      listing.zip.close()
    }
  })
}
