import path from 'node:path'
import { inspectCard } from '../../src/inspect/cards/card.js'
import { BufferByteSource, FileByteSource } from '../../src/util/byte-source.js'
import { SHARED } from '../support/shared.js'

const card = (text: string, kind: 'model' | 'dataset' = 'model') => inspectCard(new BufferByteSource(Buffer.from(text)), kind)

describe('model and dataset cards', () => {
  test('the roberta card: license, datasets, model-index name and metrics as text', async () => {
    const src = await FileByteSource.open(path.join(SHARED, 'real-world', 'AbidHasan95+roberta-base-squad2', 'README.md'))
    const r = await inspectCard(src, 'model')
    await src.close()
    expect(r.issues).toEqual([])
    expect(r.card).toMatchObject({
      license: 'cc-by-4.0',
      datasets: ['squad_v2'],
      languages: ['en'],
      modelName: 'deepset/roberta-base-squad2',
      fieldsPresent: ['license', 'datasets', 'language', 'model-index']
    })
    expect(r.card!.metrics).toEqual([
      { type: 'exact_match', value: '79.9309', name: 'Exact Match', task: 'question-answering', dataset: 'squad_v2' },
      { type: 'f1', value: '82.9501', name: 'F1', task: 'question-answering', dataset: 'squad_v2' },
      { type: 'total', value: '11869', name: 'total', task: 'question-answering', dataset: 'squad_v2' }
    ])
    expect(r.facts).toEqual({ card_fields: '4/8' })
  })

  test('a one-item license list is that license; several stay unknown', async () => {
    expect((await card('---\nlicense: [apache-2.0]\n---\n')).card?.license).toBe('apache-2.0')
    expect((await card('---\nlicense:\n  - mit\n  - cc-by-4.0\n---\n')).card?.license).toBeNull()
  })

  test('license: other takes license_name; single values become lists', async () => {
    const r = await card('---\nlicense: other\nlicense_name: llama3\nlicense_link: LICENSE\nbase_model: meta-llama/Meta-Llama-3-8B\ntags: text\n---\n')
    expect(r.card).toMatchObject({ license: 'llama3', licenseLink: 'LICENSE', baseModels: ['meta-llama/Meta-Llama-3-8B'], tags: ['text'] })
  })

  test('dataset card fields', async () => {
    const r = await card('---\nlicense: cc-by-nc-4.0\npretty_name: Iris\ntask_categories: [tabular-classification]\nsize_categories: [n<1K]\nsource_datasets: [original]\n---\n', 'dataset')
    expect(r.card).toMatchObject({ license: 'cc-by-nc-4.0', prettyName: 'Iris', taskCategories: ['tabular-classification'], sizeCategories: ['n<1K'], sourceDatasets: ['original'] })
    expect(r.facts).toEqual({ card_fields: '5/6' })
  })

  test('invalid YAML is a warning with its line, not a crash; CRLF cards parse', async () => {
    const bad = await card('---\nlicense: mit\ntags: [a, b\n---\n# x\n')
    expect(bad.issues.map((i) => [i.rule, i.severity, i.line])).toEqual([['unparseable-artifact', 'warning', 3]])
    expect(bad.card?.license).toBeNull()
    const crlf = await card('---\r\nlicense: apache-2.0\r\n---\r\n')
    expect(crlf.card?.license).toBe('apache-2.0')
  })
})
