import { runCli } from '../../src/cli/main.js'
import type { Report } from '../../src/types.js'
import { makeTree } from '../support/tree.js'
import { startFakeHub } from '../support/fake-hub/index.js'
import { EVIL_SHA, evilTorchZip } from './fixtures.js'

async function cli(cwd: string, env: NodeJS.ProcessEnv, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { cwd, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })
  return { code, stdout, stderr }
}

test('--hub-lookups: HF_ENDPOINT and HF_TOKEN from the environment; the malicious hub model fails the scan on its line', async () => {
  const hub = await startFakeHub([{ kind: 'model', id: 'evil-org/pickled', commit: EVIL_SHA, files: { 'pytorch_model.bin': evilTorchZip() } }])
  try {
    const root = await makeTree({ '.modelgate.yml': 'licenses:\n  unknown: "off"\n', 'train.py': `import torch\nfrom transformers import AutoModel\nm = AutoModel.from_pretrained("evil-org/pickled", revision="${EVIL_SHA}")\n` })
    const env = { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_cli_token' }
    const off = await cli(root, env, 'scan', '.', '--format', 'json')
    expect(off.code).toBe(0)
    expect(hub.requests).toEqual([])

    const on = await cli(root, env, 'scan', '.', '--format', 'json', '--hub-lookups')
    expect(on.code).toBe(1)
    const report = JSON.parse(on.stdout) as Report
    expect(report.findings.map((f) => `${f.severity} ${f.rule} ${f.path}:${f.line}`)).toEqual(['error unsafe-serialization train.py:3', 'warning hub-model-unsafe-format train.py:3'])
    expect(hub.requests.map((r) => [r.server, r.authorization ?? null])).toEqual([
      ['hub', 'Bearer hf_cli_token'],
      ['hub', 'Bearer hf_cli_token'],
      ['cdn', null]
    ])
    expect(on.stdout + on.stderr).not.toContain('hf_cli_token')
  } finally {
    await hub.close()
  }
})

test('--help documents --hub-lookups', async () => {
  const help = await cli('/', {}, '--help')
  expect(help.stdout).toContain('  --hub-lookups         resolve Hugging Face references in code on the Hub (HF_ENDPOINT,\n                        HF_TOKEN) and judge the weights they load by range requests\n')
})
