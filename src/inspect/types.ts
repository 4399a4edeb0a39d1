import type { CardData, Dependency, PipelineStage, RuleId, Severity } from '../types.js'

/**
 * What a parser reports about one file before the engine knows where the file
 * lives: the engine adds the path (and line, when there is one) to make a Finding.
 */
export interface Issue {
  rule: RuleId
  severity: Severity
  message: string
  fix: string
  /** Byte offset inside the file, when the issue is about one spot. */
  offset?: number
  /** 1-based line, for text files (manifests, code, cards). */
  line?: number
}

/** A dependency as a parser sees it; the engine adds the file's path. */
export type DeclaredDependency = Omit<Dependency, 'path'>

/** Facts for the BOM: flat, JSON-safe values only. */
export type Facts = Record<string, string | number | boolean>

export interface InspectResult {
  facts: Facts
  issues: Issue[]
  /** Dependencies declared by a manifest, or hub references found in code. */
  dependencies?: DeclaredDependency[]
  /** Model and dataset cards. */
  card?: CardData
  /** Pipeline definitions (dvc.yaml): stages with repo-relative inputs and outputs, for the BOM's `formulation`. */
  stages?: PipelineStage[]
}
