import { groupMediaFolders, mediaFolderOf, type ScannedFile } from '../../src/engine/media-folders.js'
import type { ChangeType } from '../../src/types.js'
import type { TreeReader } from '../../src/verify/tree-reader.js'

test.each([
  ['data/train/cats/1.jpg', { folder: 'data/train', needsCount: false }],
  ['datasets/coco/images/train2017/x.JPEG', { folder: 'datasets/coco/images', needsCount: false }],
  ['corpus/audio/clip.flac', { folder: 'corpus/audio', needsCount: false }],
  ['validation/0001.webp', { folder: 'validation', needsCount: false }],
  ['data/loose.png', { folder: 'data', needsCount: false }],
  ['images/diagram.png', { folder: 'images', needsCount: true }],
  ['project/test/frames/f1.png', { folder: 'project/test/frames', needsCount: true }],
  ['docs/images/logo.png', null],
  ['data/assets/logo.png', null],
  ['test/__snapshots__/button.png', null],
  ['src/logo.png', null],
  ['data/train/labels.txt', null],
  ['data/train/model.pkl', null]
])('%s → %j', (p, expected) => {
  expect(mediaFolderOf(p)).toEqual(expected)
})

const file = (path: string, change: ChangeType, sha: string, oldPath?: string): ScannedFile => ({
  candidate: { path, change, ...(oldPath ? { oldPath } : {}), open: () => Promise.reject(new Error('not opened')) },
  artifact: null,
  digest: { sha256: sha.repeat(64), size: 10, lfs: false }
})
const lister = (files: string[]): TreeReader => ({
  list: async (dir) => files.filter((f) => f.startsWith(`${dir}/`)),
  children: async () => [],
  open: () => Promise.reject(new Error('not opened'))
})

test('an image moved from one split to another leaves the first and joins the second', async () => {
  const { folders } = await groupMediaFolders([file('data/val/a.png', 'renamed', 'a', 'data/train/a.png')], {
    mode: 'change',
    tree: lister(['data/train/b.png', 'data/val/a.png']),
    baseTree: lister(['data/train/a.png', 'data/train/b.png'])
  })
  expect(folders.map((f) => [f.path, f.change, f.facts])).toEqual([
    ['data/val', 'added', { files: 1, totalBytes: 10, extensions: 'png', filesAdded: 0, filesModified: 0, filesRenamed: 1, filesRemoved: 0 }],
    ['data/train', 'modified', { files: 1, totalBytes: 10, extensions: 'png', filesAdded: 0, filesModified: 0, filesRenamed: 0, filesRemoved: 1 }]
  ])
})

test('without listings (a tree that cannot be read), the change comes from the files themselves', async () => {
  const broken: TreeReader = { list: () => Promise.reject(new Error('truncated tree')), children: async () => [], open: () => Promise.reject(new Error('x')) }
  const { folders } = await groupMediaFolders([file('data/train/a.png', 'added', 'a'), file('data/val/b.png', 'removed', 'b'), file('data/c.png', 'added', 'c'), file('data/d.png', 'removed', 'd')], { mode: 'change', tree: broken, baseTree: broken })
  expect(folders.map((f) => [f.path, f.change])).toEqual([
    ['data/train', 'added'],
    ['data/val', 'removed'],
    ['data', 'modified']
  ])
})
