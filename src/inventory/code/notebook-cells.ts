import type { Issue } from '../../inspect/types.js'
import { unparseableManifest } from '../issues.js'
import { lastAtOrBefore, LineIndex } from '../text.js'
import { describeKind, member, outlineJson, type JsonNode, type JsonPath } from './json-outline.js'

/** One code cell as the kernel runs it, with the way back to the .ipynb's lines. */
export interface CodeCell {
  /** 1-based position among all cells, for messages. */
  number: number
  /** The source pieces joined, as Jupyter joins them. */
  code: string
  /** The .ipynb line where the code at `offset` is written. */
  lineOf(offset: number): number
}

export type NotebookLanguage = 'python' | 'js' | 'other'

export type NotebookRead = { ok: true; language: NotebookLanguage; cells: CodeCell[]; issues: Issue[] } | { ok: false; issue: Issue }

/** The notebook does not parse or does not have the shape nbformat requires; Jupyter would refuse it too. */
function malformedNotebook(detail: string, line: number | null): Issue {
  return {
    ...unparseableManifest('notebook', detail, line),
    fix: `Fix ${line ? `line ${line}` : 'the file'} so that it is valid nbformat JSON (Jupyter cannot open it as it is), or save the notebook again from Jupyter.`
  }
}

/** Paths of an nbformat 4 (`cells[].source`) or 3 (`worksheets[].cells[].input`) notebook worth building. */
function keep(path: JsonPath): boolean {
  const [a, b, c] = path
  const n = path.length
  if (a === undefined) return true
  if (a === 'metadata') return n === 1 || ((b === 'kernelspec' || b === 'language_info') && (n === 2 || (n === 3 && (c === 'language' || c === 'name'))))
  const cell = a === 'cells' ? path.slice(1) : a === 'worksheets' && (n <= 2 || c === 'cells') ? path.slice(3) : null
  if (cell === null) return a === 'worksheets' && n <= 2
  const [, key] = cell
  // [index], [index, key], [index, source|input, item]
  return cell.length <= 1 || (cell.length === 2 && (key === 'cell_type' || key === 'source' || key === 'input' || key === 'language')) || (cell.length === 3 && (key === 'source' || key === 'input'))
}

/**
 * Reads a notebook's code cells. The JSON is validated in one pass; a shape
 * nbformat does not allow (a cell that is not an object, a `source` that is
 * neither a string nor a list of strings) is a finding on its line, and the rest
 * of the notebook is still read.
 */
export function readNotebook(text: string): NotebookRead {
  if (text.trim() === '') return { ok: false, issue: malformedNotebook('the file is empty', null) }
  const lines = new LineIndex(text)
  const outline = outlineJson(text, keep)
  if (!outline.ok) return { ok: false, issue: malformedNotebook(outline.error, lines.lineOf(outline.offset)) }
  const root = outline.root
  const at = (node: JsonNode) => lines.lineOf(node.start)
  if (root.kind !== 'object') return { ok: false, issue: malformedNotebook(`the top level is ${describeKind(root.kind)}, not an object with a \`cells\` list`, at(root)) }
  const issues: Issue[] = []
  const list = (node: JsonNode | undefined, what: string): JsonNode[] | null => {
    if (node?.items) return node.items
    issues.push(malformedNotebook(node ? `\`${what}\` is ${describeKind(node.kind)}, not a list` : `there is no \`${what}\` list`, node ? at(node) : null))
    return null
  }
  const v4 = member(root, 'cells')
  const v3 = v4 === undefined ? member(root, 'worksheets') : undefined
  const raw: { node: JsonNode; sourceKey: 'source' | 'input' }[] = []
  if (v3 !== undefined) {
    for (const sheet of list(v3, 'worksheets') ?? []) {
      if (sheet.kind !== 'object') issues.push(malformedNotebook(`a worksheet is ${describeKind(sheet.kind)}, not an object`, at(sheet)))
      else for (const cell of list(member(sheet, 'cells'), 'cells') ?? []) raw.push({ node: cell, sourceKey: 'input' })
    }
  } else {
    for (const cell of list(v4, 'cells') ?? []) raw.push({ node: cell, sourceKey: 'source' })
  }
  // Nothing to read at all: the file is not a notebook.
  if (issues.length && raw.length === 0) return { ok: false, issue: issues[0]! }

  const cells: CodeCell[] = []
  raw.forEach(({ node, sourceKey }, i) => {
    const number = i + 1
    if (node.kind !== 'object') {
      issues.push(malformedNotebook(`cell ${number} is ${describeKind(node.kind)}, not an object`, at(node)))
      return
    }
    const type = member(node, 'cell_type')
    if (type?.value === undefined) {
      issues.push(malformedNotebook(type ? `cell ${number} has a \`cell_type\` that is ${describeKind(type.kind)}, not a string` : `cell ${number} has no \`cell_type\``, at(type ?? node)))
      return
    }
    if (type.value !== 'code') return
    const source = member(node, sourceKey)
    if (!source) {
      issues.push(malformedNotebook(`code cell ${number} has no \`${sourceKey}\``, at(node)))
      return
    }
    // Jupyter joins the pieces as they are; each piece is one JSON string, so it sits on one line of the file.
    const pieces: JsonNode[] = []
    if (source.kind === 'string') pieces.push(source)
    else if (source.items) {
      source.items.forEach((item, k) => {
        if (item.value !== undefined) pieces.push(item)
        else issues.push(malformedNotebook(`item ${k + 1} of the \`${sourceKey}\` of cell ${number} is ${describeKind(item.kind)}, not a string`, at(item)))
      })
    } else {
      issues.push(malformedNotebook(`the \`${sourceKey}\` of cell ${number} is ${describeKind(source.kind)}, not a string or a list of strings`, at(source)))
      return
    }
    cells.push(codeCell(number, pieces, lines))
  })
  return { ok: true, language: languageOf(root, raw[0]?.node), cells, issues }
}

function codeCell(number: number, pieces: JsonNode[], lines: LineIndex): CodeCell {
  const starts: number[] = []
  const fileLines: number[] = []
  let code = ''
  for (const p of pieces) {
    starts.push(code.length)
    fileLines.push(lines.lineOf(p.start))
    code += p.value!
  }
  return {
    number,
    code,
    lineOf: (offset) => fileLines[lastAtOrBefore(starts, offset)] ?? 1
  }
}

/** The kernel's language: Python unless the metadata names another (nbformat 3 names it per cell). */
function languageOf(root: JsonNode, firstCell: JsonNode | undefined): NotebookLanguage {
  const meta = member(root, 'metadata')
  const name = (member(member(meta, 'language_info'), 'name')?.value ?? member(member(meta, 'kernelspec'), 'language')?.value ?? member(firstCell, 'language')?.value ?? 'python').toLowerCase()
  if (/^i?python\d*$/.test(name)) return 'python'
  if (name === 'javascript' || name === 'typescript') return 'js'
  return 'other'
}
