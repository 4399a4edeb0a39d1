import path from 'node:path'
import type { InspectResult, Issue } from '../../inspect/types.js'
import type { ByteSource } from '../../util/byte-source.js'
import { tooLarge, unresolved } from '../issues.js'
import { isRecord, jsonOf } from '../parse-errors.js'
import { LineIndex, MAX_CODE_BYTES, MAX_NOTEBOOK_BYTES, readText } from '../text.js'
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

/** One source file (or notebook) searched for hub references; size- and token-capped, never throws. */
export async function scanCodeFile(src: ByteSource, language: CodeLanguage): Promise<InspectResult> {
  const cap = language === 'notebook' ? MAX_NOTEBOOK_BYTES : MAX_CODE_BYTES
  const text = await readText(src, cap)
  if (text === null) return { facts: {}, issues: [tooLarge(language === 'notebook' ? 'notebook' : 'source file', src.size, cap)], dependencies: [] }
  const found = language === 'notebook' ? scanNotebook(text) : scanSource(text, language)
  const issues: Issue[] = [...found.issues]
  if (found.truncated) issues.push(unresolved('This file has more tokens than ModelGate reads, so only its first part was searched for hub references.', 'Split the file, or check the rest by hand.'))
  return { facts: {}, issues, dependencies: found.dependencies }
}

export function scanSource(text: string, language: Language): CodeFindings {
  const index = new LineIndex(text)
  return findHubReferences(text, language, (o) => index.lineOf(o))
}

/**
 * Jupyter notebooks: each code cell is Python; a reference's line is the line of
 * the .ipynb where that source line is stored, so review comments land on it.
 */
export function scanNotebook(text: string): CodeFindings {
  const out: CodeFindings = { dependencies: [], issues: [], truncated: false }
  const parsed = jsonOf(text, 'notebook')
  if (!parsed.ok || !isRecord(parsed.value) || !Array.isArray(parsed.value.cells)) return out
  const fileLines = new LineIndex(text)
  const sourceKey = /"source"\s*:/g
  for (const cell of parsed.value.cells) {
    // Every cell has one "source" key, in cell order (Jupyter writes "outputs" before it).
    const m = sourceKey.exec(text)
    if (!isRecord(cell) || cell.cell_type !== 'code') continue
    const parts = Array.isArray(cell.source) ? cell.source.filter((s): s is string => typeof s === 'string') : typeof cell.source === 'string' ? [cell.source] : []
    const code = parts.join('')
    if (!code) continue
    const keyLine = m ? fileLines.lineOf(m.index) : 1
    const cellLines = new LineIndex(code)
    // In the usual pretty-printed layout, element k of a source array sits on its own line after the key.
    const mapLine = (o: number) => (Array.isArray(cell.source) ? keyLine + cellLines.lineOf(o) : keyLine)
    const found = findHubReferences(code, 'python', mapLine)
    out.dependencies.push(...found.dependencies)
    out.issues.push(...found.issues)
    out.truncated ||= found.truncated
  }
  return out
}
