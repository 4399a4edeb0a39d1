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
    fix: 'Prefer safetensors; if you trust the import, allow it in .modelgate.yml.'
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
    why: 'The signature does not match the model bytes or was not made by a trusted identity.',
    fix: 'Re-sign the model with a trusted identity after the final change to its files.'
  },
  'license-denied': {
    title: 'License is denied by policy',
    severity: 'error',
    why: 'The artifact is under a license the repository policy denies.',
    fix: 'Use an artifact under an allowed license, or record an exception with a reason in .modelgate.yml.'
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
  'trust-remote-code': {
    title: 'Code loads a hub model with trust_remote_code=True',
    severity: 'warning',
    why: 'trust_remote_code runs Python from the model repository at load time; whoever can push to that repository runs code in your process.',
    fix: 'Drop trust_remote_code, or pin revision= to a reviewed commit sha so the remote code cannot change under you.'
  }
}
