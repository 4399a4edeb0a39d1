import path from 'node:path'
import type { InspectResult, Issue } from '../../inspect/types.js'
import type { ByteSource } from '../../util/byte-source.js'
import { tooLarge, unresolved } from '../issues.js'
import { LineIndex, MAX_CODE_BYTES, readText } from '../text.js'
import { findHubReferences, type CodeFindings, type Language } from './hub-references.js'

export type CodeLanguage = Language | 'notebook'

const BY_EXTENSION: Record<string, CodeLanguage> = {
  '.py': 'python', '.pyi': 'python', '.ipynb': 'notebook',
  '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'js', '.ts': 'js', '.mts': 'js', '.cts': 'js', '.tsx': 'js'
}

export function codeLanguage(relPath: string): CodeLanguage | null {
  const base = path.posix.basename(relPath)
  // Type declarations and minified bundles are not where references are written.
  if (base.endsWith('.d.ts') || /\.min\.[cm]?js$/.test(base)) return null
  return BY_EXTENSION[path.posix.extname(base).toLowerCase()] ?? null
}

/** One source file searched for hub references; size- and token-capped, never throws. Notebooks: code/notebook.ts. */
export async function scanCodeFile(src: ByteSource, language: Language): Promise<InspectResult> {
  const text = await readText(src, MAX_CODE_BYTES)
  if (text === null) return { facts: {}, issues: [tooLarge('source file', src.size, MAX_CODE_BYTES)], dependencies: [] }
  const found = scanSource(text, language)
  const issues: Issue[] = [...found.issues]
  if (found.truncated) issues.push(unresolved('This file has more tokens than ModelGate reads, so only its first part was searched for hub references.', 'Split the file, or check the rest by hand.'))
  return { facts: {}, issues, dependencies: found.dependencies }
}

export function scanSource(text: string, language: Language): CodeFindings {
  const index = new LineIndex(text)
  return findHubReferences(text, language, (o) => index.lineOf(o))
}
