import type { ByteSource } from '../util/byte-source.js'
import type { InspectResult } from './types.js'

export type Inspector = (src: ByteSource, ctx: { path: string }) => Promise<InspectResult>

/**
 * Deep parsers by format. A format without one is identified and hashed only;
 * later stages add parsers here rather than special-casing the engine.
 */
export const INSPECTORS: Partial<Record<string, Inspector>> = {}
