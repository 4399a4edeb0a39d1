import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { INPUTS, parseInputs } from '../../src/action/inputs.js'
import { REPO } from '../support/shared.js'

const none = () => ''

test('defaults: one schema, every input', () => {
  expect(parseInputs(none)).toEqual({
    token: '',
    config: '',
    mode: 'auto',
    failOn: 'error',
    comment: 'on-findings',
    review: true,
    checkRun: true,
    bomPath: 'modelgate-bom.cdx.json',
    bomFormat: 'json',
    reportPath: 'modelgate-report.json',
    sarifPath: 'modelgate.sarif',
    dependencySnapshot: false
  })
})

test('invalid values name the input and what it accepts', () => {
  const given = (values: Record<string, string>) => () => parseInputs((n) => values[n] ?? '')
  expect(given({ 'fail-on': 'errors' })).toThrow("input fail-on: 'errors' is not one of error, warning, never")
  expect(given({ comment: 'sometimes' })).toThrow("input comment: 'sometimes' is not one of on-findings, always, never")
  expect(given({ review: 'yes' })).toThrow("input review: 'yes' is not a boolean (true or false)")
  expect(given({ 'bom-format': 'spdx' })).toThrow("input bom-format: 'spdx' is not one of json, xml, spdx3")
  const set: Record<string, string> = { review: 'False', 'check-run': ' TRUE ', mode: 'snapshot', 'bom-format': 'spdx3' }
  expect(parseInputs((n) => set[n] ?? '')).toMatchObject({ review: false, checkRun: true, mode: 'snapshot', bomFormat: 'spdx3' })
})

test('action.yml declares exactly these inputs with the same defaults, and the documented outputs', async () => {
  const yml = parse(await readFile(path.join(REPO, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown>; runs: { using: string } }
  expect(Object.keys(yml.inputs)).toEqual(Object.keys(INPUTS))
  for (const [name, spec] of Object.entries(INPUTS)) {
    expect([name, String(yml.inputs[name]?.default ?? '')]).toEqual([name, name === 'github-token' ? '${{ github.token }}' : spec.default])
  }
  expect(Object.keys(yml.outputs)).toEqual(['verdict', 'findings', 'models', 'unsigned-models', 'bom-path', 'report-path'])
  expect(yml.runs.using).toBe('node24')
  const docs = await readFile(path.join(REPO, 'docs', 'action.md'), 'utf8')
  for (const name of [...Object.keys(yml.inputs), ...Object.keys(yml.outputs)]) expect(docs).toContain(`\`${name}\``)
})
