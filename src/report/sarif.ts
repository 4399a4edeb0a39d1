import type { Report, RuleId, Severity } from '../types.js'
import { RULES } from '../assess/rules.js'

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' }

/** SARIF 2.1.0, as GitHub code scanning ingests it: one run, rules from docs/rules.md. */
export function renderSarif(report: Report): string {
  const used = [...new Set(report.findings.map((f) => f.rule))].sort()
  const index = new Map<RuleId, number>(used.map((r, i) => [r, i]))
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            informationUri: 'https://github.com/modelgate/modelgate',
            rules: used.map((id) => ({
              id,
              name: id,
              shortDescription: { text: RULES[id].title },
              fullDescription: { text: RULES[id].why },
              help: { text: RULES[id].fix },
              defaultConfiguration: { level: LEVEL[RULES[id].severity] }
            }))
          }
        },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: LEVEL[f.severity],
          message: { text: `${f.message} Fix: ${f.fix}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.path }, ...(f.line ? { region: { startLine: f.line } } : {}) } }]
        }))
      }
    ]
  }
  return JSON.stringify(sarif, null, 2) + '\n'
}
