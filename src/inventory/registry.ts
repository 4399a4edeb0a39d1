import type { InspectContext, Inspector } from '../inspect/registry.js'
import type { InspectResult } from '../inspect/types.js'
import type { ByteSource } from '../util/byte-source.js'
import type { IncludeReader } from './include-reader.js'
import { tooLarge } from './issues.js'
import { MAX_MANIFEST_BYTES, readText } from './text.js'
import { parseRequirementsText } from './manifests/requirements.js'
import { parsePyproject } from './manifests/pyproject.js'
import { parseSetupCfg } from './manifests/setup-cfg.js'
import { parseSetupPy } from './manifests/setup-py.js'
import { parsePipfile, parsePipfileLock } from './manifests/pipfile.js'
import { parsePythonLock } from './manifests/python-locks.js'
import { parseCondaEnvironment, parsePythonEnv } from './manifests/conda.js'
import { parsePackageJson, parsePackageLock } from './manifests/npm.js'
import { parseYarnLock } from './manifests/yarn-lock.js'
import { parsePnpmLock } from './manifests/pnpm-lock.js'
import { parseDvc } from './manifests/dvc.js'
import { parseMlmodel } from './manifests/mlmodel.js'
import { scanCodeFile, codeLanguage } from './code/scan-code.js'
import { scanNotebookFile } from './code/notebook.js'

/**
 * What the engine may pass besides the path: a reader for other files of the
 * same tree (or commit), so that `-r base.txt` and sibling lock files resolve.
 * Without it, includes are listed in the artifact's facts but not followed.
 */
export interface InventoryContext extends InspectContext {
  readRelated?: IncludeReader
}

type TextParser = (text: string, ctx: InventoryContext) => InspectResult | Promise<InspectResult>

/** Reads the whole manifest (size-capped) and hands the text to its parser. */
function manifest(kind: string, parse: TextParser): Inspector {
  return async (src: ByteSource, ctx: InspectContext) => {
    const text = await readText(src, MAX_MANIFEST_BYTES)
    if (text === null) return { facts: {}, issues: [tooLarge(kind, src.size, MAX_MANIFEST_BYTES)], dependencies: [] }
    return parse(text, ctx as InventoryContext)
  }
}

const withReader = (ctx: InventoryContext) => ({ path: ctx.path, ...(ctx.readRelated ? { reader: ctx.readRelated } : {}) })

/**
 * Parsers for dependency manifests, by the format identification gives them
 * (`requirements`, `pyproject`, `package-json`, ...). Each returns the declared
 * dependencies (and findings such as an unparseable manifest) and never throws.
 */
export const MANIFEST_PARSERS: Partial<Record<string, Inspector>> = {
  requirements: manifest('requirements file', (t, ctx) => parseRequirementsText(t, withReader(ctx))),
  pyproject: manifest('pyproject.toml', (t) => parsePyproject(t)),
  'setup-cfg': manifest('setup.cfg', (t, ctx) => parseSetupCfg(t, withReader(ctx))),
  'setup-py': manifest('setup.py', (t) => parseSetupPy(t)),
  pipfile: manifest('Pipfile', (t) => parsePipfile(t)),
  'pipfile-lock': manifest('Pipfile.lock', (t) => parsePipfileLock(t)),
  'poetry-lock': manifest('poetry.lock', (t) => parsePythonLock(t, 'poetry.lock')),
  'uv-lock': manifest('uv.lock', (t) => parsePythonLock(t, 'uv.lock')),
  'conda-environment': manifest('conda environment', (t, ctx) => parseCondaEnvironment(t, 'conda environment file', withReader(ctx))),
  'mlflow-conda': manifest('MLflow conda.yaml', (t, ctx) => parseCondaEnvironment(t, 'MLflow conda.yaml', withReader(ctx))),
  'mlflow-python-env': manifest('MLflow python_env.yaml', (t, ctx) => parsePythonEnv(t, withReader(ctx))),
  'package-json': manifest('package.json', (t, ctx) => parsePackageJson(t, withReader(ctx))),
  'package-lock': manifest('package-lock.json', (t, ctx) => parsePackageLock(t, ctx.path.split('/').pop() ?? 'package-lock.json')),
  'yarn-lock': manifest('yarn.lock', (t) => parseYarnLock(t)),
  'pnpm-lock': manifest('pnpm-lock.yaml', (t) => parsePnpmLock(t)),
  'mlflow-model': manifest('MLmodel', (t) => parseMlmodel(t)),
  'dvc-pointer': manifest('DVC file', (t) => parseDvc(t, 'dvc-pointer')),
  'dvc-pipeline': manifest('dvc.yaml', (t, ctx) => parseDvc(t, 'dvc-pipeline', ctx.path)),
  'dvc-lock': manifest('dvc.lock', (t) => parseDvc(t, 'dvc-lock'))
}

/**
 * Source files that may pull models or data from a hub at run time. Null for
 * files that are not code; the scanner returns hub references as dependencies.
 */
export function codeScannerFor(relPath: string): Inspector | null {
  const language = codeLanguage(relPath)
  // Notebooks also install packages (`%pip install -r ...` reads files beside them).
  if (language === 'notebook') return (src, ctx) => scanNotebookFile(src, withReader(ctx as InventoryContext))
  return language ? (src) => scanCodeFile(src, language) : null
}

export type { InspectContext }
