import type { RuleId, Severity } from '../types.js'

export interface RuleDoc {
  title: string
  /** Default severity before config overrides. */
  severity: Severity
  why: string
  fix: string
}

/** One entry per stable rule id; docs/rules.md explains each at length (a test keeps the two in step). */
export const RULES: Record<RuleId, RuleDoc> = {
  'unsafe-serialization': {
    title: 'Loading this artifact would run code',
    severity: 'error',
    why: 'Pickle-based and some other formats execute imports and calls while loading; a model that imports os, subprocess or similar runs them on every machine that loads it.',
    fix: 'Convert the model to a format that stores only data (safetensors, ONNX, GGUF) or remove the offending object.'
  },
  'unknown-global': {
    title: 'Pickle imports something outside the vetted allowlist',
    severity: 'warning',
    why: 'Loading the pickle imports a module ModelGate does not know to be safe.',
    fix: 'Prefer safetensors; if you have reviewed the import and trust it, lower the rule in .modelgate.yml (severity: {unknown-global: note}).'
  },
  'unparseable-artifact': {
    title: 'Artifact content contradicts its format',
    severity: 'error',
    why: 'A file that cannot be parsed cannot be checked, and a disguised or truncated model is a common way to slip content past review.',
    fix: 'Replace the file with a valid one of its format, or rename it to what it really is.'
  },
  'scan-incomplete': {
    title: 'The scan could not finish this file',
    severity: 'error',
    why: 'A file the scanner could not finish (I/O error, time or size limit) is never reported as safe.',
    fix: 'Re-run the scan; if it fails again, check the file and report the message.'
  },
  'symlink-outside-tree': {
    title: 'Symbolic link leads out of the repository',
    severity: 'warning',
    why: 'ModelGate never follows links out of the tree, so whatever the link points to is not scanned.',
    fix: 'Commit the file itself (or a Git LFS pointer) instead of a link.'
  },
  'unsigned-model': {
    title: 'Model has no signature',
    severity: 'error',
    why: 'Policy requires models matching signatures.required-for to be signed so their origin can be verified.',
    fix: 'Sign the model with OpenSSF Model Signing (model_signing sign) and commit the signature next to it.'
  },
  'signature-invalid': {
    title: 'Signature does not verify',
    severity: 'error',
    why: 'The signature file is malformed, is not a model signature, or its cryptographic signature does not verify, so it proves nothing about the model.',
    fix: 'Re-sign the model (model_signing sign ...) and commit the new signature.'
  },
  'signature-digest-mismatch': {
    title: 'Signed files differ from the files in the repository',
    severity: 'error',
    why: 'The signature is genuine but covers other bytes: a file was changed, added or removed after signing.',
    fix: 'Re-sign the model after the last change to its files, or restore the signed files.'
  },
  'signature-untrusted-identity': {
    title: 'Signature made by an identity the policy does not trust',
    severity: 'error',
    why: 'A valid signature from an unknown key, certificate authority or OIDC identity says nothing about who produced the model.',
    fix: 'Sign with a key, certificate or identity listed in signatures.trusted-keys / trusted-certificates / trusted-identities, or add the signer there.'
  },
  'signature-unverifiable': {
    title: 'Signature cannot be verified here',
    severity: 'warning',
    why: 'ModelGate lacks what verification needs (trust material, LFS content for non-SHA-256 digests, a supported algorithm), so the model is not counted as signed.',
    fix: 'Configure the matching trust material in .modelgate.yml, or re-sign with SHA-256 file digests (model_signing sign ... defaults).'
  },
  'license-denied': {
    title: 'License is denied by policy',
    severity: 'error',
    why: 'The artifact is under a license the repository policy denies.',
    fix: 'Use an artifact under an allowed license, or record an exception with a reason in .modelgate.yml.'
  },
  'license-not-allowed': {
    title: 'License is not on the allow list',
    severity: 'error',
    why: 'The policy lists the licenses it accepts (licenses.allow); anything else needs a decision before it ships.',
    fix: 'Use an artifact or package under an allowed license, add the license to licenses.allow, or record a licenses.exceptions entry with a reason.'
  },
  'license-unknown': {
    title: 'License cannot be read',
    severity: 'warning',
    why: 'A license is declared but cannot be read as one (a list, free text, a family id, broken card YAML, an unrecognised LICENSE text), so the policy cannot be applied.',
    fix: 'Write one SPDX expression or Hugging Face id (license: apache-2.0), or license: other with license_name and license_link.'
  },
  'license-conflict': {
    title: 'Card and LICENSE file disagree',
    severity: 'warning',
    why: 'The card and the LICENSE file next to the artifact name licenses that cannot both hold.',
    fix: 'Correct the card or replace the LICENSE file.'
  },
  'license-use-restricted': {
    title: 'License restricts how the model may be used',
    severity: 'note',
    why: 'OpenRAIL, Llama, Gemma and research-only licenses come with use rules an SPDX allow list cannot capture.',
    fix: 'Read the license and its acceptable-use policy, confirm your use complies, and record the review as an exception.'
  },
  'license-exception-expired': {
    title: 'License exception has expired',
    severity: 'warning',
    why: 'The exception covered this artifact until its expiry date; the policy applies again.',
    fix: 'Renew it with a later expires after review, or remove it and fix the findings.'
  },
  'license-missing': {
    title: 'No license found',
    severity: 'warning',
    why: 'Without a license the terms of use of a model or dataset are unknown.',
    fix: 'Add the license to the model or dataset card front matter, or a LICENSE file next to the artifact.'
  },
  'unpinned-dependency': {
    title: 'ML dependency is not pinned',
    severity: 'warning',
    why: 'An unpinned ML library can change under you between builds.',
    fix: 'Pin an exact version (==) or use a lock file with hashes.'
  },
  'unpinned-hub-reference': {
    title: 'Hub model or dataset reference is not pinned to a revision',
    severity: 'warning',
    why: 'A hub reference without a commit revision loads whatever the owner pushes next.',
    fix: 'Pass revision="<commit sha>" when loading from the hub.'
  },
  'vulnerable-dependency': {
    title: 'Dependency version has a known vulnerability',
    severity: 'error',
    why: 'An exact version the change brings in is inside a published advisory\'s affected range; installing it installs the vulnerability. A version range is a note (unresolved): the installed version cannot be known.',
    fix: 'Upgrade to the first fixed version named in the finding, pin ranges or commit a lock file so the version can be checked, or add the advisory id to advisories.ignore with a reason and an expiry.'
  },
  'advisories-unavailable': {
    title: 'Known vulnerabilities could not be checked',
    severity: 'warning',
    why: 'The advisory source was unreachable, failed or answered incompletely, so the listed dependencies were not checked; that is not evidence they are safe.',
    fix: 'Re-run when the source is reachable, choose another with advisories.source / advisories.osv-url, or give local OSV records (advisories.path, --advisories); set advisories.required: true to make this an error.'
  },
  'lfs-pointer-missing': {
    title: '.gitattributes sends this file to Git LFS, but the file itself was committed',
    severity: 'warning',
    why: 'The blob went into plain Git (git-lfs was not installed or the rule came later): the repository grows by the whole file and clones fetch it every time.',
    fix: 'Run `git lfs install`, then `git rm --cached <path>` and `git add <path>` so it is committed as an LFS pointer.'
  },
  'lfs-untracked': {
    title: 'Large model committed to plain Git',
    severity: 'note',
    why: 'Weights in plain Git bloat every clone forever; Git LFS keeps only a pointer in history.',
    fix: 'Track the pattern with `git lfs track "*.<ext>"` and re-add the file.'
  },
  'trust-remote-code': {
    title: 'Code loads a hub model with trust_remote_code=True',
    severity: 'warning',
    why: 'trust_remote_code runs Python from the model repository at load time; whoever can push to that repository runs code in your process.',
    fix: 'Drop trust_remote_code, or pin revision= to a reviewed commit sha so the remote code cannot change under you.'
  },
  'hub-model-unsafe-format': {
    title: 'Hub model offers its weights only as pickles',
    severity: 'warning',
    why: 'With hub lookups on, the code loads weights that exist on the Hub only in pickle-based files (pytorch_model.bin, .pt, .pkl): loading them can run code, and a later push to the repository can swap them.',
    fix: 'Load a revision or a model that ships safetensors (or ask the owner to convert), and pin the commit you reviewed.'
  }
}
