/** Controls, bidi overrides and isolates, zero-width and other format characters: invisible or line-breaking in a report. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu

/**
 * A declaration as found, made safe to show: invisible characters written as
 * `\uXXXX` (a reader sees that they are there) and the result cut to `max`
 * characters, never inside a surrogate pair. For messages, the JSON report and
 * the BOM, where repository text is quoted.
 */
export function shown(text: string, max: number): string {
  const escaped = text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  if (escaped.length <= max) return escaped
  const cut = /[\uD800-\uDBFF]/.test(escaped[max - 2] ?? '') ? max - 2 : max - 1
  return `${escaped.slice(0, cut)}…`
}

/** Every character outside ASCII written as `\uXXXX`: a look-alike letter made visible. */
export function escapeNonAscii(text: string): string {
  return text.replace(/[^\p{ASCII}]/gu, (c) => c.split('').map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''))
}
