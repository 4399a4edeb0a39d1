// The README's first command: runs the built CLI on the bundled demo repository and shows the
// three outputs of the main job: the report, the CycloneDX BOM and the PR comment.
// Uses only dist/ (committed), so it works on a fresh clone before any install.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cli = path.join(repo, 'dist', 'cli.js')
const demo = path.join(repo, 'examples', 'demo-repo')
const out = path.join(repo, 'examples', 'out')

const run = (...args) => spawnSync(process.execPath, [cli, 'scan', demo, ...args], { stdio: ['ignore', 'inherit', 'inherit'] }).status

const code = run('--bom', path.join(out, 'bom.cdx.json'))
run('--format', 'markdown', '--output', path.join(out, 'comment.md'))
run('--format', 'json', '--output', path.join(out, 'report.json'))

console.log(`\nWrote ${path.relative(process.cwd(), out)}/bom.cdx.json (CycloneDX 1.6), report.json and comment.md (the PR comment):\n`)
console.log(readFileSync(path.join(out, 'comment.md'), 'utf8'))
console.log(`modelgate exited with ${code}: ${code === 1 ? 'in a pull request this blocks the merge (the demo holds a broken model on purpose).' : code === 0 ? 'pass.' : 'error.'}`)
process.exitCode = code === 0 || code === 1 ? 0 : code ?? 2
