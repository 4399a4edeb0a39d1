/**
 * The data model shared by every pipeline stage. Types are shaped so that wrong
 * states cannot be written down: a finding always names its file, rule, severity
 * and a fix; an artifact's digest is either computed or taken from an LFS pointer.
 */

export type Severity = 'error' | 'warning' | 'note'

/** Stable rule ids; documented one section each in docs/rules.md. */
export const RULE_IDS = [
  'unsafe-serialization',
  'unknown-global',
  'unparseable-artifact',
  'scan-incomplete',
  'symlink-outside-tree',
  'unsigned-model',
  'signature-invalid',
  'signature-digest-mismatch',
  'signature-untrusted-identity',
  'signature-unverifiable',
  'license-denied',
  'license-missing',
  'license-not-allowed',
  'license-unknown',
  'license-conflict',
  'license-use-restricted',
  'license-exception-expired',
  'unpinned-dependency',
  'unpinned-hub-reference',
  'trust-remote-code',
  'lfs-pointer-missing',
  'lfs-untracked',
  'vulnerable-dependency',
  'advisories-unavailable',
  'hub-model-unsafe-format'
] as const
export type RuleId = (typeof RULE_IDS)[number]

export interface Finding {
  rule: RuleId
  severity: Severity
  /** Repo-relative path with `/` separators. */
  path: string
  /** 1-based line for text files, null when the finding is about the whole file. */
  line: number | null
  /** What is wrong, in one or two sentences. */
  message: string
  /** How to fix it. */
  fix: string
}

export type ArtifactKind =
  | 'model'
  | 'dataset'
  | 'dependency-manifest'
  | 'model-card'
  | 'dataset-card'
  | 'signature'
  /** Files that steer how a model loads and runs: HF config.json, tokenizer configs, chat templates. */
  | 'model-config'

export type ChangeType = 'added' | 'modified' | 'removed' | 'renamed' | 'unchanged'

export interface LfsPointer {
  oid: string
  size: number
}

/** What a Hugging Face model or dataset card's metadata says, for the BOM and license checks. */
export interface CardData {
  /** `license` as written (for `other`: `license_name` when given). */
  license: string | null
  licenseLink: string | null
  baseModels: string[]
  datasets: string[]
  pipelineTag: string | null
  libraryName: string | null
  languages: string[]
  tags: string[]
  /** `model-index[0].name`. */
  modelName: string | null
  /** From `model-index`: every metric as text, with the task and dataset it was measured on. */
  metrics: { type: string; value: string; name: string | null; task: string | null; dataset: string | null }[]
  /** Dataset cards. */
  prettyName: string | null
  taskCategories: string[]
  sizeCategories: string[]
  sourceDatasets: string[]
  /** Which documented card fields are present, for the completeness score. */
  fieldsPresent: string[]
  /** Card fields checked for completeness; `fieldsPresent.length / fieldsExpected.length` is the score. */
  fieldsExpected: string[]
}

export interface Artifact {
  path: string
  kind: ArtifactKind
  /** Format decided from content (e.g. `pytorch-zip`, `safetensors`, `gguf`). */
  format: string
  change: ChangeType
  /** For renames: the path on the base side. */
  oldPath?: string
  /** Size of the artifact's content in bytes (for an LFS pointer, the size it points to). */
  size: number
  /** SHA-256 of the content, hex (for an LFS pointer, its oid; for a removed file, its last content). */
  sha256: string
  lfs: LfsPointer | null
  /** What signature verification found for this artifact (null before verification runs). */
  signature: SignatureStatus | null
  license: string | null
  /** Format facts from inspection, for the BOM (later issues add more). */
  facts: Record<string, string | number | boolean>
  /** Model and dataset cards: their parsed metadata. */
  card?: CardData
  /** Change mode, modified or renamed models and datasets: the base side, to show a replaced model. */
  previous?: { sha256: string; size: number }
  /** Pipeline files (`dvc.yaml`): the stages, for the BOM's `formulation`. */
  stages?: PipelineStage[]
}

/** One pipeline stage: its command and the repo-relative paths it reads and writes (`wdir` already applied). */
export interface PipelineStage {
  name: string
  cmd: string | null
  deps: string[]
  outs: string[]
}

/** How a signature binds its signer: Sigstore keyless (Fulcio + Rekor), a public key, an X.509 chain, or a bare checksum list. */
export type SignatureMethod = 'sigstore' | 'public-key' | 'certificate' | 'checksum'

/** `oms`: OpenSSF Model Signing bundle; `sigstore-bundle`: a bundle over one file; `detached`: `.sig` + key/cert; `checksum-manifest`: SHA256SUMS. */
export type SignatureFormat = 'oms' | 'sigstore-bundle' | 'detached' | 'checksum-manifest'

/** Facts about the signature that covers an artifact, for the report, the PR comment and the BOM. */
export interface SignatureFacts {
  /** The signature file (repo-relative) the verdict comes from. */
  signatureFile: string
  format: SignatureFormat
  /** Null when the file is too broken to tell. */
  method: SignatureMethod | null
  /** Keyless: certificate identity (SAN); certificate: leaf subject; key: the trusted key (config entry) that verified. */
  signer: string | null
  /** Keyless: OIDC issuer; certificate: the trust anchor's subject. */
  issuer: string | null
  /** Public key: `publicKey.hint` or the SHA-256 of the key's PEM, hex. */
  keyHint: string | null
  /** Rekor log index of the bundle's transparency log entry (decimal string, int64). */
  rekorLogIndex: string | null
  /** OMS: the statement subject's SHA-256 root digest over all resource digests, hex. */
  rootDigest: string | null
}

/** Each failed state maps to one rule: invalid → signature-invalid, digest-mismatch → signature-digest-mismatch, and so on. */
export type SignatureFailure = 'invalid' | 'digest-mismatch' | 'untrusted-identity' | 'unverifiable'

export type SignatureStatus =
  | ({ state: 'verified'; method: SignatureMethod } & SignatureFacts)
  | ({ state: SignatureFailure; /** One sentence: why. */ reason: string } & SignatureFacts)
  /** No signature covers the artifact; `required` when it matches `signatures.required-for`. */
  | { state: 'unsigned'; required: boolean }

export type DependencyChange = 'added' | 'removed' | 'changed' | 'unchanged'

/** What a Hugging Face Hub repository holds: its pages and API routes differ by kind. */
export type HubKind = 'model' | 'dataset' | 'space'

export interface Dependency {
  /** Manifest or source file the dependency was declared in. */
  path: string
  line: number | null
  /** `huggingface` (and other hubs) for models and datasets pulled by code at run time. */
  ecosystem: 'pypi' | 'npm' | 'conda' | 'huggingface' | 'torch-hub' | 'github'
  name: string
  /** The version specifier as written (for hub references, the revision), or null when none. */
  specifier: string | null
  /** Exact version when pinned with `==`/exact semver (for hub references, a commit sha), else null. */
  version: string | null
  pinned: boolean
  ml: boolean
  purl: string
  /** Hub references: what is pulled (`model`, `dataset`, `space`). */
  hubKind?: HubKind
  /** Change mode: against the same manifest on the base side. */
  change?: DependencyChange
  /** Change mode, `changed`: the specifier on the base side. */
  previousSpecifier?: string | null
  /** Where in the manifest it is declared when not the main list: `dev`, `optional:gpu`, `build`, `peer`, `pip` (conda), ... */
  group?: string
  /**
   * Declared in a file the manifest includes (`-r base.txt`): where it is written.
   * `path` and `line` then point at the include, so findings land in the file under review.
   */
  declaredIn?: { path: string; line: number | null }
  /**
   * Hub references: the call that pulls it (last callee name: `from_pretrained`, `hf_hub_download`,
   * `snapshot_download`, ...) and, for single-file downloads, the file named as a literal. Decides
   * which files hub lookups judge (src/hub/load-plan.ts); absent, a model is judged as
   * `from_pretrained` would load it.
   */
  loader?: { call: string; file: string | null }
  /** Hub references with `hub.lookups`: what the Hub resolved the reference to (src/hub/). */
  resolved?: HubResolution
  /** The package's license as resolved by the license check (package index metadata), SPDX where known. */
  license?: string
}

/** A hub reference as the Hub resolved it when scanned: the commit, its license and the files the call loads. */
export interface HubResolution {
  /** The commit the revision (or the default branch) pointed to, 40 hex. */
  commit: string
  /** `pkg:huggingface/{id}@{commit}`. */
  purl: string
  /** The card's `license` as the Hub reports it (`cardData.license`, else its `license:` tag), or null. */
  license: string | null
  /** `license_name` / `license_link` of a card whose license is `other`. */
  licenseName?: string
  licenseLink?: string
  gated: boolean
  /** Files the call loads, with the LFS SHA-256 and size the Hub lists (null for files kept in plain Git). */
  files: { path: string; sha256: string | null; size: number | null; format: string | null }[]
}

export type ScanMode = 'tree' | 'change'
export type Verdict = 'pass' | 'fail'
export type FailOn = 'error' | 'warning' | 'never'

export interface Report {
  schemaVersion: 1
  tool: { name: string; version: string }
  mode: ScanMode
  verdict: Verdict
  /** Refs compared in change mode. */
  base?: string
  head?: string
  artifacts: Artifact[]
  dependencies: Dependency[]
  findings: Finding[]
  /** Known vulnerabilities behind this report's `vulnerable-dependency` findings (affected versions only). */
  vulnerabilities?: Vulnerability[]
  /** `licenses.exceptions` entries in force, one row per artifact or dependency they cover (src/licenses/). */
  licenseExceptions?: LicenseExceptionRow[]
}

/** A license exception in force: what it covers, the license accepted, and why. */
export interface LicenseExceptionRow {
  /** The artifact path or dependency purl covered. */
  path: string
  /** Its resolved license (SPDX expression), null when unknown or missing. */
  license: string | null
  /** The `licenses.exceptions[].path` pattern that matched. */
  pattern: string
  reason: string
  /** `YYYY-MM-DD`, valid through that day (UTC); null for no expiry. */
  expires: string | null
}

/** One advisory affecting one pinned dependency: the row of the PR comment's vulnerability table. */
export interface Vulnerability {
  /** Where the vulnerable version is declared (the finding's file and line). */
  path: string
  line: number | null
  ecosystem: 'pypi' | 'npm'
  name: string
  version: string
  /** GHSA id when there is one, else the source's id (PYSEC, CVE, ...). */
  id: string
  aliases: string[]
  /** The advisory's severity (critical | high | moderate | low), null when it gives none. */
  level: string | null
  /** Affected versions as the advisory states them. */
  affected: string | null
  /** First fixed version, null when none is published. */
  fixed: string | null
  url: string | null
  severity: Severity
}
