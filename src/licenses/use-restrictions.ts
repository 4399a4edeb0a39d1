/**
 * Model licenses that grant use but attach an acceptable-use policy or use-based
 * restrictions (OpenRAIL, Llama, Gemma, ...). They are not in the SPDX list, so the
 * policy cannot see their terms; `license-use-restricted` puts a one-line summary in
 * front of the reviewer instead. The summaries are deliberately short and say
 * "summary": the license text is what binds.
 */

const RAIL =
  'Use-based restrictions: the model may not be used for the purposes the license lists (among them breaking the law, exploiting minors, disinformation and discrimination), and the same restrictions must be passed on to anyone who receives the model or a derivative.'
const LLAMA_COMMON =
  "Meta's Acceptable Use Policy applies; a product with more than 700 million monthly active users needs a separate license from Meta"

export interface UseRestrictedFamily {
  /** Hugging Face license id this family maps to (its SPDX LicenseRef comes from HF_LICENSES). */
  hf: string
  /** Recognises the family in a `license_name`, a `license_link` or the first lines of a LICENSE file. */
  pattern: RegExp
  summary: string
}

/** Most specific first: the first family whose pattern matches wins. */
export const USE_RESTRICTED: readonly UseRestrictedFamily[] = [
  { hf: 'creativeml-openrail-m', pattern: /creativeml[\s_-]*open[\s_-]*rail/i, summary: RAIL },
  { hf: 'bigcode-openrail-m', pattern: /bigcode[\s_-]*open[\s_-]*rail/i, summary: RAIL },
  { hf: 'bigscience-bloom-rail-1.0', pattern: /bigscience[\s_-]*(bloom[\s_-]*)?rail[\s_-]*(license[\s_-]*)?v?1\.0/i, summary: RAIL },
  { hf: 'bigscience-openrail-m', pattern: /bigscience[\s_-]*open[\s_-]*rail/i, summary: RAIL },
  { hf: 'openrail++', pattern: /open[\s_-]*rail[\s_-]*\+\+/i, summary: RAIL },
  { hf: 'openrail', pattern: /\bopen[\s_-]*rail\b|\bresponsible ai licen[cs]e\b/i, summary: RAIL },
  {
    hf: 'llama2',
    pattern: /\bllama[\s_-]*2\b/i,
    summary: `${LLAMA_COMMON}; the model and its outputs may not be used to improve other large language models.`
  },
  {
    hf: 'llama3.2',
    pattern: /\bllama[\s_-]*3\.2\b/i,
    summary: `${LLAMA_COMMON}; "Built with Llama" attribution is required; the rights to the multimodal models are not granted to individuals or companies based in the European Union.`
  },
  { hf: 'llama3.1', pattern: /\bllama[\s_-]*3\.1\b/i, summary: `${LLAMA_COMMON}; "Built with Llama" attribution is required and derived model names must begin with "Llama".` },
  { hf: 'llama3.3', pattern: /\bllama[\s_-]*3\.3\b/i, summary: `${LLAMA_COMMON}; "Built with Llama" attribution is required and derived model names must begin with "Llama".` },
  {
    hf: 'llama3',
    pattern: /\bllama[\s_-]*3\b(?!\.\d)/i,
    summary: `${LLAMA_COMMON}; "Built with Meta Llama 3" attribution is required; the model and its outputs may not be used to improve other large language models.`
  },
  {
    hf: 'gemma',
    pattern: /\bgemma\b/i,
    summary: "Google's Gemma Prohibited Use Policy applies, and its use restrictions must be passed on in the terms of any model or derivative you distribute."
  },
  { hf: 'deepfloyd-if-license', pattern: /\bdeepfloyd\b/i, summary: 'Research use only (no commercial use); use-based restrictions apply.' },
  { hf: 'apple-amlr', pattern: /apple[\s_-]*(machine[\s_-]*learning[\s_-]*research|amlr)/i, summary: 'Research use only: no commercial use and no use in products.' }
]

export function restrictedFamilyByHfId(hfId: string): UseRestrictedFamily | undefined {
  return USE_RESTRICTED.find((f) => f.hf === hfId)
}

export function restrictedFamilyByText(text: string): UseRestrictedFamily | undefined {
  return USE_RESTRICTED.find((f) => f.pattern.test(text))
}
