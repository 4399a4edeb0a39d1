import type { LicensesConfig } from './config-schema.js'
import type { RegistryOptions } from './package-index.js'

/**
 * How the engine asks the package indexes: the config's `licenses.lookups`,
 * `pypi-url` and `npm-url`, with what the caller passes on top (the CLI's
 * `--online` passes `{}`, switching lookups on while keeping the config's URLs;
 * tests pass a fake index). Nothing given anywhere: offline.
 */
export function registryOptions(config: LicensesConfig, caller?: RegistryOptions): RegistryOptions {
  const urls: RegistryOptions = {
    ...(config['pypi-url'] ? { pypiUrl: config['pypi-url'] } : {}),
    ...(config['npm-url'] ? { npmUrl: config['npm-url'] } : {})
  }
  if (caller) return { ...urls, ...caller }
  return { ...urls, offline: !config.lookups }
}
