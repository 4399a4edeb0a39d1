/** Loopback fake of api.github.com for tests: see server.ts for the API and README.md for usage. */
export { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions, type Fault, type RecordedRequest, type Violation } from './server.js'
export { ACTIONS_BOT, FakeState, READ_ONLY, type FakeGitHubSeed, type FileSeed, type PullFileSeed, type PullSeed } from './state.js'
export { advisory } from './shapes.js'
export { MAX_LISTED_FILES } from './handlers/pulls.js'
export { lastLoadStats, loadOpenApiIndex } from './openapi-index.js'
export { validateResponse } from './validate.js'
export { gitObjectSha } from './git.js'
