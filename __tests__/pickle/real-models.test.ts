/**
 * Real framework output from ../shared/real-models/out: no errors, no unknown
 * globals, except the torch.save(model) full pickle whose __main__ class warns.
 * Pickle members of torch zips are read with yauzl (the engine will do this itself).
 */
import { createReadStream, existsSync } from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import yauzl from 'yauzl'
import { scanPickle, type PickleScanResult } from '../../src/inspect/pickle/index.js'

const out = path.resolve(import.meta.dirname, '../../../shared/real-models/out')

function zipPickles(file: string): Promise<{ name: string; stream: () => Promise<Readable> }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) return reject(err)
      const found: { name: string; stream: () => Promise<Readable> }[] = []
      zip.on('entry', (e: yauzl.Entry) => {
        // TorchScript debug info (code/**/*.py.debug_pkl) is a pickle too
        if (e.fileName.endsWith('.pkl') || e.fileName.endsWith('.debug_pkl')) {
          found.push({
            name: e.fileName,
            stream: () => new Promise((res, rej) => zip.openReadStream(e, (er, s) => (er || !s ? rej(er) : res(s))))
          })
        }
        zip.readEntry()
      })
      zip.on('end', () => resolve(found))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}

const bad = (r: PickleScanResult) => r.issues.filter((i) => i.severity === 'error' || (i.rule === 'unknown-global' && i.severity !== 'note'))

describe('real model pickles', () => {
  it.each(['sklearn_pipeline.pkl', 'legacy_state_dict.pth', 'data/iris.pkl'])('%s scans clean', async (name) => {
    const file = path.join(out, name)
    if (!existsSync(file)) return console.log(`${name} is not in ../shared/real-models/out; skipped`)
    const r = await scanPickle(createReadStream(file))
    expect(bad(r)).toEqual([])
    expect(r.complete).toBe(true)
    expect(r.globals.length).toBeGreaterThan(0)
    if (name.endsWith('.pth')) expect(r).toMatchObject({ pickles: 5, stats: { legacyTorch: true } })
  })

  it.each(['linear_state_dict.pt', 'pytorch_model.bin', 'checkpoint.pth.tar', 'torchscript_model.pt', 'full_model.pt'])(
    'pickle members of %s scan clean',
    async (name) => {
      const members = await zipPickles(path.join(out, name))
      expect(members.length).toBeGreaterThan(0)
      const imports = new Set<string>()
      for (const m of members) {
        const r = await scanPickle(await m.stream(), { framework: 'torch' })
        for (const g of r.globals) imports.add(`${g.module}.${g.name}`)
        expect(r.complete).toBe(true)
        if (name === 'full_model.pt' && m.name.endsWith('data.pkl')) {
          expect(r.issues.map((i) => `${i.severity}:${i.rule}`)).toEqual(['warning:unknown-global'])
          expect(r.issues[0]!.message).toMatch(/torch\.save\(model\) full pickle.*__main__\.TinyNet/)
        } else expect(bad(r)).toEqual([])
      }
      // the TorchScript members really exercise the torch.jit._pickle allowlist
      if (name === 'torchscript_model.pt') expect(imports).toContain('torch.jit._pickle.build_intlist')
    }
  )
})
