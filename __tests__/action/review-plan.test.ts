import { planReview } from '../../src/action/review-plan.js'
import { commentableLines } from '../../src/github/patch-lines.js'
import { fingerprint, reviewCommentBody } from '../../src/report/review-comment.js'
import type { Finding } from '../../src/types.js'

const PATCH = ['@@ -1,3 +1,4 @@', ' numpy==1.26.4', '-torch==2.1.0', '+torch', '+safetensors', ' transformers==4.38.0', '@@ -10,2 +11,2 @@', ' a', '-b', '+c', '\\ No newline at end of file'].join('\n')
const HEAD = 'f'.repeat(40)
const f = (over: Partial<Finding>): Finding => ({ rule: 'unpinned-dependency', severity: 'warning', path: 'requirements.txt', line: null, message: 'm', fix: 'x', ...over })
const files = [
  { filename: 'requirements.txt', status: 'modified', sha: '1', patch: PATCH },
  { filename: 'models/a.safetensors', status: 'added', sha: '2' }
]

test('commentable lines: added and context lines of the head side, inside hunks only', () => {
  expect([...commentableLines(PATCH)]).toEqual([1, 2, 3, 4, 11, 12])
  expect(commentableLines(undefined).size).toBe(0)
})

test('a finding on a line inside the diff gets a line comment; outside it, or binary, a file comment', () => {
  const plan = planReview(
    [f({ line: 2, message: 'torch' }), f({ line: 7, message: 'far away' }), f({ rule: 'unsafe-serialization', severity: 'error', path: 'models/a.safetensors', message: 'bad' }), f({ path: 'not/in/pr.txt' }), f({ severity: 'note', line: 3 })],
    files,
    [],
    HEAD
  )
  expect(plan.create.map(({ body: _b, ...rest }) => rest)).toEqual([
    { path: 'requirements.txt', subjectType: 'line', line: 2 },
    { path: 'requirements.txt', subjectType: 'file' },
    { path: 'models/a.safetensors', subjectType: 'file' }
  ])
  expect(plan).toMatchObject({ resolve: [], remove: [], overCap: 0 })
})

test('at most 10 per run; existing fingerprints are not repeated; duplicates in one run collapse', () => {
  const many = Array.from({ length: 14 }, (_, i) => f({ message: `m${i}` }))
  const existing = [{ id: 1, body: reviewCommentBody(many[0]!), ours: true, inReplyTo: null }]
  const plan = planReview([...many, many[1]!], files, existing, HEAD)
  expect(plan.create).toHaveLength(10)
  expect(plan.create[0]?.body).toContain(`modelgate:finding:${fingerprint(many[1]!)}`)
  expect(plan.overCap).toBe(3)
})

test('stale comments: deleted without replies, resolved with replies; people and resolved ones are left alone', () => {
  const gone = f({ message: 'gone' })
  const discussed = f({ message: 'discussed' })
  const existing = [
    { id: 1, body: reviewCommentBody(gone), ours: true, inReplyTo: null },
    { id: 2, body: reviewCommentBody(discussed), ours: true, inReplyTo: null },
    { id: 3, body: 'on it', ours: false, inReplyTo: 2 },
    { id: 4, body: reviewCommentBody(gone), ours: false, inReplyTo: null },
    { id: 5, body: `<!-- modelgate:finding:${fingerprint(gone)} -->\n<!-- modelgate:resolved -->\nold`, ours: true, inReplyTo: null }
  ]
  const plan = planReview([], files, existing, HEAD)
  expect(plan.remove).toEqual([1])
  expect(plan.resolve).toEqual([
    {
      id: 2,
      body: [
        `<!-- modelgate:finding:${fingerprint(discussed)} -->`,
        '<!-- modelgate:resolved -->',
        '✅ **Resolved:** ModelGate no longer reports this at fffffff.',
        '',
        '<details><summary>Original finding</summary>',
        '',
        '⚠️ **warning** `unpinned-dependency`: m\n\n**Fix:** x'.replace(': m', ': discussed'),
        '',
        '</details>'
      ].join('\n')
    }
  ])
})
