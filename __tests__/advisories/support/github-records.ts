/** Real advisories as GitHub's REST API returns them (global-advisory schema; see ../fixtures/osv/README.md). */
import { advisory } from '../../support/fake-github/index.js'

/** GHSA-53q9-r3pm-6pq6 as GitHub's REST API returns it (global-advisory schema; see fixtures/osv/README.md). */
export function torchAdvisory(): Record<string, unknown> {
  return {
    ...advisory({
      ghsa_id: 'GHSA-53q9-r3pm-6pq6',
      cve_id: 'CVE-2025-32434',
      summary: 'PyTorch: `torch.load` with `weights_only=True` leads to remote code execution',
      severity: 'critical',
      ecosystem: 'pip',
      package: 'torch',
      vulnerable_version_range: '< 2.6.0',
      first_patched_version: '2.6.0',
      published_at: '2025-04-18T15:31:19Z'
    }),
    cvss_severities: { cvss_v3: { vector_string: null, score: null }, cvss_v4: { vector_string: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3 } },
    cwes: [{ cwe_id: 'CWE-502', name: 'Deserialization of Untrusted Data' }]
  }
}

export function transformersAdvisory(): Record<string, unknown> {
  return {
    ...advisory({
      ghsa_id: 'GHSA-qxrp-vhvm-j765',
      cve_id: 'CVE-2024-11392',
      summary: 'Deserialization of Untrusted Data in Hugging Face Transformers',
      severity: 'high',
      ecosystem: 'pip',
      package: 'transformers',
      vulnerable_version_range: '< 4.48.0',
      first_patched_version: '4.48.0',
      published_at: '2024-11-22T21:30:50Z'
    }),
    cvss_severities: { cvss_v3: { vector_string: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H', score: 7.5 }, cvss_v4: { vector_string: null, score: null } }
  }
}

export function semverAdvisory(): Record<string, unknown> {
  const base = advisory({ ghsa_id: 'GHSA-c2qf-rxjj-qqgw', cve_id: 'CVE-2022-25883', summary: 'semver vulnerable to Regular Expression Denial of Service', severity: 'medium', ecosystem: 'npm', package: 'semver', published_at: '2023-06-21T06:30:28Z' })
  const vuln = (range: string, fixed: string): Record<string, unknown> => ({ package: { ecosystem: 'npm', name: 'semver' }, vulnerable_version_range: range, first_patched_version: fixed, vulnerable_functions: [] })
  return { ...base, vulnerabilities: [vuln('>= 7.0.0, < 7.5.2', '7.5.2'), vuln('>= 6.0.0, < 6.3.1', '6.3.1'), vuln('< 5.7.2', '5.7.2')] }
}
