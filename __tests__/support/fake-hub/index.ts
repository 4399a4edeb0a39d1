export { startFakeHub, type FakeHub, type HubFault, type HubRequest } from './server.js'
export { blobsOf, repoInfoAnswer, type FakeRepo } from './shapes.js'
