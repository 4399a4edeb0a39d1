import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import type { Report } from '../../src/types.js'
import * as f from '../support/formats.js'
import { writeTree } from '../support/tree.js'

/** The clock every BOM test fixes, so timestamps are stable and the serial number depends on content only. */
export const BOM_NOW = new Date('2026-01-01T00:00:00.000Z')

/** Scans as `modelgate scan DIR [--base B --head H]` does with its defaults (fail on errors, offline, no advisory files). */
export async function scanLikeCli(root: string, refs: { base?: string; head?: string } = {}): Promise<Report> {
  const { report } = await scan({ root, ...refs, failOn: 'error', advisories: { online: false, files: [] } })
  return report
}

export const BASE_MODEL = 'distilbert/distilbert-base-uncased'
export const BASE_COMMIT = '12040accade4e8a0f71eabdb258fecc2e7e948be'

/**
 * A repository whose pull request adds a fine-tuned model: `config.json`'s
 * `_name_or_path` names the base model it was trained from, the card names the
 * training data, the training script pins the base to a commit and loads the
 * dataset unpinned. Commits have fixed dates, so their shas are the same on every machine.
 */
export async function fineTunePullRequest(): Promise<{ root: string; base: string; head: string }> {
  const root = path.join(await mkdtemp(path.join(os.tmpdir(), 'modelgate-bom-')), 'acme-models')
  await mkdir(root)
  gitAt(root, 'init', '-q')
  await writeTree(root, { 'README.md': '# acme models\n' })
  gitAt(root, 'add', '-A')
  gitAt(root, 'commit', '-q', '-m', 'base')
  gitAt(root, 'checkout', '-q', '-b', 'fine-tune')
  await writeTree(root, {
    'models/acme-sentiment/config.json': JSON.stringify({ _name_or_path: BASE_MODEL, model_type: 'distilbert', architectures: ['DistilBertForSequenceClassification'], transformers_version: '4.44.2' }, null, 2),
    'models/acme-sentiment/model.safetensors': f.smallSafetensors(),
    'models/acme-sentiment/README.md': '---\nlicense: apache-2.0\nlanguage: [en]\npipeline_tag: text-classification\ndatasets: [stanfordnlp/imdb]\n---\n# acme-sentiment\n\nSentiment of product reviews.\n',
    'train.py': [
      'from datasets import load_dataset',
      'from transformers import AutoModelForSequenceClassification',
      '',
      `model = AutoModelForSequenceClassification.from_pretrained("${BASE_MODEL}", revision="${BASE_COMMIT}")`,
      'data = load_dataset("stanfordnlp/imdb")',
      ''
    ].join('\n'),
    'requirements.txt': 'transformers==4.44.2\ntorch==2.4.1\ndatasets==2.21.0\n'
  })
  gitAt(root, 'add', '-A')
  gitAt(root, 'commit', '-q', '-m', 'fine-tune')
  return { root, base: 'main', head: 'fine-tune' }
}

/**
 * git with a fixed identity and fixed dates, so commit shas are the same on every run and machine.
 * The dates go in the child's environment: Jest gives each test file its own copy of `process.env`.
 */
function gitAt(cwd: string, ...args: string[]): string {
  const date = '2026-01-01T00:00:00Z'
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}
