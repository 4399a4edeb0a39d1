/** The server's settings as read from the environment (Probot's names), defaults included. */
import { readBotConfig } from '../../src/bot/config.js'
import { PRIVATE_KEY } from './support/bot-world.js'

const REQUIRED = { APP_ID: '424242', PRIVATE_KEY, WEBHOOK_SECRET: 's3cret' }

test('only the three required settings: every default, PORT 3000 among them', () => {
  expect(readBotConfig(REQUIRED)).toEqual({
    appId: 424242,
    privateKey: PRIVATE_KEY,
    webhookSecret: 's3cret',
    port: 3000,
    host: '0.0.0.0',
    apiUrl: 'https://api.github.com',
    concurrency: 2,
    queueLimit: 1000,
    scanTimeoutMs: 600_000,
    shutdownGraceMs: 25_000,
    bodyBudgetBytes: 64 * 1024 * 1024
  })
})

test('every setting given', () => {
  const cfg = readBotConfig({
    ...REQUIRED,
    PORT: '8080',
    HOST: '127.0.0.1',
    GITHUB_API_URL: 'https://github.example.com/api/v3/',
    MODELGATE_CONCURRENCY: '4',
    MODELGATE_QUEUE_LIMIT: '50',
    MODELGATE_SCAN_TIMEOUT: '120',
    MODELGATE_SHUTDOWN_GRACE: '0',
    MODELGATE_WEBHOOK_MEMORY: '256'
  })
  expect(cfg).toMatchObject({ port: 8080, host: '127.0.0.1', apiUrl: 'https://github.example.com/api/v3', concurrency: 4, queueLimit: 50, scanTimeoutMs: 120_000, shutdownGraceMs: 0, bodyBudgetBytes: 256 * 1024 * 1024 })
})

test.each([
  ['24', "MODELGATE_WEBHOOK_MEMORY: '24' is not a number of MiB (25–4096)"],
  ['4097', "MODELGATE_WEBHOOK_MEMORY: '4097' is not a number of MiB (25–4096)"],
  ['1g', "MODELGATE_WEBHOOK_MEMORY: '1g' is not a number of MiB (25–4096)"]
])('MODELGATE_WEBHOOK_MEMORY=%s must hold one body of GitHub\'s maximum size', (value, message) => {
  expect(() => readBotConfig({ ...REQUIRED, MODELGATE_WEBHOOK_MEMORY: value })).toThrow(message)
})
