/**
 * Which imports a pickle may perform. Allowlist first: only globals that real
 * frameworks write are `allowed` (allow-list.ts); anything else is at least
 * `unknown`. The denylist (deny-list.ts) turns known code-execution, file, network,
 * loader and scanner-tampering gadgets into `dangerous`. Every dotted component of
 * the module (and its parent modules) and of the name is matched, because
 * `GLOBAL pathlib os.system` (a getattr chain under protocol ≥ 4) reaches os.system
 * as surely as `GLOBAL os system` does; a private alias of a denied module (`_sys`,
 * `_os`: deny-list.ts MODULE_ALIASES) counts as that module. Python 2 names are judged by the Python 3
 * name the unpickler imports instead (py2-names.ts).
 */
import { ALLOW_ANY_PREFIXES, ALLOW_EXACT, CLASS_IO, CLASS_MODULES, PANDAS_CLASSES, TRANSFORMERS_CLASS_MODULE } from './allow-list.js'
import { DENY_EXACT, DENY_MODULE_COMPONENTS, DENY_MODULES, DENY_NAME_PATTERNS, DENY_NAMES, MODULE_ALIASES, PACKAGE_CLASS_DENY } from './deny-list.js'
import { python3Name } from './py2-names.js'

export type GlobalVerdict = 'allowed' | 'unknown' | 'dangerous'

export interface GlobalClass {
  verdict: GlobalVerdict
  reason?: string
}

// Dunder names reached through a global are attribute-walk gadgets (__globals__, __subclasses__, __reduce__, ...),
// except the copyreg helpers every pickler writes (exact-allowed).
const DUNDER = /^__\w+__$/

/** Cython's generated unpickle helper for a class (`Cls.__new__(Cls)` + `__setstate_cython__`). */
const PYX_UNPICKLE = /^__pyx_unpickle_[A-Z]\w*$/

function parents(module: string): string[] {
  const parts = module.split('.')
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'))
}

/** sklearn < 0.23 vendored joblib: its modules do what joblib's do. */
const unvendor = (module: string): string => module.replace(/^sklearn\.externals\.joblib(?=\.|$)/, 'joblib')

/** `_sys`, `_os`, ...: a private binding of a denied module, so walking through it enters that module. */
function aliasOf(part: string): string | undefined {
  const alias = MODULE_ALIASES.get(part)
  return alias && `is the ${alias[0]} module under another name (${alias[1]})`
}

function denied(module: string, name: string): string | undefined {
  const full = `${module}.${name}`
  for (const [k, why] of DENY_EXACT) if (full === k || full.startsWith(k + '.')) return why
  for (const p of parents(module)) {
    const why = DENY_MODULES.get(p)
    if (why !== undefined) return `${p}: ${why}`
  }
  // a module path plus a dotted name is one attribute walk: torch.storage + _load_from_bytes, numpy + load
  for (const p of parents(full)) {
    const why = DENY_MODULES.get(p) ?? DENY_EXACT.get(p)
    if (why !== undefined) return `${p}: ${why}`
  }
  // the top-level module was checked above; deeper components betray re-exported gadgets (`torch._utils.builtins`)
  for (const part of module.split('.').slice(1)) {
    if (DENY_MODULE_COMPONENTS.has(part)) return `module path component "${part}"`
    const alias = aliasOf(part)
    if (alias) return `module path component "${part}" ${alias}`
  }
  const names = name.split('.')
  for (const part of names) {
    const alias = aliasOf(part)
    if (alias) return `name component "${part}" ${alias}`
    if (DENY_NAMES.has(part)) return `name component "${part}" is a code-execution, file, network or loader gadget`
    for (const [re, why] of DENY_NAME_PATTERNS) if (re.test(part)) return `name component "${part}" ${why}`
    if (DUNDER.test(part)) return `"${part}" walks Python object internals`
    // an attribute walk through a module object (`__future__._ssl.RAND_bytes`) reaches that module
    const mod = DENY_MODULES.get(part)
    if (names.length > 1 && mod !== undefined) return `name walks into module "${part}" (${mod})`
  }
  for (const [pkg, cls, why] of PACKAGE_CLASS_DENY) {
    if (pkg.test(module) && names.some((n) => cls.test(n))) return `${module}.${name}: ${why}`
  }
  return undefined
}

/** `__main__` globals name the loading program's own classes; a pickle cannot supply their code. */
export function isMainGlobal(module: string): boolean {
  return module === '__main__' || module.startsWith('__main__.')
}

/** A class the allowlist's class rules vet: model-part module trees, pandas data types, numpy dtypes, sparse matrices. */
function allowedClass(module: string, name: string): boolean {
  if (name.includes('.')) return false
  const vetted = CLASS_MODULES.some((p) => module.startsWith(p) || module + '.' === p) || TRANSFORMERS_CLASS_MODULE.test(module)
  if (/^[A-Z]/.test(name) && !CLASS_IO.test(name) && vetted) return true
  if (PYX_UNPICKLE.test(name) && CLASS_MODULES.some((p) => module.startsWith(p))) return true
  if ((module === 'pandas' || module.startsWith('pandas.core.') || module.startsWith('pandas._libs.')) && PANDAS_CLASSES.has(name)) return true
  if (module === 'numpy.dtypes' && /^[A-Z]\w*DType$/.test(name)) return true
  return /^scipy\.sparse(\.|$)/.test(module) && /^(csr|csc|coo|lil|dok|bsr|dia)_(matrix|array)$/.test(name)
}

/**
 * Classifies one import a pickle would perform. `module`/`name` are as written in the
 * stream (GLOBAL/INST lines or STACK_GLOBAL strings); a Python 2 name is judged by
 * what the unpickler imports for it, and denied if either spelling is.
 */
export function classifyGlobal(module: string, name: string): GlobalClass {
  const [mod, nm] = python3Name(module, name)
  if (ALLOW_EXACT.has(`${mod}.${nm}`)) return { verdict: 'allowed' }
  if (module === '' || name === '') return { verdict: 'dangerous', reason: 'empty module or name (malformed import)' }
  const bad = denied(unvendor(mod), nm) ?? (mod !== module || nm !== name ? denied(module, name) : undefined)
  if (bad) return { verdict: 'dangerous', reason: mod !== module || nm !== name ? `imported as ${mod}.${nm}: ${bad}` : bad }
  if (isMainGlobal(mod)) return { verdict: 'unknown', reason: 'class defined by the saving script (__main__)' }
  const full = `${mod}.${nm}`
  if (!nm.includes('.') && ALLOW_ANY_PREFIXES.some((p) => full.startsWith(p))) return { verdict: 'allowed' }
  if (mod.startsWith('__torch__.') || mod === '__torch__') return { verdict: 'allowed' }
  if (allowedClass(mod, nm)) return { verdict: 'allowed' }
  return { verdict: 'unknown', reason: 'not on the vetted list of framework globals' }
}
