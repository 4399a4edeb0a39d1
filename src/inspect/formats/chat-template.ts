import { parse as parseYaml } from 'yaml'
import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult, Issue } from '../types.js'
import { guarded, issue, isRecord, newResult, truncate, type InspectContext } from './common.js'

/** Templates are small; anything bigger is scanned in its first MAX bytes only. */
export const MAX_TEMPLATE_CHARS = 1 << 20
const MAX_CONFIG_BYTES = 16 << 20

/**
 * Constructs that let a Jinja template (CVE-2024-34359 class) climb from a harmless value to
 * Python internals. Legit chat templates only loop over messages and concatenate strings,
 * so none of these have a benign use there. Checked on the template text after undoing
 * string-literal escapes (`'\x5f\x5fglobals\x5f\x5f'` is `__globals__`).
 */
const GADGETS: Array<{ re: RegExp; what: string }> = [
  { re: /__[A-Za-z]\w*__/, what: 'dunder attribute' },
  { re: /\|\s*attr\s*\(/, what: 'attr filter' },
  { re: /\b(?:cycler|joiner|namespace|lipsum|range|dict|self|request|config|url_for|get_flashed_messages)\s*\.\s*(?:__\w+|_\w+)/, what: 'gadget object attribute chain' },
  { re: /\bos\s*\.\s*(?:system|popen|environ|exec\w*|spawn\w*|remove|unlink|rmdir|listdir|getenv|putenv|kill)\b/, what: 'os call' },
  { re: /\bpopen\s*\(/, what: 'popen call' },
  { re: /\bsubprocess\b/, what: 'subprocess reference' },
  { re: /\b(?:getattr|eval|exec|compile|__import__)\s*\(/, what: 'Python builtin call' },
  { re: /\bchr\s*\(\s*\d+\s*\)\s*(?:,|\+|\))/, what: 'chr() string construction' },
  { re: /\\(?:x5[fF]|u005[fF]|137)/, what: 'escaped underscore' }
]

/** Undoes Python/Jinja string escapes so hex/unicode-escaped names are seen as written. */
function unescape(text: string): string {
  return text
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
}

/** Names the Python-internals constructs a Jinja chat template uses (empty when none). */
export function templateGadgets(template: string): string[] {
  const text = template.length > MAX_TEMPLATE_CHARS ? template.slice(0, MAX_TEMPLATE_CHARS) : template
  const views = [text, unescape(text)]
  const found: string[] = []
  for (const g of GADGETS) {
    let hit: RegExpExecArray | null = null
    for (const v of views) hit ??= g.re.exec(v)
    if (hit) found.push(`${g.what} \`${truncate(hit[0], 40)}\``)
  }
  return found
}

/** One `unsafe-serialization` error naming every construct found, or nothing. */
export function checkChatTemplate(template: string, where = 'chat template'): Issue[] {
  const found = templateGadgets(template)
  if (found.length === 0) return []
  return [
    issue(
      'unsafe-serialization',
      'error',
      `The ${where} reaches Python internals (${found.join('; ')}); rendering it in an unsandboxed Jinja environment runs code (CVE-2024-34359 class).`,
      'Replace the template with a plain one that only loops over messages; never render untrusted templates outside jinja2.sandbox.ImmutableSandboxedEnvironment.'
    )
  ]
}

/**
 * Collects chat templates from a tokenizer_config-like object: `chat_template` as a string
 * or as a list of `{name, template}` (the multi-template form).
 */
export function templatesOf(obj: unknown): Array<{ name: string; template: string }> {
  if (!isRecord(obj)) return []
  const ct = obj.chat_template
  if (typeof ct === 'string') return [{ name: 'chat_template', template: ct }]
  if (Array.isArray(ct)) {
    return ct
      .filter((e): e is Record<string, unknown> => isRecord(e) && typeof e.template === 'string')
      .map((e) => ({ name: `chat_template[${String(e.name ?? '?')}]`, template: e.template as string }))
  }
  return []
}

/**
 * Inspects a file that carries chat templates: tokenizer_config.json, a YAML config with
 * `chat_template`, or a raw Jinja template (.j2/.jinja/.template).
 */
export async function inspectChatTemplateFile(src: ByteSource, ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('chat template', newResult('chat-template'), async (r) => {
    const buf = await src.read(0, Math.min(src.size, MAX_CONFIG_BYTES))
    const text = buf.toString('utf8')
    const path = ctx.path ?? ''
    let templates: Array<{ name: string; template: string }> = []
    let structured = false
    if (/^\s*\{/.test(text) && src.size <= MAX_CONFIG_BYTES) {
      try {
        templates = templatesOf(JSON.parse(text))
        structured = true
      } catch {
        /* not JSON: fall through */
      }
    }
    if (!structured && /\.ya?ml$/i.test(path)) {
      try {
        templates = templatesOf(parseYaml(text, { maxAliasCount: 100 }))
        structured = true
      } catch {
        /* not YAML */
      }
    }
    if (!structured) templates = [{ name: 'template', template: text }]
    r.facts.chat_templates = templates.length
    if (templates.length === 0) return
    r.facts.chat_template_chars = templates.reduce((n, t) => n + t.template.length, 0)
    for (const t of templates) r.issues.push(...checkChatTemplate(t.template, `\`${t.name}\``))
  })
}
