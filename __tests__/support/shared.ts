import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** `../shared` beside the repository: real material that CI always has. */
export const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared')
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
