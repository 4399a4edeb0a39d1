import { cardData } from '../../src/inspect/cards/card.js'
import type { Artifact, ArtifactKind, Dependency, Report } from '../../src/types.js'

/** A hand-made artifact: BOM tests describe the scan result directly, so they do not depend on the parsers. */
export function artifact(path: string, kind: ArtifactKind, format: string, extra: Partial<Artifact> = {}): Artifact {
  const model = kind === 'model'
  return { path, kind, format, change: 'unchanged', size: 100, sha256: hexFor(path), lfs: null, signature: model ? { state: 'unsigned', required: false } : null, license: null, facts: {}, ...extra }
}

export function modelCard(path: string, meta: Record<string, unknown>): Artifact {
  const card = cardData(meta, 'model')
  return artifact(path, 'model-card', 'huggingface-model-card', { card, license: card.license })
}

export function datasetCard(path: string, meta: Record<string, unknown>): Artifact {
  return artifact(path, 'dataset-card', 'huggingface-dataset-card', { card: cardData(meta, 'dataset') })
}

export function pypi(name: string, version: string | null, line: number, ml = true): Dependency {
  return { path: 'requirements.txt', line, ecosystem: 'pypi', name, specifier: version ? `==${version}` : null, version, pinned: version !== null, ml, purl: `pkg:pypi/${name}${version ? `@${version}` : ''}` }
}

export function hubModel(name: string, commit: string | null, line: number): Dependency {
  return { path: 'train.py', line, ecosystem: 'huggingface', name, specifier: commit, version: commit, pinned: commit !== null, ml: true, purl: `pkg:huggingface/${name}${commit ? `@${commit}` : ''}`, hubKind: 'model' }
}

export function report(artifacts: Artifact[], dependencies: Dependency[] = [], findings: Report['findings'] = []): Report {
  return { schemaVersion: 1, tool: { name: 'ModelGate', version: '0.1.0' }, mode: 'tree', verdict: 'pass', artifacts, dependencies, findings }
}

/** A distinct, stable SHA-256-shaped digest per path. */
function hexFor(s: string): string {
  let h = 0
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return h.toString(16).padStart(8, '0').repeat(8)
}

export const LLAMA = 'meta-llama/Llama-3.1-8B'
export const LLAMA_COMMIT = 'd04e592bb4f6aa9cfee91e2e20afa771667e1d4b'

/**
 * Everything the BOM maps, in one repository: a LoRA adapter over a pinned hub
 * base, a sharded fine-tune, datasets with shape facts under a dataset card, a
 * media folder, a DVC pipeline from raw data to the model, libraries, findings.
 */
export function kitchenSink(): Report {
  return report(
    [
      artifact('adapters/acme-lora/adapter_config.json', 'model-config', 'hf-config', { facts: { base_model_name_or_path: LLAMA, peft_type: 'LORA', task_type: 'CAUSAL_LM' } }),
      artifact('adapters/acme-lora/adapter_model.safetensors', 'model', 'safetensors', { facts: { tensors: 128, parameters: 3407872, 'metadata.format': 'pt' } }),
      modelCard('adapters/acme-lora/README.md', { license: 'llama3.1', base_model: LLAMA, library_name: 'peft', tags: ['lora', 'sft'], pipeline_tag: 'text-generation', datasets: ['acme/support-tickets'], language: ['en', 'de'] }),
      artifact('data/README.md', 'dataset-card', 'huggingface-dataset-card', {
        card: cardData({ pretty_name: 'Acme support tickets', license: 'cc-by-4.0', size_categories: ['1K<n<10K'], source_datasets: ['original', 'extended|squad'] }, 'dataset'),
        license: 'CC-BY-4.0'
      }),
      artifact('data/images', 'dataset', 'image-folder', { facts: { files: 120, totalBytes: 5242880, extensions: 'jpg,png' } }),
      artifact('data/train.parquet', 'dataset', 'parquet', { facts: { rows: 1000, columnCount: 2, columns: 'text:string,label:int64', rowGroups: 1, compression: 'snappy' } }),
      artifact('dvc.yaml', 'dependency-manifest', 'dvc-pipeline', {
        facts: { stages: 2, outputs: 2 },
        stages: [
          { name: 'prepare', cmd: 'python prepare.py', deps: ['data/raw.csv', 'prepare.py'], outs: ['data/train.parquet'] },
          { name: 'train', cmd: 'python train.py --epochs 3', deps: ['data/train.parquet', 'data/images', 'train.py'], outs: ['models/big'] }
        ]
      }),
      artifact('models/big/config.json', 'model-config', 'hf-config', { facts: { model_type: 'llama', architectures: 'LlamaForCausalLM', name_or_path: 'acme/base-1b', transformers_version: '4.44.2' } }),
      artifact('models/big/model-00001-of-00002.safetensors', 'model', 'safetensors', { facts: { parameters: 700_000_000, 'metadata.format': 'pt' } }),
      artifact('models/big/model-00002-of-00002.safetensors', 'model', 'safetensors', { facts: { parameters: 600_000_000, 'metadata.format': 'pt' } })
    ],
    [pypi('torch', '2.4.1', 1), pypi('peft', '0.12.0', 2), pypi('transformers', null, 3), hubModel(LLAMA, LLAMA_COMMIT, 7)],
    [
      { rule: 'unsigned-model', severity: 'warning', path: 'adapters/acme-lora/adapter_model.safetensors', line: null, message: 'No signature covers this model.', fix: 'Sign it.' },
      { rule: 'unpinned-dependency', severity: 'warning', path: 'requirements.txt', line: 3, message: 'transformers is not pinned.', fix: 'Pin it.' }
    ]
  )
}
