import type { Report } from '../types.js'
import type { ReportFormat } from '../cli/args.js'
import { renderJson } from './json.js'
import { renderMarkdown } from './markdown.js'
import { renderSarif } from './sarif.js'
import { renderText } from './text.js'

export function render(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return renderJson(report)
    case 'markdown':
      return renderMarkdown(report)
    case 'sarif':
      return renderSarif(report)
    case 'text':
      return renderText(report)
  }
}
