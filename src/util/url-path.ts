/** A repository path (or Hub id) as URL path segments. */
export const urlPath = (p: string): string => p.split('/').map(encodeURIComponent).join('/')

/** `s` percent-decoded, or as written when its escapes are malformed (a URL from a scanned file). */
export function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
