/**
 * `text` cut to at most `max` characters, the last of them the ellipsis, so a
 * long value from a scanned file or a server cannot bloat a message or a fact.
 */
export function clip(text: string, max: number, ellipsis = '…'): string {
  return text.length > max ? `${text.slice(0, max - ellipsis.length)}${ellipsis}` : text
}

/** `clip` for a one-line message: control characters (a card or an HTTP header can hold any) would break the line. */
export function clipLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return clip(text.replace(/[\u0000-\u001f\u007f]+/g, ' '), max)
}
