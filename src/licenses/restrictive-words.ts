/**
 * Wording that narrows what a license allows: "non-commercial", "research use only",
 * "commercial use is prohibited", "for-profit companies need a paid license", in
 * English and in the languages model licenses are most often written in (German,
 * French, Italian, Spanish, Chinese). It is looked for where nothing should narrow
 * the terms: text added to a known license, a copyright line, a custom license's
 * name. A miss is still caught elsewhere (too many added words); a hit is never
 * taken as a reading of the terms, only as a reason not to accept a match.
 */
const RESTRICTIVE = new RegExp(
  [
    String.raw`\b(non ?commercial\w*|commercial\w*|comercial\w*|nicht ?kommerziell\w*|kommerziell\w*|gewerblich\w*)`,
    String.raw`\b(prohibit\w*|restrict\w*|forbid\w*|verboten|interdit\w*|vietat\w*|prohibid\w*)`,
    String.raw`\b(shall not|may not|must not|not permitted|not allowed|not for|only for|exclusively)\b`,
    String.raw`\b(research|academic|personal|evaluation|educational) (use|purposes?|only)\b`,
    String.raw`\b(use|purposes?) only\b`,
    String.raw`\b(for profit|paid licen[cs]e\w*|licen[cs]e fees?|royalt\w*)`,
    String.raw`\bforschung\w*|\brecherche\b|\bricerca\b|\binvestigaci\w*`,
    '非商业|非商用|商业|商用|研究目的|仅限|禁止'
  ].join('|'),
  'i'
)

/** The first restrictive wording in `text` (words separated by single spaces work best), or null. */
export function restrictiveWords(text: string): RegExpExecArray | null {
  return RESTRICTIVE.exec(text)
}
