import type { DeclaredDependency, InspectResult, Issue } from '../../inspect/types.js'
import type { ByteSource } from '../../util/byte-source.js'
import { LFS_POINTER_MAX_SIZE, parseLfsPointer } from '../../identify/lfs.js'
import type { IncludeReader } from '../include-reader.js'
import { tooLarge, unresolved } from '../issues.js'
import { MAX_NOTEBOOK_BYTES, readText } from '../text.js'
import { findHubReferences, mayHoldHubReference, stringConstants } from './hub-references.js'
import { inventoryInstall, installCommand, type InstallCommand } from './installs.js'
import { blankEscapes, cellBody, ipythonEscapes } from './ipython-lines.js'
import { readNotebook, type CodeCell } from './notebook-cells.js'
import { tokenizePython } from './python-tokens.js'
import { shellHubReferences } from './shell-hub.js'
import { splitShellLine, type ShellWord } from './shell-words.js'

export interface NotebookOptions {
  /** Repo-relative path, for `-r` targets of `%pip install`. */
  path: string
  reader?: IncludeReader
}

const INSTALL_MAGICS = new Set(['pip', 'conda', 'mamba', 'micromamba'])
const SHELL_MAGICS = new Set(['sx', 'system'])

/** A notebook from the scan (size-capped; an LFS pointer is said to be one, not parsed as JSON). */
export async function scanNotebookFile(src: ByteSource, opts: NotebookOptions): Promise<InspectResult> {
  const text = await readText(src, MAX_NOTEBOOK_BYTES)
  if (text === null) return { facts: {}, issues: [tooLarge('notebook', src.size, MAX_NOTEBOOK_BYTES)], dependencies: [] }
  if (src.size <= LFS_POINTER_MAX_SIZE && parseLfsPointer(Buffer.from(text), src.size)?.ok) {
    const issue = unresolved(
      'This notebook is committed as a Git LFS pointer, so its cells were not searched for dependencies or hub references.',
      'Scan a checkout with the LFS content (`git lfs pull`), or keep notebooks out of LFS so that they can be reviewed.'
    )
    return { facts: {}, issues: [issue], dependencies: [] }
  }
  return parseNotebook(text, opts)
}

/**
 * Jupyter notebooks. Code cells are Python (or JavaScript for JS kernels):
 * `%pip install` / `!pip install` / `!uv pip install` / `%conda install` lines
 * are dependencies, read like requirements lines; Python code is searched for
 * hub references with constants from every cell; shell lines for Hub downloads.
 * Every result points at the line of the .ipynb where its source line is stored.
 */
export async function parseNotebook(text: string, opts: NotebookOptions): Promise<InspectResult> {
  const read = readNotebook(text)
  if (!read.ok) return { facts: {}, issues: [read.issue], dependencies: [] }
  const issues: Issue[] = [...read.issues]
  const dependencies: DeclaredDependency[] = []
  let truncated = false
  const scan = (code: string, language: 'python' | 'js', lineOf: (o: number) => number, constants?: ReadonlyMap<string, string>) => {
    const found = findHubReferences(code, language, lineOf, constants)
    dependencies.push(...found.dependencies)
    issues.push(...found.issues)
    truncated ||= found.truncated
  }

  if (read.language === 'js') for (const cell of read.cells) scan(cell.code, 'js', cell.lineOf)
  if (read.language === 'python') {
    const python: { cell: CodeCell; code: string }[] = []
    for (const cell of read.cells) {
      const body = cellBody(cell.code)
      if (body.kind === 'other') continue
      if (body.kind === 'shell') {
        for (let pos = body.from; pos < cell.code.length; ) {
          const line = splitShellLine(cell.code, pos)
          await shellLine(line.commands, '', cell, opts, dependencies, issues)
          pos = line.end + (cell.code[line.end] === '\r' && cell.code[line.end + 1] === '\n' ? 2 : 1)
        }
        continue
      }
      const escapes = ipythonEscapes(cell.code, body.from)
      for (const e of escapes) {
        if (e.kind === 'magic' && !INSTALL_MAGICS.has(e.magic) && !SHELL_MAGICS.has(e.magic)) continue
        const { commands } = splitShellLine(cell.code, e.command)
        if (e.kind === 'shell' || SHELL_MAGICS.has(e.magic)) {
          await shellLine(commands, '!', cell, opts, dependencies, issues)
          continue
        }
        // `%pip install ...` runs `python -m pip install ...` in a shell; `%conda install ...` runs conda.
        const words = commands[0] ?? []
        if (words[0]?.text !== 'install') continue
        const cmd: InstallCommand = { tool: e.magic === 'pip' ? 'pip' : 'conda', label: `${e.magic} install`, args: words.slice(1) }
        await install(cmd, '%', cell, opts, dependencies, issues)
      }
      python.push({ cell, code: blankEscapes(cell.code, escapes, body.from) })
    }
    // Cells share one namespace: a constant set in one cell resolves ids in the others.
    // Read once for the notebook (and only if a cell may use it), then looked up, never copied, per cell.
    const hubCells = python.filter((p) => mayHoldHubReference(p.code))
    const constants = hubCells.length ? stringConstants(tokenizePython(python.map((p) => p.code).join('\n')).tokens, 'python') : new Map<string, string>()
    for (const { cell, code } of hubCells) scan(code, 'python', cell.lineOf, constants)
  }
  if (truncated) issues.push(unresolved('A cell of this notebook has more tokens than ModelGate reads, so only its first part was searched for hub references.', 'Split the cell, or check the rest by hand.'))
  const byLine = <T extends { line?: number | null }>(list: T[]) => list.map((x, i) => ({ x, i })).sort((a, b) => (a.x.line ?? 0) - (b.x.line ?? 0) || a.i - b.i).map(({ x }) => x)
  return { facts: {}, issues: byLine(issues), dependencies: byLine(dependencies) }
}

/** One shell line: install commands and Hub downloads. */
async function shellLine(commands: ShellWord[][], prefix: string, cell: CodeCell, opts: NotebookOptions, dependencies: DeclaredDependency[], issues: Issue[]): Promise<void> {
  for (const words of commands) {
    const cmd = installCommand(words)
    if (cmd) await install(cmd, prefix, cell, opts, dependencies, issues)
  }
  const hub = shellHubReferences(commands, cell.lineOf)
  dependencies.push(...hub.dependencies)
  issues.push(...hub.issues)
}

async function install(cmd: InstallCommand, prefix: string, cell: CodeCell, opts: NotebookOptions, dependencies: DeclaredDependency[], issues: Issue[]): Promise<void> {
  const found = await inventoryInstall(cmd, { path: opts.path, ...(opts.reader ? { reader: opts.reader } : {}), lineOf: cell.lineOf, label: `${prefix}${cmd.label}` })
  dependencies.push(...found.dependencies)
  issues.push(...found.issues)
}
