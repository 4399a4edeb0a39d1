import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { hubGet, HubRequestError, readJson, type HubHttp } from '../../src/hub/http.js'
import { RangeSource } from '../../src/hub/range-source.js'
import { parseRepoInfo } from '../../src/hub/repo-info.js'
import { repoInfoAnswer } from '../support/fake-hub/index.js'
import { GOOD_SHA } from './fixtures.js'

/** A throw-away loopback server with one handler, for transport corner cases the fake Hub does not model. */
async function serve(handler: http.RequestListener): Promise<{ url: string; seen: { url: string; auth: string | null; range: string | null }[]; close: () => Promise<void> }> {
  const seen: { url: string; auth: string | null; range: string | null }[] = []
  const s = http.createServer((req, res) => {
    seen.push({ url: req.url!, auth: req.headers.authorization ?? null, range: req.headers.range ?? null })
    handler(req, res)
  })
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((r) => (s.closeAllConnections(), s.close(() => r())))
  }
}

const client = (endpoint: string, token: string | null = 'hf_tok'): HubHttp => ({ endpoint: new URL(endpoint), token, fetch, timeoutMs: 5000 })

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    if (err instanceof HubRequestError) return err.failure
    throw err
  }
  throw new Error('expected a HubRequestError')
}

describe('hubGet', () => {
  test('follows redirects by hand: the token only while on the Hub origin, back again included', async () => {
    const other = await serve((req, res) => {
      res.writeHead(302, { location: `${hub.url}/final` }).end()
    })
    const hub = await serve((req, res) => {
      if (req.url === '/start') res.writeHead(307, { location: '/moved' }).end()
      else if (req.url === '/moved') res.writeHead(302, { location: `${other.url}/cdn` }).end()
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
    try {
      const { res, url } = await hubGet(client(hub.url), `${hub.url}/start`)
      expect(await readJson(res, 100)).toEqual({ ok: true })
      expect(url).toBe(`${hub.url}/final`)
      expect([...hub.seen, ...other.seen].map((r) => [r.url, r.auth])).toEqual([
        ['/start', 'Bearer hf_tok'],
        ['/moved', 'Bearer hf_tok'],
        ['/final', 'Bearer hf_tok'],
        ['/cdn', null]
      ])
    } finally {
      await Promise.all([hub.close(), other.close()])
    }
  })

  test('redirect loops, non-http redirects and oversized answers are failures with reasons', async () => {
    const hub = await serve((req, res) => {
      if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end()
      else if (req.url === '/file') res.writeHead(302, { location: 'file:///etc/passwd' }).end()
      else if (req.url === '/big') res.writeHead(200, { 'content-type': 'application/json', 'content-length': '211' }).end(JSON.stringify({ pad: 'x'.repeat(200) }))
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(200) }))
    })
    try {
      expect(await failure(hubGet(client(hub.url), `${hub.url}/loop`))).toEqual({ status: 302, code: null, reason: 'more than 5 redirects' })
      expect(await failure(hubGet(client(hub.url), `${hub.url}/file`))).toEqual({ status: 302, code: null, reason: 'a redirect to a file: URL' })
      const { res } = await hubGet(client(hub.url), `${hub.url}/big`)
      expect(await failure(readJson(res, 100))).toEqual({ status: 200, code: null, reason: 'the answer is 211 bytes, more than the 100-byte limit' })
      // Chunked, with no length announced: counted while read.
      const chunked = await hubGet(client(hub.url), `${hub.url}/chunked`)
      expect(await failure(readJson(chunked.res, 100))).toEqual({ status: 200, code: null, reason: 'the answer is more than the 100-byte limit' })
    } finally {
      await hub.close()
    }
  })
})

describe('RangeSource', () => {
  test('a file server that ignores Range: the head is usable, a later range is a failure, never silently wrong bytes', async () => {
    const body = Buffer.alloc(100_000, 7)
    const cdn = await serve((req, res) => res.writeHead(200, { 'content-length': String(body.length) }).end(body))
    try {
      const src = await RangeSource.open(client('https://hub.invalid', null), `${cdn.url}/blob`, null, 1 << 20)
      expect(src.size).toBe(100_000)
      expect((await src.read(10, 4)).equals(Buffer.alloc(4, 7))).toBe(true)
      expect(await failure(src.read(90_000, 10))).toEqual({ status: 200, code: null, reason: 'the file server ignored a Range request (HTTP 200)' })
      expect(src.stopped).toEqual({ failure: { status: 200, code: null, reason: 'the file server ignored a Range request (HTTP 200)' } })
      expect(cdn.seen.map((r) => r.range)).toEqual(['bytes=0-65535', 'bytes=90000-99999'])
    } finally {
      await cdn.close()
    }
  })

  test('a Content-Range for another range than asked is refused', async () => {
    const cdn = await serve((req, res) => res.writeHead(206, { 'content-range': 'bytes 5-9/10' }).end('abcde'))
    try {
      expect(await failure(RangeSource.open(client('https://hub.invalid'), `${cdn.url}/blob`, 10, 1 << 20))).toEqual({ status: 206, code: null, reason: 'the file server answered another range (bytes 5-9/10)' })
      // The token is for the Hub: a file URL elsewhere never gets it.
      expect(cdn.seen[0]!.auth).toBeNull()
    } finally {
      await cdn.close()
    }
  })
})

test('RangeSource: an answer cut short before the end of the file is a failure, not a short file', async () => {
  const cdn = await serve((req, res) => res.writeHead(206, { 'content-range': 'bytes 0-65535/100000', 'content-length': '10' }).end('0123456789'))
  try {
    expect(await failure(RangeSource.open(client('https://hub.invalid'), `${cdn.url}/blob`, 100_000, 1 << 20))).toEqual({ status: 206, code: null, reason: 'the file server sent 10 of 65536 bytes at offset 0' })
  } finally {
    await cdn.close()
  }
})

describe('repository information', () => {
  test('the real answer shape (google-bert/bert-base-uncased as recorded by huggingface_hub), without blobs=true', () => {
    const answer = {
      _id: '621ffdc036468d709f174338',
      id: 'google-bert/bert-base-uncased',
      private: false,
      pipeline_tag: 'fill-mask',
      library_name: 'transformers',
      tags: ['transformers', 'pytorch', 'safetensors', 'bert', 'fill-mask', 'en', 'license:apache-2.0', 'region:us'],
      downloads: 72376843,
      likes: 2065,
      modelId: 'google-bert/bert-base-uncased',
      author: 'google-bert',
      sha: '86b5e0934494bd15c9632b12f734a8a67f723594',
      lastModified: '2024-02-19T11:06:12.000Z',
      gated: false,
      inference: 'warm',
      disabled: false,
      mask_token: '[MASK]',
      'model-index': null,
      config: { architectures: ['BertForMaskedLM'], model_type: 'bert', tokenizer_config: {} },
      cardData: { language: 'en', tags: ['exbert'], license: 'apache-2.0', datasets: ['bookcorpus', 'wikipedia'] },
      transformersInfo: { auto_model: 'AutoModelForMaskedLM', pipeline_tag: 'fill-mask', processor: 'AutoTokenizer' },
      siblings: [{ rfilename: '.gitattributes' }, { rfilename: 'config.json' }, { rfilename: 'coreml/fill-mask/float32_model.mlpackage/Manifest.json' }, { rfilename: 'model.safetensors' }, { rfilename: 'pytorch_model.bin' }],
      spaces: ['mteb/leaderboard'],
      createdAt: '2022-03-02T23:29:04.000Z',
      safetensors: { parameters: { F32: 110106428 }, total: 110106428 },
      usedStorage: 13397387509
    }
    expect(parseRepoInfo(answer)).toEqual({
      id: 'google-bert/bert-base-uncased',
      commit: '86b5e0934494bd15c9632b12f734a8a67f723594',
      gated: false,
      license: 'apache-2.0',
      files: ['.gitattributes', 'config.json', 'coreml/fill-mask/float32_model.mlpackage/Manifest.json', 'model.safetensors', 'pytorch_model.bin'].map((path) => ({ path, size: null, sha256: null }))
    })
  })

  test('blobs=true: sizes and LFS oids; gated, license_name for `other`, the license tag as fallback; hostile names dropped', () => {
    const fake = repoInfoAnswer({ kind: 'model', id: 'o/m', commit: GOOD_SHA, files: { 'model.safetensors': Buffer.from('x'), 'config.json': '{}' }, gated: 'auto', cardData: { license: 'other', license_name: 'acme-research', license_link: 'https://acme.example/license' } }, true)
    expect(parseRepoInfo(fake)).toEqual({
      id: 'o/m',
      commit: GOOD_SHA,
      gated: true,
      license: 'other',
      licenseName: 'acme-research',
      licenseLink: 'https://acme.example/license',
      files: [
        { path: 'config.json', size: 2, sha256: null },
        { path: 'model.safetensors', size: 1, sha256: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881' }
      ]
    })
    const odd = { sha: GOOD_SHA, id: 'o/m', tags: ['license:mit'], siblings: [{ rfilename: '../escape.bin' }, { rfilename: '/abs.bin' }, { rfilename: 'a//b.bin' }, { rfilename: 'ok.bin', size: -1, lfs: { sha256: 'nothex', size: 3 } }, { rfilename: 'ok.bin' }, 42] }
    expect(parseRepoInfo(odd)).toEqual({ id: 'o/m', commit: GOOD_SHA, gated: false, license: 'mit', files: [{ path: 'ok.bin', size: 3, sha256: null }] })
    // A list stays a list, which the license check reports as unreadable instead of guessing.
    expect(parseRepoInfo({ sha: GOOD_SHA, siblings: [], cardData: { license: ['mit', 'cc-by-nc-4.0'] } })).toEqual({ id: '', commit: GOOD_SHA, gated: false, license: 'mit, cc-by-nc-4.0', files: [] })
    expect(parseRepoInfo([])).toEqual({ invalid: 'the answer is not a JSON object' })
    expect(parseRepoInfo({ sha: GOOD_SHA })).toEqual({ invalid: 'the answer lists no files (`siblings` is missing)' })
  })
})
