import type { DeclaredDependency, Facts, InspectResult, Issue } from '../inspect/types.js'
import { unpinnedDependency, type PinSyntax } from './issues.js'

export interface AddOptions {
  /** Local paths and workspace members: nothing to pin, so never a finding. */
  local?: boolean
  /** No finding for this one (e.g. another file owns its line). */
  quiet?: boolean
  /** Extra words for the finding (`in base.txt line 3`). */
  where?: string
}

/** Collects what one manifest declares; an unpinned ML dependency becomes a finding on its line. */
export class Inventory {
  readonly dependencies: DeclaredDependency[] = []
  readonly issues: Issue[] = []
  readonly facts: Facts = {}

  constructor(private readonly syntax: PinSyntax) {}

  add(dep: DeclaredDependency, opts: AddOptions = {}, syntax: PinSyntax = this.syntax): void {
    this.dependencies.push(dep)
    if (dep.ml && !dep.pinned && !opts.local && !opts.quiet) this.issues.push(unpinnedDependency(dep, syntax, opts.where))
  }

  issue(issue: Issue): void {
    this.issues.push(issue)
  }

  result(): InspectResult {
    return { facts: this.facts, issues: this.issues, dependencies: this.dependencies }
  }
}
