import * as core from '@actions/core'
import { createGitHubClient, type GitHubClient } from '../github/client.js'
import { renderComment } from '../report/comment.js'
import { summarise } from '../report/summary.js'
import { emitWorkflowAnnotations } from './annotations.js'
import { publishCheckRun } from './check-run.js'
import { readRunContext, type RunContext } from './context.js'
import { submitDependencySnapshot } from './dependency-snapshot.js'
import { parseInputs, type ActionInputs } from './inputs.js'
import { Ladder } from './ladder.js'
import { writeBom, writeFailureSummary, writeJobSummary, writeJsonReport, writeSarif } from './report-files.js'
import { tokenAuthor, type IsOurs } from '../report-github/own-comments.js'
import { syncReviewComments } from '../report-github/review-comments.js'
import { upsertStickyComment } from '../report-github/sticky-comment.js'
import { actionLog } from './log.js'
import { resolveMode, scanChange, scanSnapshot, type ScanResult } from './scan-event.js'

/**
 * The action: scan (a PR's change or the whole tree), then the reporting ladder. The exit code is
 * set first and every later step runs on its own, so a failing comment never loses the gate, the
 * summary, the check or the files.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let inputs: ActionInputs
  let ctx: RunContext
  let result: ScanResult
  let client: GitHubClient | null
  try {
    inputs = parseInputs((name) => core.getInput(name))
    ctx = await readRunContext(env)
    client = inputs.token ? createGitHubClient({ token: inputs.token, baseUrl: ctx.apiUrl, log: (l) => core.info(l) }) : null
    const mode = resolveMode(inputs.mode, ctx.eventName)
    result = mode === 'pull-request' ? await scanChange(client, ctx, inputs) : await scanSnapshot(client, ctx, inputs)
  } catch (err) {
    await couldNotRun((err as Error).message)
    return
  }
  const { report, headSha, files } = result
  const s = summarise(report)
  // one clock for the run: the BOM's timestamp is the dependency snapshot's `scanned`
  const now = new Date()

  // 1. the merge gate
  if (report.verdict === 'fail') {
    core.setFailed(`ModelGate: ${s.bySeverity.error} error(s), ${s.bySeverity.warning} warning(s) at fail-on=${inputs.failOn}; see the job summary`)
  } else {
    core.info(`ModelGate: pass (${s.bySeverity.error} error(s), ${s.bySeverity.warning} warning(s) at fail-on=${inputs.failOn})`)
  }

  const ladder = new Ladder(ctx.pullRequest?.fromFork ?? false)
  const ws = ctx.workspace
  const runUrl = ctx.runId && ctx.repo.owner ? `${ctx.serverUrl}/${ctx.repo.owner}/${ctx.repo.repo}/actions/runs/${ctx.runId}` : undefined
  const paths: Record<string, string> = {}

  // files for upload-artifact and code scanning
  await ladder.step('write the JSON report', null, async () => void (paths.report = await writeJsonReport(ws, inputs.reportPath, report)))
  await ladder.step('write the BOM', null, async () => void (paths.bom = await writeBom(ws, inputs.bomPath, report, ctx.repo.owner ? `${ctx.repo.owner}/${ctx.repo.repo}` : 'workspace', inputs.bomFormat, now)))
  await ladder.step('write the SARIF file', null, async () => void (paths.sarif = await writeSarif(ws, inputs.sarifPath, report)))

  // 2. job summary
  await ladder.step('write the job summary', null, () => writeJobSummary(ws, inputs.reportPath, report, runUrl))

  // 3–4. the pull request conversation
  const pr = ctx.pullRequest
  // our own comments are the token's: a personal access token writes as its user, not as a bot
  let author: Promise<IsOurs> | undefined
  if (client && pr && files) {
    const target = { ...ctx.repo, number: pr.number }
    const ours = () => (author ??= tokenAuthor(client))
    if (inputs.comment !== 'never') {
      await ladder.step('post the PR comment', 'pull-requests', async () =>
        upsertStickyComment(client, target, inputs.comment, report.findings.length, renderComment(report, runUrl ? { runUrl } : {}), actionLog, await ours())
      )
    }
    if (inputs.review && !ladder.isDenied('pull-requests')) {
      await ladder.step('write review comments', 'pull-requests', async () => syncReviewComments(client, { ...target, headSha }, report.findings, files, actionLog, await ours()))
    }
  }

  // 5. check run; without one, annotations through the log
  let checked = false
  if (client && inputs.checkRun && headSha) {
    checked = await ladder.step('create the check run', 'checks', () => publishCheckRun(client, ctx.repo, headSha, report, runUrl))
    // GitHub writes check runs only for apps: no permission helps a person's token
    const who = !checked && ladder.isDenied('checks') ? await (author ?? tokenAuthor(client)).catch(() => null) : null
    if (who?.user) {
      ladder.explain(
        'checks',
        `ModelGate could not create the check run: only GitHub Apps and GITHUB_TOKEN can create check runs, and this token belongs to ${who.user}. ` +
          'The findings are annotated through the log and the exit code still gates; set check-run: false to skip the attempt, or pass GITHUB_TOKEN.'
      )
    }
  }
  if (!checked) emitWorkflowAnnotations(report.findings)

  // snapshot mode: dependency graph
  if (client && inputs.dependencySnapshot && !pr && !ctx.mergeGroup) {
    await ladder.step('submit the dependency snapshot', 'contents', () => submitDependencySnapshot(client, ctx, report, now))
  }

  ladder.finish()
  core.setOutput('verdict', report.verdict)
  core.setOutput('findings', String(report.findings.length))
  core.setOutput('models', String(s.models))
  core.setOutput('unsigned-models', String(report.artifacts.filter((a) => a.kind === 'model' && a.signature?.state !== 'verified').length))
  if (paths.bom) core.setOutput('bom-path', paths.bom)
  if (paths.report) core.setOutput('report-path', paths.report)
}

/** The gate closes with the reason, and the job summary says it too (the run's page, not only its log). */
async function couldNotRun(message: string): Promise<void> {
  core.setFailed(`ModelGate could not run: ${message}`)
  try {
    await writeFailureSummary(message)
  } catch (err) {
    core.info(`job summary not written: ${(err as Error).message}`)
  }
}
