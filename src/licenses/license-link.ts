import { spdxIdOf } from './spdx-ids.js'

/**
 * The SPDX license a card's `license_link` points at, when the link is to a page
 * that names exactly one license: Creative Commons (`/licenses/by-nc/4.0/…`,
 * `/publicdomain/zero/1.0/`), the OSI and SPDX license pages, choosealicense.com,
 * apache.org's `LICENSE-2.0`, gnu.org's GPL family. Anything else (a LICENSE file
 * in a repository, a vendor's terms page, a host not listed here) names nothing
 * ModelGate can read, and gives null: it is left as it is.
 */
export function linkedLicense(link: string): string | null {
  let url: URL
  try {
    url = new URL(link)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  const host = url.hostname.toLowerCase().replace(/^www\./, '')
  const parts = url.pathname
    .split('/')
    .filter(Boolean)
    .map((p) => safeDecode(p))
  if (parts.some((p) => p === null)) return null
  const seg = parts as string[]
  switch (host) {
    case 'creativecommons.org':
      return creativeCommons(seg)
    case 'opensource.org':
      return seg[0] === 'licenses' && seg[1] ? byId(seg[1].replace(/\.(php|html?)$/i, '').replace(/^mit-license$/i, 'MIT')) : null
    case 'spdx.org':
      return seg[0] === 'licenses' && seg[1] ? byId(seg[1].replace(/\.(html?|json|txt)$/i, '')) : null
    case 'choosealicense.com':
      return seg[0] === 'licenses' && seg[1] ? byId(seg[1]) : null
    case 'apache.org': {
      const m = seg[0] === 'licenses' ? /^LICENSE-(\d\.\d)(\.(txt|html?))?$/i.exec(seg[1] ?? '') : null
      return m ? byId(`Apache-${m[1]}`) : null
    }
    case 'gnu.org': {
      const rest = seg[0] === 'licenses' ? (seg[1] === 'old-licenses' ? seg[2] : seg[1]) : undefined
      const m = /^(a?gpl|lgpl|fdl)-(\d\.\d)(\.en)?(\.(html?|txt|md))?$/i.exec(rest ?? '')
      if (!m) return null
      const family = m[1]!.toLowerCase() === 'fdl' ? 'GFDL' : m[1]!.toUpperCase()
      return byId(`${family}-${m[2]}`)
    }
    default:
      return null
  }
}

/** `/licenses/by-nc-sa/4.0/legalcode` → CC-BY-NC-SA-4.0; `/licenses/by/3.0/de/` → CC-BY-3.0-DE; `/publicdomain/zero/1.0/` → CC0-1.0. */
function creativeCommons(seg: string[]): string | null {
  if (seg[0] === 'publicdomain' && seg[1] === 'zero' && seg[2] === '1.0') return 'CC0-1.0'
  if (seg[0] !== 'licenses' || !seg[1] || !seg[2] || !/^by(-(nc|nd|sa|nc-nd|nc-sa))?$/i.test(seg[1]) || !/^\d\.\d$/.test(seg[2])) return null
  const base = `CC-${seg[1].toUpperCase()}-${seg[2]}`
  // A jurisdiction port (`/by/3.0/de/`): its own SPDX id when it has one, else nothing is claimed.
  const port = seg[3] && /^[a-z]{2}$/i.test(seg[3]) ? seg[3].toUpperCase() : null
  return byId(port ? `${base}-${port}` : base)
}

function byId(id: string): string | null {
  return spdxIdOf(id)
}

function safeDecode(part: string): string | null {
  try {
    return decodeURIComponent(part)
  } catch {
    return null
  }
}
