/** A certificate in a pull request is hostile input: one whose extensions are malformed DER must not stop the scan. */
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { fulcioIdentity } from '../../src/verify/fulcio.js'
import { makeTree } from '../support/tree.js'

/** A self-signed certificate with a Fulcio issuer extension and a SAN extension whose content is not valid DER. */
async function badSanCertificate(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelgate-cert-'))
  await writeFile(
    path.join(dir, 'ext.cnf'),
    '[req]\ndistinguished_name = dn\nx509_extensions = v3\nprompt = no\n[dn]\nCN = x\n[v3]\n1.3.6.1.4.1.57264.1.1 = ASN1:UTF8String:https://accounts.example\n2.5.29.17 = DER:0000\n'
  )
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-config', path.join(dir, 'ext.cnf')], { stdio: 'ignore' })
  return readFile(path.join(dir, 'c.pem'), 'utf8')
}

test('a Fulcio-looking certificate with a malformed SAN: no identity, no throw; the scan judges its signature invalid', async () => {
  const pem = await badSanCertificate()
  expect(fulcioIdentity(new X509Certificate(pem))).toBeNull()
  const root = await makeTree({ 'models/model.bin': Buffer.from('weights'), 'models/model.bin.sig': Buffer.from('MEUCIQ==').toString('base64'), 'models/model.bin.pem': pem })
  const { report } = await scan({ root, failOn: 'error' })
  const signature = report.findings.filter((f) => f.rule.startsWith('signature-'))
  // not a keyless identity: judged as a plain certificate, which nothing in the policy trusts
  expect(signature).toEqual([
    {
      rule: 'signature-unverifiable',
      severity: 'warning',
      path: 'models/model.bin.sig',
      line: null,
      message: "'models/model.bin' is signed with a certificate, but signatures.trusted-certificates is empty.",
      fix: 'Add the root CA certificate (PEM) to signatures.trusted-certificates in .modelgate.yml.'
    }
  ])
  expect(report.artifacts.find((a) => a.path === 'models/model.bin')?.signature?.state).not.toBe('verified')
})

test('a signature file whose verification throws is invalid (fail closed), and the other signatures are still verified', async () => {
  const { verifySignatures } = await import('../../src/verify/index.js')
  const { fsTreeReader } = await import('../../src/verify/tree-reader.js')
  const { artifact } = await import('./helpers.js')
  const { config } = await import('../support/builders.js')
  const root = await makeTree({ 'a/model.bin': 'a', 'a/model.sig': '{}', 'b/model.bin': 'b' })
  const fs = fsTreeReader(root)
  // a reader that fails on one signature file the way a parser bug would
  const tree = { ...fs, list: fs.list.bind(fs), children: fs.children.bind(fs), open: async (p: string) => (p === 'a/model.sig' ? Promise.reject(new TypeError("Cannot read properties of undefined (reading 'subs')")) : fs.open(p)) }
  const result = await verifySignatures({ artifacts: [artifact('a/model.bin', Buffer.from('a')), artifact('b/model.bin', Buffer.from('b'))], tree, config: config('signatures:\n  required-for: ["**/*.bin"]\n') })
  expect(result.findings).toEqual([
    {
      rule: 'signature-invalid',
      severity: 'error',
      path: 'a/model.sig',
      line: null,
      message: "This signature could not be verified (Cannot read properties of undefined (reading 'subs')), and a signature that cannot be checked is not accepted.",
      fix: 'Re-sign the model and commit the new signature: model_signing sign sigstore a --signature a/model.sig'
    },
    expect.objectContaining({ rule: 'unsigned-model', path: 'b/model.bin' })
  ])
  expect(result.signatures.get('a/model.bin')?.state).toBe('invalid')
})

test('a non-ECDSA signature over a file larger than 256 MiB is unverifiable, not "does not verify"', async () => {
  const crypto = await import('node:crypto')
  const { truncate } = await import('node:fs/promises')
  const { verifySignatures } = await import('../../src/verify/index.js')
  const { fsTreeReader } = await import('../../src/verify/tree-reader.js')
  const { config } = await import('../support/builders.js')
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519')
  const root = await makeTree({ 'big.onnx': '', 'big.onnx.sig': crypto.sign(null, Buffer.from('x'), privateKey).toString('base64'), 'release.pub': publicKey.export({ type: 'spki', format: 'pem' }).toString() })
  await truncate(path.join(root, 'big.onnx'), (256 << 20) + 1) // sparse: nothing is written
  const big = { path: 'big.onnx', kind: 'model' as const, format: 'onnx', change: 'unchanged' as const, size: (256 << 20) + 1, sha256: '0'.repeat(64), lfs: null, signature: null, license: null, facts: {} }
  const result = await verifySignatures({ artifacts: [big], tree: fsTreeReader(root), config: config('signatures:\n  trusted-keys: [release.pub]\n') })
  expect(result.findings).toEqual([
    {
      rule: 'signature-unverifiable',
      severity: 'warning',
      path: 'big.onnx.sig',
      line: null,
      message: `'big.onnx' is ${(256 << 20) + 1} bytes; a signature with this kind of key (not ECDSA) is checked over the file's bytes, which ModelGate does up to 256 MiB, so it was not verified.`,
      fix: "Re-sign it with cosign's defaults (ECDSA, checked from the file's digest without holding the file): cosign sign-blob --bundle big.onnx.sigstore.json big.onnx"
    }
  ])
})
