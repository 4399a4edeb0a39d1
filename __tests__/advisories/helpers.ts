import { scan } from '../../src/engine/scan.js'
import type { Dependency, Finding } from '../../src/types.js'
import { makeTree, writeTree, type TreeSpec } from '../support/tree.js'
import { gitIn } from '../support/git.js'

export { config, dependency } from '../support/builders.js'

/** The dependencies the real inventory reads from a tree (tree mode). */
export async function inventory(spec: TreeSpec): Promise<Dependency[]> {
  const root = await makeTree(spec)
  return (await scan({ root, failOn: 'never' })).report.dependencies
}

/** The dependencies of a change base → head, marked by the real inventory diff (change mode). */
export async function changeInventory(base: TreeSpec, head: TreeSpec): Promise<Dependency[]> {
  const root = await makeTree(base)
  gitIn(root, 'init', '-q')
  gitIn(root, 'add', '-A')
  gitIn(root, 'commit', '-qm', 'base')
  gitIn(root, 'checkout', '-qb', 'feature')
  await writeTree(root, head)
  gitIn(root, 'add', '-A')
  gitIn(root, 'commit', '-qm', 'head')
  return (await scan({ root, base: 'main', failOn: 'never' })).report.dependencies
}


/** `path:line rule severity`, the compact form tests compare. */
export const brief = (findings: Finding[]): string[] => findings.map((f) => `${f.path}:${f.line ?? '-'} ${f.rule} ${f.severity}`)

/** A uv.lock with 500 registry packages: torch 2.5.1 first, then pkg-0 … pkg-498. */
export function uvLock500(): string {
  const pkg = (name: string, version: string): string => `[[package]]\nname = "${name}"\nversion = "${version}"\nsource = { registry = "https://pypi.org/simple" }\n`
  return ['version = 1\nrequires-python = ">=3.10"\n', pkg('torch', '2.5.1'), ...Array.from({ length: 499 }, (_, i) => pkg(`pkg-${i}`, `1.${i}.0`))].join('\n')
}
