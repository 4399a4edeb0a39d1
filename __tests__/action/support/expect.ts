import type { FakeGitHub } from '../../support/fake-github/index.js'

/** [operationId, request body] of every write, in order. */
export function writes(gh: FakeGitHub): Array<[string, unknown]> {
  return gh.requests.filter((r) => r.method !== 'GET').map((r) => [r.operationId ?? `${r.method} ${r.path}`, r.body])
}

/** Workflow commands the action printed, e.g. ["warning", "text"], in order. */
export function commands(stdout: string, kind?: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(kind ? `::${kind}` : '::'))
}
