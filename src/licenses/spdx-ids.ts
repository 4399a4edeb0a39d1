import spdxList from 'spdx-license-list'

/**
 * SPDX license ids (names and reference URLs from `spdx-license-list`), looked up
 * without regard to letter case: cards and package metadata write `mit`,
 * `Apache-2.0`, `APACHE-2.0` alike.
 */

/**
 * Deprecated ids and what they mean today (SPDX license list, "deprecated"
 * section: a bare GNU id means "only", `+` means "or later"). The other deprecated
 * ids (wxWindows, Nunit, ...) still parse and are kept as written.
 */
const GNU_DEPRECATED: Record<string, string> = {}
for (const base of ['GPL-1.0', 'GPL-2.0', 'GPL-3.0', 'LGPL-2.0', 'LGPL-2.1', 'LGPL-3.0', 'AGPL-1.0', 'AGPL-3.0', 'GFDL-1.1', 'GFDL-1.2', 'GFDL-1.3']) {
  GNU_DEPRECATED[base] = `${base}-only`
  GNU_DEPRECATED[`${base}+`] = `${base}-or-later`
}

/** Deprecated ids (spdx-license-ids@3.0.24 deprecated.json), plus the `+` forms spdx-license-list still carries. */
const DEPRECATED = new Set([
  ...Object.keys(GNU_DEPRECATED),
  ...['BSD-2-Clause-FreeBSD', 'BSD-2-Clause-NetBSD', 'GPL-2.0-with-GCC-exception', 'GPL-2.0-with-autoconf-exception', 'GPL-2.0-with-bison-exception'],
  ...['GPL-2.0-with-classpath-exception', 'GPL-2.0-with-font-exception', 'GPL-3.0-with-GCC-exception', 'GPL-3.0-with-autoconf-exception'],
  ...['Net-SNMP', 'Nunit', 'StandardML-NJ', 'bzip2-1.0.5', 'eCos-2.0', 'wxWindows']
])

export function isDeprecated(id: string): boolean {
  return DEPRECATED.has(id)
}

const BY_LOWER = new Map<string, string>()
for (const id of Object.keys(spdxList)) BY_LOWER.set(id.toLowerCase(), currentId(id))
for (const [old, now] of Object.entries(GNU_DEPRECATED)) BY_LOWER.set(old.toLowerCase(), now)

/** Every id of the SPDX license list (deprecated ones included). */
export function allSpdxIds(): string[] {
  return Object.keys(spdxList)
}

/** The current SPDX id for `text` in any letter case (deprecated GNU ids upgraded), else null. */
export function spdxIdOf(text: string): string | null {
  return BY_LOWER.get(text.toLowerCase()) ?? null
}

/** Current id for a deprecated GNU id, else the id unchanged. */
export function currentId(id: string): string {
  return Object.hasOwn(GNU_DEPRECATED, id) ? GNU_DEPRECATED[id]! : id
}

export function spdxInfo(id: string): { name: string; url: string } | null {
  const entry = Object.hasOwn(spdxList, id) ? (spdxList as Record<string, { name: string; url: string } | undefined>)[id] : undefined
  return entry ? { name: entry.name, url: entry.url } : null
}
