import type { Artifact, Finding } from '../types.js'
import type { Candidate } from '../discover/types.js'
import { identify } from '../identify/identify.js'
import { sha256Of } from '../hash/sha256.js'
import { INSPECTORS } from '../inspect/registry.js'
import type { Issue } from '../inspect/types.js'
import { timeoutFor, type Limits } from './limits.js'

export interface FileOutcome {
  artifact: Artifact | null
  findings: Finding[]
}

/**
 * One file through identify → hash → inspect. Never throws: any failure becomes a
 * `scan-incomplete` finding, so a file the engine could not finish can never pass.
 */
export async function processFile(candidate: Candidate, limits: Limits): Promise<FileOutcome> {
  let timer: NodeJS.Timeout | undefined
  let size = 0
  try {
    const src = await candidate.open()
    size = src.size
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gave up after ${Math.round(timeoutFor(size, limits) / 1000)} s`)), timeoutFor(size, limits))
    })
    try {
      return await Promise.race([analyse(candidate, src), timeout])
    } finally {
      await src.close()
    }
  } catch (err) {
    return {
      artifact: null,
      findings: [
        {
          rule: 'scan-incomplete',
          severity: 'error',
          path: candidate.path,
          line: null,
          message: `ModelGate could not finish scanning this file (${(err as Error).message}), so it cannot be reported as safe.`,
          fix: 'Re-run the scan; if it fails again, check that the file is readable and not larger than expected, and report the message above.'
        }
      ]
    }
  } finally {
    clearTimeout(timer)
  }
}

async function analyse(candidate: Candidate, src: Awaited<ReturnType<Candidate['open']>>): Promise<FileOutcome> {
  const id = await identify(candidate.path, src)
  if (!id) return { artifact: null, findings: [] }
  const issues: Issue[] = [...id.issues]
  const facts = { ...id.facts }
  const broken = issues.some((i) => i.rule === 'unparseable-artifact')
  const inspector = id.lfs || broken ? undefined : INSPECTORS[id.format]
  if (inspector) {
    const deep = await inspector(src, { path: candidate.path, facts })
    // The parser's own `format` label is the artifact's format already.
    const { format: _label, ...deepFacts } = deep.facts
    Object.assign(facts, deepFacts)
    issues.push(...deep.issues)
  }
  const artifact: Artifact = {
    path: candidate.path,
    kind: id.kind,
    format: id.format,
    change: candidate.change,
    ...(candidate.oldPath ? { oldPath: candidate.oldPath } : {}),
    size: id.lfs ? id.lfs.size : src.size,
    sha256: id.lfs ? id.lfs.oid : await sha256Of(src),
    lfs: id.lfs,
    signature: null,
    license: null,
    facts
  }
  return { artifact, findings: issues.map((i) => toFinding(candidate.path, i)) }
}

function toFinding(path: string, issue: Issue): Finding {
  const where = issue.offset !== undefined && !issue.message.includes(`byte ${issue.offset}`) ? ` (at byte ${issue.offset})` : ''
  return { rule: issue.rule, severity: issue.severity, path, line: null, message: issue.message + where, fix: issue.fix }
}
