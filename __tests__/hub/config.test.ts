import { config } from '../support/builders.js'

test('hub config: off by default, 256 MiB per file; strict keys and bounds', () => {
  expect(config().hub).toEqual({ lookups: false, 'max-bytes': 268435456 })
  expect(config('hub:\n  lookups: true\n  max-bytes: 1048576\n').hub).toEqual({ lookups: true, 'max-bytes': 1048576 })
  expect(() => config('hub:\n  lookup: true\n')).toThrow("unknown key 'hub.lookup'")
  expect(() => config('hub:\n  lookups: "yes"\n')).toThrow("key 'hub.lookups': expected boolean, got string")
  expect(() => config('hub:\n  max-bytes: 100\n')).toThrow("key 'hub.max-bytes'")
  // The endpoint (and so where HF_TOKEN goes) is never taken from the scanned repository.
  expect(() => config('hub:\n  endpoint: https://evil.example\n')).toThrow("unknown key 'hub.endpoint'")
})
