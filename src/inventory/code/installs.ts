import { win32 } from 'node:path'
import type { DeclaredDependency, Issue } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import type { IncludeReader } from '../include-reader.js'
import { unparseableManifest, unresolved } from '../issues.js'
import { condaDependency } from '../manifests/conda.js'
import { parseRequirementsText } from '../manifests/requirements.js'
import type { ShellWord } from './shell-words.js'

/** An install command found in a notebook: which installer, how it was written, its arguments. */
export interface InstallCommand {
  tool: 'pip' | 'conda'
  /** As written up to `install` (`pip install`, `uv pip install`, `{sys.executable} -m pip install`). */
  label: string
  args: ShellWord[]
}

/** pip/uv options that name files of requirements, as a requirements file writes them. */
const PIP_INCLUDES: Record<string, string> = { '--requirement': '-r', '--constraint': '-c', '--editable': '-e', r: '-r', c: '-c', e: '-e' }
/** pip and `uv pip install` options that take a value (which is then no requirement). */
const PIP_VALUE_OPTIONS = new Set([
  '--index-url', '--extra-index-url', '--index', '--default-index', '--find-links', '--target', '--prefix', '--root', '--src', '--platform',
  '--python-version', '--implementation', '--abi', '--upgrade-strategy', '--config-settings', '--config-setting', '--global-option', '--build-option',
  '--install-option', '--no-binary', '--only-binary', '--progress-bar', '--root-user-action', '--report', '--log', '--log-file', '--proxy', '--retries',
  '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--use-feature', '--use-deprecated', '--python',
  '--keyring-provider', '--group', '--resume-retries', '--index-strategy', '--resolution', '--prerelease', '--exclude-newer', '--link-mode',
  '--reinstall-package', '--refresh-package', '--upgrade-package', '--no-build-package', '--no-binary-package', '--only-binary-package',
  '--override', '--overrides', '--build-constraints', '--build-constraint', '--torch-backend', '--python-platform', '--config-file', '--color',
  '--allow-insecure-host', '--directory', '--project', '--extra'
])
const PIP_SHORT_VALUES = new Set(['i', 'f', 't', 'C', 'b', 'p', 'P'])
const CONDA_VALUE_OPTIONS = new Set(['-c', '--channel', '-n', '--name', '-p', '--prefix', '--file', '--repodata-fn', '--solver', '--subdir', '--platform'])

const PYTHON = /(^|[/\\])(python|py)(\d+(\.\d+)?)?(\.exe)?$/i
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/

/**
 * Recognises `pip install`, `python -m pip install` (the interpreter may be
 * `{sys.executable}`), `uv pip install` and `conda`/`mamba`/`micromamba install`,
 * after environment assignments and `sudo`.
 */
export function installCommand(words: ShellWord[]): InstallCommand | null {
  let i = 0
  while (i < words.length && (ENV_ASSIGNMENT.test(words[i]!.text) || ['sudo', 'env', 'time', 'command', 'exec', 'nohup'].includes(words[i]!.text))) {
    i++
    // sudo's own options (`sudo -H pip ...`)
    while (words[i - 1]!.text === 'sudo' && words[i]?.text.startsWith('-')) i++
  }
  const w = (k: number) => words[i + k]
  // Commands by their last path segment, after `/` or `\`: `/opt/conda/bin/pip` installs like `pip`.
  const is = (k: number, ...texts: string[]) => !!w(k) && !w(k)!.dynamic && texts.includes(win32.basename(w(k)!.text))
  const label = (count: number) => words.slice(i, i + count).map((x) => x.text).join(' ')
  const take = (tool: InstallCommand['tool'], count: number): InstallCommand => ({ tool, label: label(count), args: words.slice(i + count) })
  const first = w(0)
  if (!first) return null
  if (!first.dynamic && /^pip(\d+(\.\d+)?)?$/.test(win32.basename(first.text)) && is(1, 'install')) return take('pip', 2)
  if (is(0, 'uv') && is(1, 'pip') && is(2, 'install')) return take('pip', 3)
  if ((first.dynamic || PYTHON.test(first.text)) && is(1, '-m') && is(2, 'pip') && is(3, 'install')) return take('pip', 4)
  if (is(0, 'conda', 'mamba', 'micromamba') && is(1, 'install')) return take('conda', 2)
  return null
}

export interface InstallContext {
  /** The notebook's repo-relative path, for `-r` targets. */
  path: string
  reader?: IncludeReader
  /** The file line of an offset in the cell. */
  lineOf(offset: number): number
  /** How the command is written, for messages (`%pip install`, `!uv pip install`). */
  label: string
}

export interface InstallFindings {
  dependencies: DeclaredDependency[]
  issues: Issue[]
}

/**
 * What one install command installs, as the same records a requirements file
 * (or a conda environment) gives: pip's arguments become requirement lines and go
 * through the requirements parser, so `-r`, `-c`, `-e`, URLs and pins work the
 * same; every result points at the line where its word is written.
 */
export async function inventoryInstall(cmd: InstallCommand, ctx: InstallContext): Promise<InstallFindings> {
  return cmd.tool === 'pip' ? pipInstall(cmd.args, ctx) : condaInstall(cmd.args, ctx)
}

async function pipInstall(args: ShellWord[], ctx: InstallContext): Promise<InstallFindings> {
  const out: InstallFindings = { dependencies: [], issues: [] }
  const lines: string[] = []
  const origins: ShellWord[] = []
  const add = (line: string, origin: ShellWord): void => {
    if (origin.dynamic) {
      out.issues.push(dynamicWord(origin, ctx))
      return
    }
    lines.push(line)
    origins.push(origin)
  }
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!
    const t = w.text
    if (t.startsWith('--')) {
      const eq = t.indexOf('=')
      const name = eq < 0 ? t : t.slice(0, eq)
      const include = PIP_INCLUDES[name]
      if (!include && !PIP_VALUE_OPTIONS.has(name)) continue
      const value = eq >= 0 ? { ...w, text: t.slice(eq + 1) } : args[++i]
      if (include && value) add(`${include} ${value.text}`, value)
      continue
    }
    if (t.startsWith('-') && t.length > 1) {
      // `-qU`, `-r reqs.txt`, `-rreqs.txt`: flags until one that takes a value.
      for (let k = 1; k < t.length; k++) {
        const f = t[k]!
        const include = PIP_INCLUDES[f]
        if (!include && !PIP_SHORT_VALUES.has(f)) continue
        const value = k + 1 < t.length ? { ...w, text: t.slice(k + 1) } : args[++i]
        if (include && value) add(`${include} ${value.text}`, value)
        break
      }
      continue
    }
    // A trailing backslash would continue the requirement line; pip rejects such a word, and so does the parser then.
    add(t.endsWith('\\') ? `${t} ` : t, w)
  }
  if (lines.length === 0) return out
  const parsed = await parseRequirementsText(`${lines.join('\n')}\n`, { path: ctx.path, ...(ctx.reader ? { reader: ctx.reader } : {}), kind: `\`${ctx.label}\` command` })
  const lineOf = (synthetic: number | null | undefined): number | null => {
    const origin = synthetic ? origins[synthetic - 1] : undefined
    return origin ? ctx.lineOf(origin.start) : null
  }
  for (const d of parsed.dependencies ?? []) out.dependencies.push({ ...d, line: lineOf(d.line) })
  for (const issue of parsed.issues) {
    const line = lineOf(issue.line)
    // A version the shell cut off explains both an unpinned and an unparseable requirement.
    const cut = issue.rule !== 'scan-incomplete' && issue.line ? origins[issue.line - 1]?.cut : undefined
    out.issues.push({
      ...issue,
      message: issue.message + (cut ? cutNote(origins[issue.line! - 1]!, 'pip') : ''),
      // The parser's fix names a line of the joined arguments; this one names the notebook's.
      ...(issue.rule === 'unparseable-artifact' ? { fix: `Fix the syntax${line ? ` on line ${line}` : ''} so that pip accepts the \`${ctx.label}\` command (it rejects it as it is).` } : {}),
      ...(line ? { line } : {})
    })
  }
  return out
}

function condaInstall(args: ShellWord[], ctx: InstallContext): InstallFindings {
  const inv = new Inventory('conda')
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!
    const t = w.text
    if (t.startsWith('-')) {
      const name = t.includes('=') ? t.slice(0, t.indexOf('=')) : t
      const value = !CONDA_VALUE_OPTIONS.has(name) ? null : t.includes('=') ? { ...w, text: t.slice(t.indexOf('=') + 1) } : (args[++i] ?? null)
      if (name === '--file' && value) {
        inv.issue(
          unresolved(
            `\`${ctx.label} --file ${value.text}\` is not followed: ModelGate does not read conda spec files named on a command line, so what it installs is not inventoried.`,
            'List the packages on the command line, or in an environment.yml that ModelGate reads.',
            ctx.lineOf(value.start)
          )
        )
      }
      continue
    }
    const line = ctx.lineOf(w.start)
    if (w.dynamic) {
      inv.issue(dynamicWord(w, ctx))
      continue
    }
    const dep = condaDependency(t, line)
    if (!dep) {
      inv.issue({ ...unparseableManifest(`\`${ctx.label}\` command`, `"${t.slice(0, 80)}" is not a conda match spec`, line), fix: `Fix the package spec on line ${line} (conda rejects it as it is).` })
      continue
    }
    const before = inv.issues.length
    inv.add(dep)
    if (w.cut && inv.issues.length > before) {
      const issue = inv.issues[inv.issues.length - 1]!
      issue.message += cutNote(w, 'conda')
    }
  }
  return { dependencies: inv.dependencies, issues: inv.issues }
}

/** `torch>=2.0` unquoted: the shell redirects output to a file named `=2.0`, and the installer gets plain `torch`. */
function cutNote(w: ShellWord, tool: string): string {
  return ` The unquoted \`${w.cut}\` after it is a shell redirection, not a version, so ${tool} never sees it: quote the requirement (\`"${w.text}${w.cut}"\`).`
}

function dynamicWord(w: ShellWord, ctx: InstallContext): Issue {
  return unresolved(
    `\`${ctx.label} ${w.text}\`: \`${w.text}\` is expanded when the cell runs, so ModelGate cannot tell what this installs or whether it is pinned.`,
    'Write the requirement literally (`name==version`) so it can be reviewed.',
    ctx.lineOf(w.start)
  )
}
