import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow'
import { scan } from '../../src/engine/scan.js'
import type { Artifact } from '../../src/types.js'
import { makeTree, writeTree } from '../support/tree.js'
import { gitIn } from '../support/git.js'
import * as f from '../support/formats.js'

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex')
const png = (name: string) => Buffer.concat([PNG_SIGNATURE, Buffer.from(name)])
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
/** The documented folder digest: SHA-256 over `sha256sum` lines of the member files, sorted by path inside the folder. */
const folderDigest = (files: Record<string, string>) =>
  sha(
    Object.keys(files)
      .sort()
      .map((p) => `${files[p]}  ${p}\n`)
      .join('')
  )
const images = (dir: string, names: string[]) => Object.fromEntries(names.map((n) => [`${dir}/${n}`, png(`${dir}/${n}`)]))
const numbered = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `${String(from + i).padStart(5, '0')}.png`)
const card = '---\nlicense: cc-by-4.0\n---\n# Reviews\n'
const bytesOf = (files: Record<string, Buffer>) => Object.values(files).reduce((n, b) => n + b.length, 0)
/** `os.system('id')`, protocol 2. */
const evilPickle = Buffer.from('\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.', 'latin1')

describe('dataset artifacts in a scanned tree', () => {
  test('a parquet file, an arrow stream, a csv and a folder of 500 tiny PNGs give exactly those datasets, with their facts', async () => {
    const parquet = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'id', data: new Int32Array([1, 2]), type: 'INT32' }, { name: 'text', data: ['a', 'b'], type: 'STRING' }] }))
    const arrow = Buffer.from(tableToIPC(new Table({ id: vectorFromArray([1, 2, 3], new Int32()), text: vectorFromArray(['a', 'b', 'c'], new Utf8()) }), 'stream'))
    const csv = 'file,label\n00000.png,cat\n00001.png,dog\n'
    const pngs = images('data/images', numbered(500))
    const root = await makeTree({ 'data/README.md': card, 'data/train.parquet': parquet, 'data/cache/train.arrow': arrow, 'data/labels.csv': csv, ...pngs })
    const { report } = await scan({ root, failOn: 'error' })
    const datasets = report.artifacts.filter((a) => a.kind === 'dataset')
    const pngBytes = bytesOf(pngs)
    const base = { change: 'unchanged', lfs: null, signature: null, license: 'CC-BY-4.0' }
    expect(datasets).toEqual([
      { ...base, path: 'data/cache/train.arrow', kind: 'dataset', format: 'arrow-stream', size: arrow.length, sha256: sha(arrow), facts: { columnCount: 2, columns: 'id:int32,text:string', recordBatches: 1, rows: 3 } },
      {
        ...base,
        path: 'data/images',
        kind: 'dataset',
        format: 'media-folder',
        size: pngBytes,
        sha256: folderDigest(Object.fromEntries(Object.entries(pngs).map(([p, b]) => [path.posix.basename(p), sha(b)]))),
        facts: { files: 500, totalBytes: pngBytes, extensions: 'png' }
      },
      { ...base, path: 'data/labels.csv', kind: 'dataset', format: 'csv', size: csv.length, sha256: sha(csv), facts: { delimiter: 'comma', columnCount: 2, columns: 'file,label', rows: 2 } },
      { ...base, path: 'data/train.parquet', kind: 'dataset', format: 'parquet', size: parquet.length, sha256: sha(parquet), facts: { rows: 2, rowGroups: 1, columnCount: 2, columns: 'id:INT32,text:STRING', createdBy: 'hyparquet', compression: 'SNAPPY' } }
    ])
    expect(report.artifacts.map((a) => a.path)).toEqual(['data/README.md', 'data/cache/train.arrow', 'data/images', 'data/labels.csv', 'data/train.parquet'])
    expect(report.findings).toEqual([])
  })

  test('which folders are datasets: data folders always; picture folders from 20 files; never documentation or fixtures', async () => {
    const speech = images('datasets/speech', ['a.wav', 'b.flac', 'c.WAV'])
    const cats = images('photos/cats', numbered(20))
    const splits = { ...images('train/dogs', ['x.jpg']), ...images('train/cats', ['y.jpeg']) }
    const root = await makeTree({ ...images('images', numbered(3)), ...cats, ...images('docs/images', numbered(30)), ...images('test/fixtures', numbered(30)), ...speech, ...splits })
    const { report } = await scan({ root, failOn: 'never' })
    expect(report.artifacts.map((a) => [a.path, a.format, a.facts])).toEqual([
      ['datasets/speech', 'media-folder', { files: 3, totalBytes: bytesOf(speech), extensions: 'flac,wav' }],
      ['photos', 'media-folder', { files: 20, totalBytes: bytesOf(cats), extensions: 'png' }],
      ['train', 'media-folder', { files: 2, totalBytes: bytesOf(splits), extensions: 'jpeg,jpg' }]
    ])
  })

  test('a pickle named .png in a data folder stays an artifact of its own (and is scanned); LFS pointers are folded by oid', async () => {
    const pointer = f.lfsPointer(Buffer.alloc(20 << 20, 3))
    const root = await makeTree({ 'data/README.md': card, ...images('data/images', numbered(2)), 'data/images/evil.png': evilPickle, 'data/images/big.png': pointer.text })
    const { report } = await scan({ root, failOn: 'error' })
    expect(report.artifacts.map((a) => [a.path, a.kind, a.format])).toEqual([
      ['data/README.md', 'dataset-card', 'huggingface-dataset-card'],
      ['data/images', 'dataset', 'media-folder'],
      ['data/images/evil.png', 'dataset', 'pickle']
    ])
    const folder = report.artifacts[1]!
    expect(folder.facts).toEqual({ files: 3, totalBytes: (20 << 20) + 2 * 8 + 2 * 'data/images/00000.png'.length, extensions: 'png', lfsPointers: 1 })
    expect(folder.sha256).toBe(folderDigest({ '00000.png': sha(png('data/images/00000.png')), '00001.png': sha(png('data/images/00001.png')), 'big.png': pointer.oid }))
    // Findings are the pickle's; the 20 MB folder is no file, so no "commit this file to LFS" advice about it.
    expect(report.findings.some((x) => x.path === 'data/images/evil.png' && x.rule === 'unsafe-serialization')).toBe(true)
    expect(report.findings.filter((x) => x.path !== 'data/images/evil.png')).toEqual([])
  })
})

describe('dataset folders in change mode', () => {
  let root: string
  const removed = images('data/eval', numbered(2))
  beforeAll(async () => {
    root = await makeTree({ 'data/README.md': card, ...images('data/train', numbered(10)), ...removed, ...images('photos', numbered(19)), 'data/keep.csv': 'a\n1\n' })
    gitIn(root, 'init', '-q')
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'base')
    gitIn(root, 'checkout', '-qb', 'pr')
  })

  test('a PR that adds 3 images to an existing folder shows that folder as modified, with the 3 files', async () => {
    const added = images('data/train', numbered(3, 10))
    await writeTree(root, added)
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'three more')
    const { report } = await scan({ root, base: 'main', failOn: 'error' })
    const bytes = bytesOf(added)
    expect(report.artifacts).toEqual<Artifact[]>([
      {
        path: 'data/train',
        kind: 'dataset',
        format: 'media-folder',
        change: 'modified',
        size: bytes,
        sha256: folderDigest(Object.fromEntries(Object.entries(added).map(([p, b]) => [path.posix.basename(p), sha(b)]))),
        lfs: null,
        signature: null,
        license: 'CC-BY-4.0',
        facts: { files: 3, totalBytes: bytes, extensions: 'png', filesAdded: 3, filesModified: 0, filesRenamed: 0, filesRemoved: 0 }
      }
    ])
    expect(report.findings).toEqual([])
    gitIn(root, 'reset', '-q', '--hard', 'main')
  })

  test('a new folder is added, an emptied one removed, an edited one modified; a picture folder counts its files at head', async () => {
    const added = images('data/val', ['a.png', 'b.png'])
    await writeTree(root, { ...added, 'photos/00019.png': png('photos/00019.png'), 'data/train/00000.png': png('changed') })
    await rm(path.join(root, 'data/eval'), { recursive: true })
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'folders')
    const { report } = await scan({ root, base: 'main', failOn: 'error' })
    expect(report.artifacts.map((a) => [a.path, a.change, a.facts])).toEqual([
      ['data/eval', 'removed', { files: 2, totalBytes: bytesOf(removed), extensions: 'png', filesAdded: 0, filesModified: 0, filesRenamed: 0, filesRemoved: 2 }],
      ['data/train', 'modified', { files: 1, totalBytes: 8 + 'changed'.length, extensions: 'png', filesAdded: 0, filesModified: 1, filesRenamed: 0, filesRemoved: 0 }],
      ['data/val', 'added', { files: 2, totalBytes: bytesOf(added), extensions: 'png', filesAdded: 2, filesModified: 0, filesRenamed: 0, filesRemoved: 0 }],
      ['photos', 'modified', { files: 1, totalBytes: 8 + 'photos/00019.png'.length, extensions: 'png', filesAdded: 1, filesModified: 0, filesRenamed: 0, filesRemoved: 0 }]
    ])
    gitIn(root, 'reset', '-q', '--hard', 'main')
  })
})
