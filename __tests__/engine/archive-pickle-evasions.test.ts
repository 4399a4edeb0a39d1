/**
 * Ways a malicious pickle used to pass with no error finding (red-team review 4), each built
 * byte by byte: text arguments CPython reads past a NUL, a trial parse that ran out of budget,
 * first opcodes `.ckpt` did not accept, a torch zip whose data.pkl differs in case, and archives
 * inside archives. Every one must end in an error that names the payload and where it sits.
 */
import { deflateSync, gzipSync } from 'node:zlib'
import { processFile } from '../../src/engine/process-file.js'
import { DEFAULT_LIMITS } from '../../src/engine/limits.js'
import type { Candidate } from '../../src/discover/types.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { pb } from '../pickle/builder.js'
import { writeZip } from '../support/zip.js'
import { makeTar } from '../inspect/archive-fixtures.js'

const candidate = (p: string, bytes: Buffer): Candidate => ({
  path: p,
  change: 'unchanged',
  open: async () => Object.assign(new BufferByteSource(bytes), { close: async () => {} })
})
const run = async (p: string, bytes: Buffer) => {
  const out = await processFile(candidate(p, bytes), DEFAULT_LIMITS)
  return { format: out.artifact?.format ?? null, findings: out.findings.filter((f) => f.rule !== 'lfs-untracked').map((f) => `${f.severity}:${f.rule}: ${f.message}`) }
}

/** os.system('id') at protocol 0: `cos\nsystem\n(S'id'\ntR.` */
const PAY0 = pb().global('os', 'system').mark().string("'id'").tuple().reduce().stop().build()
const PAY2 = Buffer.concat([Buffer.from([0x80, 0x02]), PAY0])
const raw = (s: string, ...more: Buffer[]) => Buffer.concat([Buffer.from(s, 'latin1'), ...more])
const SYSTEM = (at: number, where = '') => `error:unsafe-serialization: ${where}Loading this pickle runs code: GLOBAL at byte ${at} imports os.system, which is dangerous (os: runs shell commands and touches files).`
const torchZip = (pkl: Buffer, name = 'archive/data.pkl') => writeZip([{ name, data: pkl }, { name: 'archive/version', data: '3\n' }])
const tgz = (entries: { name: string; data: Buffer }[]) => gzipSync(makeTar(entries))

describe('text arguments CPython reads past a NUL, and PUT/GET -0 (the sniffer reads them as the scan does)', () => {
  it.each([
    ['model.bin', raw('I1\x00zz\n0', PAY0), 7],
    ['model.bin', raw('L7\x00\n0', PAY0), 5],
    ['model.bin', raw('F1.5\x00\n0', PAY0), 7],
    ['model.bin', raw('Np-0\n0', PAY0), 6],
    ['model.bin', raw('Np0\n0g0\x00x\n0', PAY0), 11],
    ['model.bin', raw('\x80\x02I1\x00\n0', PAY0), 7]
  ])('%s %j is a pickle whose os.system call is an error', async (name, bytes, at) => {
    expect(await run(name, bytes)).toEqual({ format: 'pickle', findings: [SYSTEM(at)] })
  })

  it('as members: a legacy torch tar `storages`, a tar.gz and a zip member model.bin', async () => {
    const nul = raw('I1\x00\n0', PAY0)
    expect(await run('checkpoint.pth.tar', makeTar([{ name: 'storages', data: nul }, { name: 'tensors', data: raw('K\x00.') }, { name: 'pickle', data: raw('N.') }]))).toEqual({
      format: 'tar',
      findings: [SYSTEM(5, 'tar archive member "storages": ')]
    })
    expect(await run('bundle.tar.gz', tgz([{ name: 'model.bin', data: nul }]))).toEqual({ format: 'tar', findings: [SYSTEM(5, 'gzip-compressed tar archive member "model.bin": ')] })
    expect(await run('assets.zip', writeZip([{ name: 'model.bin', data: nul, deflate: true }]))).toEqual({ format: 'zip', findings: [SYSTEM(5, 'member "model.bin": ')] })
  })
})

describe('a trial parse that runs out of budget fails closed', () => {
  const longLine = (n: number) => raw(`S'${'A'.repeat(n)}'\n0`, PAY0)
  const skips = Buffer.concat([...Array.from({ length: 17 }, () => pb().bytes(Buffer.alloc(70_000), 'bin').pop().build()), PAY0])

  it('a first line over 64 KB, and 17 skipped 70 KB arguments, in an opaque-named file', async () => {
    expect(await run('model.bin', longLine(70_000))).toEqual({ format: 'pickle', findings: [SYSTEM(70_005)] })
    expect(await run('weights', skips)).toEqual({ format: 'pickle', findings: [SYSTEM(17 * 70_006)] })
    expect(await run('last.ckpt', raw('\x880', longLine(70_000)))).toEqual({ format: 'pickle', findings: [SYSTEM(70_007)] })
  })

  it('members are read past their 4 KB head: a 5,000-byte first line in a torch tar, a zip, a torch zip', async () => {
    const tar = makeTar([{ name: 'storages', data: longLine(5000) }, { name: 'tensors', data: raw('K\x00.') }, { name: 'pickle', data: raw('N.') }])
    expect(await run('checkpoint.pth.tar', tar)).toEqual({ format: 'tar', findings: [SYSTEM(5005, 'tar archive member "storages": ')] })
    expect(await run('assets.zip', writeZip([{ name: 'model.bin', data: longLine(5000) }]))).toEqual({ format: 'zip', findings: [SYSTEM(5005, 'member "model.bin": ')] })
    expect(await run('model.pt', torchZip(longLine(5000), 'archive/data.PKL'))).toEqual({ format: 'pytorch-zip', findings: [SYSTEM(5005, 'member "archive/data.PKL": ')] })
  })

  it('an undecided member beyond the member budget with a loadable name is scanned; a text-named one is not an artifact', async () => {
    expect(await run('assets.zip', writeZip([{ name: 'model.bin', data: longLine(70_000), deflate: true }]))).toEqual({ format: 'zip', findings: [SYSTEM(70_005, 'member "model.bin": ')] })
    expect(await run('assets.zip', writeZip([{ name: 'notes.txt', data: longLine(70_000), deflate: true }]))).toEqual({ format: null, findings: [] })
  })
})

describe('.ckpt: any opcode CPython takes first', () => {
  it('NEWTRUE first, then an INT with a NUL', async () => {
    expect(await run('last.ckpt', raw('\x880I1\x00\n0', PAY0))).toEqual({ format: 'pickle', findings: [SYSTEM(7)] })
  })
})

describe('PyTorch finds data.pkl case-insensitively', () => {
  it('archive/Data.Pkl and data.PKL are its data pickle', async () => {
    expect(await run('model.pt', torchZip(raw('I1\x00\n0', PAY0), 'archive/Data.Pkl'))).toEqual({ format: 'pytorch-zip', findings: [SYSTEM(5, 'member "archive/Data.Pkl": ')] })
    expect(await run('model.pt', torchZip(PAY2, 'data.PKL'))).toEqual({ format: 'pytorch-zip', findings: [SYSTEM(2, 'member "data.PKL": ')] })
  })
})

describe('archives inside archives are opened, and too deep fails closed', () => {
  const tz = torchZip(PAY2)

  it('a bundle.zip holding a malicious torch zip, stored and deflated', async () => {
    const where = 'zip archive member "model.pt" (zip): member "archive/data.pkl": '
    expect(await run('bundle.zip', writeZip([{ name: 'model.pt', data: tz }]))).toEqual({ format: 'zip', findings: [SYSTEM(2, where)] })
    expect(await run('bundle.zip', writeZip([{ name: 'model.pt', data: tz, deflate: true }]))).toEqual({ format: 'zip', findings: [SYSTEM(2, where)] })
  })

  it('zip in zip in zip, and a zlib joblib or a gzipped pickle in a zip', async () => {
    expect(await run('outer.zip', writeZip([{ name: 'inner.zip', data: writeZip([{ name: 'model.pt', data: tz }]) }]))).toEqual({
      format: 'zip',
      findings: [SYSTEM(2, 'zip archive member "inner.zip" (zip) member "model.pt" (zip): member "archive/data.pkl": ')]
    })
    expect(await run('bundle.zip', writeZip([{ name: 'model.joblib', data: deflateSync(PAY2) }]))).toEqual({ format: 'zip', findings: [SYSTEM(2, 'zip archive member "model.joblib" (zlib) decompressed content: ')] })
    expect(await run('bundle.zip', writeZip([{ name: 'model.pkl.gz', data: gzipSync(PAY2) }]))).toEqual({ format: 'zip', findings: [SYSTEM(2, 'zip archive member "model.pkl.gz" (gzip) decompressed content: ')] })
  })

  it('tar → tar.gz → pickle, tgz → tgz → torch zip, tar → tgz → tgz → pickle, tgz → zlib joblib', async () => {
    expect(await run('bundle.tar', makeTar([{ name: 'inner.tar.gz', data: tgz([{ name: 'model.pkl', data: PAY2 }]) }]))).toEqual({
      format: 'tar',
      findings: [SYSTEM(2, 'tar archive member "inner.tar.gz" (gzip) member "model.pkl": ')]
    })
    expect(await run('bundle.tar.gz', tgz([{ name: 'inner.tgz', data: tgz([{ name: 'model.pt', data: tz }]) }]))).toEqual({
      format: 'tar',
      findings: [SYSTEM(2, 'gzip-compressed tar archive member "inner.tgz" (gzip) member "model.pt" (zip): member "archive/data.pkl": ')]
    })
    expect(await run('model.pth.tar', makeTar([{ name: 'inner.tar.gz', data: tgz([{ name: 'x.gz', data: tgz([{ name: 'm.pkl', data: PAY2 }]) }]) }]))).toEqual({
      format: 'tar',
      findings: [SYSTEM(2, 'tar archive member "inner.tar.gz" (gzip) member "x.gz" (gzip) member "m.pkl": ')]
    })
    expect(await run('model.pkl.tar.gz', tgz([{ name: 'model.joblib', data: deflateSync(PAY2) }]))).toEqual({
      format: 'tar',
      findings: [SYSTEM(2, 'gzip-compressed tar archive member "model.joblib" (zlib) decompressed content: ')]
    })
  })

  it('three archives inside the file are opened; a fourth is scan-incomplete', async () => {
    let inner = writeZip([{ name: 'model.pkl', data: PAY2 }])
    for (let i = 0; i < 3; i++) inner = writeZip([{ name: `l${i}.zip`, data: inner }])
    expect((await run('deep.zip', inner)).findings).toEqual([SYSTEM(2, 'zip archive member "l2.zip" (zip) member "l1.zip" (zip) member "l0.zip" (zip): member "model.pkl": ')])
    inner = writeZip([{ name: 'l3.zip', data: inner }])
    expect(await run('deep.zip', inner)).toEqual({
      format: 'zip',
      findings: [
        'error:scan-incomplete: zip archive member "l3.zip" (zip) member "l2.zip" (zip) member "l1.zip" (zip) member "l0.zip" is a zip archive nested more than 3 archives deep; ModelGate does not open archives that deep, so what it holds was not scanned.'
      ]
    })
  })

  it('an archive of harmless nested archives stays clean, and one of text only is no artifact', async () => {
    expect(await run('bundle.zip', writeZip([{ name: 'inner.tar.gz', data: tgz([{ name: 'model.onnx', data: Buffer.from([8, 7]) }]) }]))).toEqual({ format: 'zip', findings: [] })
    expect(await run('docs.zip', writeZip([{ name: 'a.txt', data: 'hello' }]))).toEqual({ format: null, findings: [] })
  })
})
