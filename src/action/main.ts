import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import { scan } from '../engine/scan.js'
import { buildBom, serializeBom } from '../bom/cyclonedx.js'
import { renderJson } from '../report/json.js'
import { renderMarkdown } from '../report/markdown.js'
import { summarise } from '../report/summary.js'
import { readInputs } from './inputs.js'

/**
 * The action: scans the checked-out workspace (the PR's change when the event has
 * base and head, else the whole tree), writes the report and BOM, and fails the
 * job when a finding reaches `fail-on`.
 */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
    const refs = await pullRequestRefs()
    const { report } = await scan({
      root: workspace,
      ...refs,
      ...(inputs.config ? { configPath: path.resolve(workspace, inputs.config) } : {}),
      failOn: inputs.failOn,
      log: (line) => core.info(line)
    })
    const bomFile = path.resolve(workspace, inputs.bomPath)
    const reportFile = path.resolve(workspace, inputs.reportPath)
    await writeFile(bomFile, serializeBom(buildBom(report, { subject: process.env.GITHUB_REPOSITORY ?? path.basename(workspace), format: 'json' }), 'json'))
    await writeFile(reportFile, renderJson(report))
    await core.summary.addRaw(renderMarkdown(report)).write().catch((err: Error) => core.warning(`job summary not written: ${err.message}`))
    const s = summarise(report)
    core.setOutput('verdict', report.verdict)
    core.setOutput('findings', String(report.findings.length))
    core.setOutput('models', String(s.models))
    core.setOutput('bom-path', bomFile)
    core.setOutput('report-path', reportFile)
    if (report.verdict === 'fail') {
      core.setFailed(`ModelGate: ${s.bySeverity.error} error(s), ${s.bySeverity.warning} warning(s) at fail-on=${inputs.failOn}; see the job summary`)
    }
  } catch (err) {
    core.setFailed(`ModelGate could not run: ${(err as Error).message}`)
  }
}

async function pullRequestRefs(): Promise<{ base?: string; head?: string }> {
  const eventPath = process.env.GITHUB_EVENT_PATH
  if (!eventPath) return {}
  try {
    const event = JSON.parse(await readFile(eventPath, 'utf8')) as { pull_request?: { base?: { sha?: string }; head?: { sha?: string } } }
    const base = event.pull_request?.base?.sha
    const head = event.pull_request?.head?.sha
    return base && head ? { base, head } : {}
  } catch {
    return {}
  }
}
