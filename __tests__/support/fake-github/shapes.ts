/**
 * Response bodies shaped like api.github.com's (every required field of the documented schema,
 * URLs on the fake's own base so clients that follow them stay on loopback).
 */
import { countChanges } from './diff.js'
import type { CheckRunRecord, FakeState, IssueCommentRecord, PullFileSeed, PullSeed, ReviewCommentRecord, ReviewRecord, UserSeed } from './state.js'

export interface Urls {
  api: string
  html: string
}

type Obj = Record<string, unknown>

export const nodeId = (prefix: string, id: number | string): string => `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`

export function user(u: UserSeed, urls: Urls): Obj {
  const api = `${urls.api}/users/${encodeURIComponent(u.login)}`
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId('U', u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.html}/${u.type === 'Bot' ? 'apps/' + u.login.replace(/\[bot\]$/, '') : u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type ?? 'User',
    user_view_type: 'public',
    site_admin: false
  }
}

/** GET /user for a user token: the account with its private fields (GitHub's `private-user`). */
export function privateUser(u: UserSeed, urls: Urls): Obj {
  return {
    ...user(u, urls),
    user_view_type: 'private',
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 2,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2011-01-25T18:44:36Z',
    updated_at: '2024-05-01T12:00:00Z',
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: 'free', space: 976562499, private_repos: 10000, collaborators: 0 }
  }
}

export function repository(s: FakeState, urls: Urls, fullName = `${s.owner}/${s.repo}`): Obj {
  const [owner = s.owner, name = s.repo] = fullName.split('/')
  const api = `${urls.api}/repos/${owner}/${name}`
  const at = '2023-01-10T09:00:00Z'
  const tpl = (k: string, t = ''): string => `${api}/${k}${t}`
  return {
    id: fullName === `${s.owner}/${s.repo}` ? s.repoId : s.repoId + 1,
    node_id: nodeId('R', s.repoId),
    name,
    full_name: fullName,
    owner: user({ login: owner, id: 9919, type: 'Organization' }, urls),
    private: s.private,
    visibility: s.private ? 'private' : 'public',
    html_url: `${urls.html}/${fullName}`,
    description: 'Fixture repository for ModelGate tests',
    fork: fullName !== `${s.owner}/${s.repo}`,
    url: api,
    archive_url: tpl('{archive_format}{/ref}'),
    assignees_url: tpl('assignees', '{/user}'),
    blobs_url: tpl('git/blobs', '{/sha}'),
    branches_url: tpl('branches', '{/branch}'),
    collaborators_url: tpl('collaborators', '{/collaborator}'),
    comments_url: tpl('comments', '{/number}'),
    commits_url: tpl('commits', '{/sha}'),
    compare_url: tpl('compare/{base}...{head}'),
    contents_url: tpl('contents/{+path}'),
    contributors_url: tpl('contributors'),
    deployments_url: tpl('deployments'),
    downloads_url: tpl('downloads'),
    events_url: tpl('events'),
    forks_url: tpl('forks'),
    git_commits_url: tpl('git/commits', '{/sha}'),
    git_refs_url: tpl('git/refs', '{/sha}'),
    git_tags_url: tpl('git/tags', '{/sha}'),
    git_url: `git://github.com/${fullName}.git`,
    issue_comment_url: tpl('issues/comments', '{/number}'),
    issue_events_url: tpl('issues/events', '{/number}'),
    issues_url: tpl('issues', '{/number}'),
    keys_url: tpl('keys', '{/key_id}'),
    labels_url: tpl('labels', '{/name}'),
    languages_url: tpl('languages'),
    merges_url: tpl('merges'),
    milestones_url: tpl('milestones', '{/number}'),
    notifications_url: tpl('notifications{?since,all,participating}'),
    pulls_url: tpl('pulls', '{/number}'),
    releases_url: tpl('releases', '{/id}'),
    ssh_url: `git@github.com:${fullName}.git`,
    stargazers_url: tpl('stargazers'),
    statuses_url: tpl('statuses/{sha}'),
    subscribers_url: tpl('subscribers'),
    subscription_url: tpl('subscription'),
    tags_url: tpl('tags'),
    teams_url: tpl('teams'),
    trees_url: tpl('git/trees', '{/sha}'),
    clone_url: `${urls.html}/${fullName}.git`,
    mirror_url: null,
    hooks_url: tpl('hooks'),
    svn_url: `${urls.html}/${fullName}`,
    homepage: null,
    language: 'Python',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1024,
    default_branch: s.defaultBranch,
    open_issues_count: s.pulls.size,
    open_issues: s.pulls.size,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    pushed_at: at,
    created_at: at,
    updated_at: at,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    subscribers_count: 1,
    network_count: 0
  }
}

export function pullFile(s: FakeState, urls: Urls, p: PullSeed, f: PullFileSeed): Obj {
  const counted = countChanges(f.patch)
  const additions = f.additions ?? counted.additions
  const deletions = f.deletions ?? counted.deletions
  // removed files report the base blob, the rest the head blob (as GitHub does)
  const side = f.status === 'removed' ? p.base.sha : p.head.sha
  const sha = s.filesAt(side)?.get(f.filename)?.sha ?? pseudoSha(`${side}:${f.filename}`)
  const enc = f.filename.split('/').map(encodeURIComponent).join('/')
  return {
    sha,
    filename: f.filename,
    status: f.status,
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `${urls.html}/${s.owner}/${s.repo}/blob/${p.head.sha}/${enc}`,
    raw_url: `${urls.html}/${s.owner}/${s.repo}/raw/${p.head.sha}/${enc}`,
    contents_url: `${urls.api}/repos/${s.owner}/${s.repo}/contents/${enc}?ref=${p.head.sha}`,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
    ...(f.previous_filename !== undefined ? { previous_filename: f.previous_filename } : {})
  }
}

export function pseudoSha(seed: string): string {
  let h = BigInt(0xcbf29ce484222325n)
  for (const c of Buffer.from(seed)) h = ((h ^ BigInt(c)) * 0x100000001b3n) & 0xffffffffffffffffn
  return (h.toString(16).padStart(16, '0') + '0'.repeat(24)).slice(0, 40)
}

export function pull(s: FakeState, urls: Urls, p: PullSeed): Obj {
  const api = `${urls.api}/repos/${s.owner}/${s.repo}`
  const html = `${urls.html}/${s.owner}/${s.repo}/pull/${p.number}`
  const files = p.files ?? []
  const totals = files.map((f) => pullFile(s, urls, p, f))
  const sum = (k: string): number => totals.reduce((n, f) => n + (f[k] as number), 0)
  const author = user(p.user ?? { login: 'octocat', id: 583231 }, urls)
  const side = (ref: string, sha: string, fullName: string): Obj => ({
    label: `${fullName.split('/')[0]}:${ref}`,
    ref,
    sha,
    user: author,
    repo: repository(s, urls, fullName)
  })
  const link = (href: string): Obj => ({ href })
  return {
    url: `${api}/pulls/${p.number}`,
    id: 1_000_000 + p.number,
    node_id: nodeId('PR', p.number),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${p.head.sha}`,
    number: p.number,
    state: p.state ?? 'open',
    locked: false,
    title: p.title ?? `Pull request #${p.number}`,
    user: author,
    body: p.body ?? null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: '2024-05-01T10:00:00Z',
    updated_at: '2024-05-01T11:00:00Z',
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.head.ref ?? `feature-${p.number}`, p.head.sha, p.head.repoFullName ?? `${s.owner}/${s.repo}`),
    base: side(p.base.ref ?? s.defaultBranch, p.base.sha, `${s.owner}/${s.repo}`),
    _links: {
      self: link(`${api}/pulls/${p.number}`),
      html: link(html),
      issue: link(`${api}/issues/${p.number}`),
      comments: link(`${api}/issues/${p.number}/comments`),
      review_comments: link(`${api}/pulls/${p.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${p.number}/commits`),
      statuses: link(`${api}/statuses/${p.head.sha}`)
    },
    author_association: 'CONTRIBUTOR',
    auto_merge: null,
    draft: p.draft ?? false,
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: s.issueComments.filter((c) => c.issue === p.number).length,
    review_comments: s.reviewComments.filter((c) => c.pull === p.number).length,
    maintainer_can_modify: false,
    commits: 1 + (p.commits?.length ?? 0),
    additions: sum('additions'),
    deletions: sum('deletions'),
    changed_files: files.length
  }
}

const REACTIONS = (url: string): Obj => ({
  url: `${url}/reactions`,
  total_count: 0,
  '+1': 0,
  '-1': 0,
  laugh: 0,
  confused: 0,
  heart: 0,
  hooray: 0,
  eyes: 0,
  rocket: 0
})

export function issueComment(s: FakeState, urls: Urls, c: IssueCommentRecord): Obj {
  const api = `${urls.api}/repos/${s.owner}/${s.repo}`
  const isPull = s.pulls.has(c.issue)
  return {
    id: c.id,
    node_id: nodeId('IC', c.id),
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${urls.html}/${s.owner}/${s.repo}/${isPull ? 'pull' : 'issues'}/${c.issue}#issuecomment-${c.id}`,
    body: c.body,
    user: user(c.user, urls),
    created_at: c.created_at,
    updated_at: c.updated_at,
    issue_url: `${api}/issues/${c.issue}`,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    performed_via_github_app: null,
    reactions: REACTIONS(`${api}/issues/comments/${c.id}`)
  }
}

export function review(s: FakeState, urls: Urls, r: ReviewRecord): Obj {
  const html = `${urls.html}/${s.owner}/${s.repo}/pull/${r.pull}#pullrequestreview-${r.id}`
  const prUrl = `${urls.api}/repos/${s.owner}/${s.repo}/pulls/${r.pull}`
  const state = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED', PENDING: 'PENDING' }[r.event]
  return {
    id: r.id,
    node_id: nodeId('PRR', r.id),
    user: user(r.user, urls),
    body: r.body,
    state,
    html_url: html,
    pull_request_url: prUrl,
    _links: { html: { href: html }, pull_request: { href: prUrl } },
    ...(r.event === 'PENDING' ? {} : { submitted_at: r.submitted_at }),
    commit_id: r.commit_id,
    author_association: r.user.type === 'Bot' ? 'NONE' : 'MEMBER'
  }
}

export function reviewComment(s: FakeState, urls: Urls, c: ReviewCommentRecord): Obj {
  const api = `${urls.api}/repos/${s.owner}/${s.repo}`
  const html = `${urls.html}/${s.owner}/${s.repo}/pull/${c.pull}#discussion_r${c.id}`
  return {
    url: `${api}/pulls/comments/${c.id}`,
    pull_request_review_id: c.review_id,
    id: c.id,
    node_id: nodeId('PRRC', c.id),
    diff_hunk: c.diff_hunk,
    path: c.path,
    ...(c.position !== null ? { position: c.position, original_position: c.position } : {}),
    commit_id: c.commit_id,
    original_commit_id: c.commit_id,
    ...(c.in_reply_to_id !== undefined ? { in_reply_to_id: c.in_reply_to_id } : {}),
    user: user(c.user, urls),
    body: c.body,
    created_at: c.created_at,
    updated_at: c.updated_at,
    html_url: html,
    pull_request_url: `${api}/pulls/${c.pull}`,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    _links: { self: { href: `${api}/pulls/comments/${c.id}` }, html: { href: html }, pull_request: { href: `${api}/pulls/${c.pull}` } },
    start_line: c.start_line,
    original_start_line: c.start_line,
    start_side: c.start_side,
    ...(c.line !== null ? { line: c.line, original_line: c.line } : {}),
    ...(c.side !== null ? { side: c.side } : {}),
    subject_type: c.subject_type,
    reactions: REACTIONS(`${api}/pulls/comments/${c.id}`)
  }
}

export function checkRun(s: FakeState, urls: Urls, r: CheckRunRecord): Obj {
  const api = `${urls.api}/repos/${s.owner}/${s.repo}`
  const at = '2019-04-24T20:49:59Z'
  return {
    id: r.id,
    head_sha: r.head_sha,
    node_id: nodeId('CR', r.id),
    external_id: r.external_id,
    url: `${api}/check-runs/${r.id}`,
    html_url: `${urls.html}/${s.owner}/${s.repo}/runs/${r.id}`,
    details_url: r.details_url,
    status: r.status,
    conclusion: r.conclusion,
    started_at: r.started_at,
    completed_at: r.completed_at,
    output: { ...r.output, annotations_count: r.annotations.length, annotations_url: `${api}/check-runs/${r.id}/annotations` },
    name: r.name,
    check_suite: { id: 5_000_000 + r.id },
    app: {
      id: s.app?.id ?? 15368,
      slug: s.app?.slug ?? 'github-actions',
      client_id: 'Iv1.05c79e9ad1f6bdfa',
      node_id: 'MDM6QXBwMTUzNjg=',
      owner: user({ login: 'github', id: 9919, type: 'Organization' }, urls),
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${urls.html}/apps/github-actions`,
      created_at: at,
      updated_at: at,
      permissions: { checks: 'write', contents: 'write', issues: 'write', metadata: 'read', pull_requests: 'write' },
      events: []
    },
    pull_requests: [...s.pulls.values()]
      .filter((p) => p.head.sha === r.head_sha)
      .map((p) => ({
        id: 1_000_000 + p.number,
        number: p.number,
        url: `${api}/pulls/${p.number}`,
        head: { ref: p.head.ref ?? `feature-${p.number}`, sha: p.head.sha, repo: { id: s.repoId, url: api, name: s.repo } },
        base: { ref: p.base.ref ?? s.defaultBranch, sha: p.base.sha, repo: { id: s.repoId, url: api, name: s.repo } }
      }))
  }
}

/** A global advisory with every field GitHub documents; pass the few a test cares about. */
export function advisory(a: {
  ghsa_id: string
  summary?: string
  severity?: 'low' | 'medium' | 'high' | 'critical' | 'unknown'
  ecosystem?: string
  package?: string
  vulnerable_version_range?: string
  first_patched_version?: string | null
  cve_id?: string | null
  type?: 'reviewed' | 'unreviewed' | 'malware'
  published_at?: string
}): Record<string, unknown> {
  const at = a.published_at ?? '2024-03-01T00:00:00Z'
  return {
    ghsa_id: a.ghsa_id,
    cve_id: a.cve_id ?? null,
    url: `https://api.github.com/advisories/${a.ghsa_id}`,
    html_url: `https://github.com/advisories/${a.ghsa_id}`,
    repository_advisory_url: null,
    summary: a.summary ?? `Advisory ${a.ghsa_id}`,
    description: a.summary ?? null,
    type: a.type ?? 'reviewed',
    severity: a.severity ?? 'high',
    source_code_location: null,
    identifiers: [{ type: 'GHSA', value: a.ghsa_id }, ...(a.cve_id ? [{ type: 'CVE', value: a.cve_id }] : [])],
    references: [`https://github.com/advisories/${a.ghsa_id}`],
    published_at: at,
    updated_at: at,
    github_reviewed_at: at,
    nvd_published_at: null,
    withdrawn_at: null,
    vulnerabilities: [
      {
        package: { ecosystem: a.ecosystem ?? 'pip', name: a.package ?? 'torch' },
        vulnerable_version_range: a.vulnerable_version_range ?? '< 2.6.0',
        first_patched_version: a.first_patched_version === undefined ? '2.6.0' : a.first_patched_version,
        vulnerable_functions: []
      }
    ],
    cvss: { vector_string: null, score: null },
    cvss_severities: { cvss_v3: { vector_string: null, score: null }, cvss_v4: { vector_string: null, score: null } },
    epss: { percentage: 0.01, percentile: 0.5 },
    cwes: [],
    credits: []
  }
}
