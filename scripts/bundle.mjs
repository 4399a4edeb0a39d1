// Builds the self-contained bundles: dist/index.js (the action), dist/cli.js (the `modelgate` bin) and
// dist/server.js (the GitHub App webhook server, `node dist/server.js`).
// They must run with no node_modules, on Node 20 and Node 24.
import { chmodSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { build } from 'esbuild'

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  minify: process.env.MINIFY === '1',
  logLevel: 'warning',
  // Optional validators of the CycloneDX library read schema files at run time; they are
  // only used by tests, and the library degrades cleanly when they are absent.
  // The SPDX license texts ship as a data file beside the bundles (see src/licenses/license-texts.ts).
  external: ['ajv', 'ajv-formats', 'ajv-formats-draft2019', 'libxmljs2', 'spdx-license-list/full.js'],
  // Some bundled dependencies are CommonJS and call require(); give them one.
  banner: {
    js: [
      "import { createRequire as __mgCreateRequire } from 'node:module';",
      "import { fileURLToPath as __mgFileURLToPath } from 'node:url';",
      "import { dirname as __mgDirname } from 'node:path';",
      'const require = __mgCreateRequire(import.meta.url);',
      'const __filename = __mgFileURLToPath(import.meta.url);',
      'const __dirname = __mgDirname(__filename);'
    ].join(' ')
  }
}

await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' })
await build({ ...common, entryPoints: ['src/server.ts'], outfile: 'dist/server.js' })
// The CLI leaves the bot to its own bundle beside it: every scan then parses half the code.
const botFromServerBundle = {
  name: 'bot-from-server-bundle',
  setup(b) {
    b.onResolve({ filter: /\/bot\/main\.js$/ }, () => ({ path: './server.js', external: true }))
  }
}
await build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node\n' + common.banner.js }, plugins: [botFromServerBundle] })
// The license texts the LICENSE-file matcher loads on demand, as data rather than code in every bundle.
const full = createRequire(import.meta.url)('spdx-license-list/full.js')
const texts = Object.fromEntries(Object.keys(full).sort().map((id) => [id, { name: full[id].name, licenseText: full[id].licenseText }]))
writeFileSync('dist/spdx-license-texts.json', JSON.stringify(texts))
// The bin must be executable for `./dist/cli.js` and package managers that do not chmod.
chmodSync('dist/cli.js', 0o755)
