/**
 * Which imports a pickle may perform. Allowlist first: only globals that real
 * frameworks write are `allowed`; anything else is at least `unknown`. The denylist
 * turns known code-execution, file, network, loader and scanner-tampering gadgets
 * into `dangerous`. Every dotted component of the module (and its parent modules)
 * and of the name is matched, because `GLOBAL pathlib os.system` (a getattr chain
 * under protocol ≥ 4) reaches os.system as surely as `GLOBAL os system` does.
 */
export type GlobalVerdict = 'allowed' | 'unknown' | 'dangerous'

export interface GlobalClass {
  verdict: GlobalVerdict
  reason?: string
}

// Python 2 names that Python 3's unpickler maps (fix_imports) before importing.
const PY2_MODULES: Record<string, string> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  cPickle: 'pickle',
  httplib: 'http.client',
  urllib2: 'urllib.request',
  urlparse: 'urllib.parse',
  commands: 'subprocess',
  exceptions: 'builtins',
  Queue: 'queue',
  StringIO: 'io',
  cStringIO: 'io',
  UserDict: 'collections',
  SocketServer: 'socketserver',
  xmlrpclib: 'xmlrpc.client',
  cookielib: 'http.cookiejar',
  Tkinter: 'tkinter'
}

/** Modules (and all their submodules) whose globals run code, touch files/network, or load pickles. */
const DENY_MODULES: Record<string, string> = {
  os: 'runs shell commands and touches files', posix: 'os under another name (runs shell commands)',
  nt: 'os under another name (runs shell commands)', posixpath: 'os.path: file-system access',
  ntpath: 'os.path: file-system access', subprocess: 'runs programs', _posixsubprocess: 'runs programs',
  pty: 'spawns processes', sys: 'interpreter internals (sys.modules, exit)', runpy: 'runs Python files/modules',
  pip: 'installs packages (runs setup code)', ensurepip: 'runs pip', venv: 'creates environments and runs pip',
  importlib: 'imports arbitrary modules', imp: 'imports arbitrary modules', pkgutil: 'resolves and imports arbitrary names',
  zipimport: 'imports code from archives', marshal: 'deserialises code objects', types: 'builds code/function objects',
  ctypes: 'calls native code', _ctypes: 'calls native code', socket: 'opens network connections',
  _socket: 'opens network connections', ssl: 'opens network connections', _ssl: 'network/crypto internals',
  http: 'network access', urllib: 'network access', requests: 'network access', aiohttp: 'network access',
  httpx: 'network access', urllib3: 'network access', ftplib: 'network access', smtplib: 'network access',
  poplib: 'network access', imaplib: 'network access', nntplib: 'network access', telnetlib: 'network access',
  xmlrpc: 'network access', socketserver: 'opens servers', webbrowser: 'launches programs',
  shutil: 'copies/deletes files', tempfile: 'creates files', io: 'opens files', _io: 'opens files',
  codecs: 'opens files (codecs.open)', fileinput: 'reads files', glob: 'lists files', pathlib: 'file-system access',
  code: 'interactive interpreter (runs code)', codeop: 'compiles code', pdb: 'debugger (runs code)',
  bdb: 'debugger (runs code)', trace: 'runs code under tracing', timeit: 'runs code', profile: 'runs code',
  cProfile: 'runs code', doctest: 'runs code', pydoc: 'locates objects and runs pagers', idlelib: 'runs code',
  lib2to3: 'loads grammar pickles', _pyrepl: 'runs pagers', test: 'test helpers run interpreters',
  asyncio: 'spawns subprocesses', multiprocessing: 'spawns processes', concurrent: 'runs callables in workers',
  threading: 'runs callables in threads', _thread: 'runs callables in threads', signal: 'process signals',
  atexit: 'registers code at exit', sched: 'runs callables', distutils: 'runs build commands/writes files',
  setuptools: 'runs build commands', pkg_resources: 'loads entry points', sysconfig: 'build internals',
  platform: 'runs commands (platform.popen)', _aix_support: 'runs commands', _osx_support: 'runs commands',
  uuid: 'private helpers run commands', ast: 'parses code for execution', inspect: 'code introspection',
  dis: 'code objects', gc: 'reaches every live object', weakref: 'reaches live objects',
  pickle: 'loads nested pickles', _pickle: 'loads nested pickles', pickletools: 'pickle internals',
  dill: 'serialises code', cloudpickle: 'serialises code', shelve: 'loads pickles from files',
  dbm: 'opens files', sqlite3: 'opens databases', tarfile: 'extracts files', zipfile: 'extracts files', readline: 'terminal access', rlcompleter: 'evaluates expressions', cmd: 'runs commands',
  tkinter: 'GUI event loop', turtle: 'GUI', curses: 'terminal', _winapi: 'Windows process API', msvcrt: 'Windows runtime',
  winreg: 'Windows registry', _winreg: 'Windows registry', _interpreters: 'creates interpreters and runs code',
  _xxsubinterpreters: 'creates interpreters and runs code', interpreters: 'runs code', site: 'runs site hooks',
  operator: 'attribute/method call gadgets (attrgetter, methodcaller)', _operator: 'attribute/method call gadgets',
  yaml: 'unsafe YAML loaders', jinja2: 'template execution', numexpr: 'evaluates expressions',
  'numpy.f2py': 'compiles and runs Fortran/C', 'numpy.distutils': 'runs build commands',
  'numpy.testing': 'test helpers run code (runstring)', 'numpy.ctypeslib': 'loads native libraries',
  'numpy.lib.npyio': 'loads files (numpy.load can unpickle)',
  'torch.hub': 'downloads and runs code', 'torch.jit': 'compiles and runs TorchScript/Python',
  'torch._dynamo': 'compiles and runs code', 'torch._inductor': 'compiles and runs code',
  'torch.compile': 'compiles code', 'torch.serialization': 'torch.load: loads nested pickles', 'torch.utils.bottleneck': 'runs scripts under profilers',
  'torch.utils.collect_env': 'runs commands', 'torch.utils._config_module': 'evaluates config code',
  'torch.utils.data.datapipes': 'decoders unpickle data', 'torch.distributed': 'network rendezvous / RPC',
  'torch.fx.experimental.symbolic_shapes': 'evaluates guard expressions', 'torch.package': 'imports packaged code',
  'torch.utils.cpp_extension': 'compiles and loads native code', 'torch.testing': 'test helpers',
  'torch.multiprocessing': 'spawns processes', 'torch._C._jit': 'TorchScript internals',
  'pandas.io': 'reads files/URLs (read_pickle unpickles)', 'sklearn.datasets': 'downloads/reads files',
  'sklearn.utils._testing': 'runs Python scripts', 'scipy.weave': 'compiles code',
  'keras.utils': 'downloads files', 'tensorflow.io': 'file access', 'tensorflow.python.ops.script_ops': 'runs Python functions',
  picklescan: 'tampers with a model scanner', fickling: 'tampers with a model scanner', modelscan: 'tampers with a model scanner',
  modelaudit: 'tampers with a model scanner', saferpickle: 'tampers with a model scanner',
  model_unpickler: 'tampers with a model scanner', modelgate: 'tampers with this scanner'
}

/** Exact module.name pairs that are dangerous although their module is not denied as a whole. */
const DENY_EXACT: Record<string, string> = {
  'torch.load': 'torch.load unpickles nested data', 'torch.storage._load_from_bytes': 'calls torch.load on embedded bytes (nested pickle gadget)',
  'torch.compile': 'compiles and runs code', 'torch._C._load_for_lite_interpreter': 'loads TorchScript code',
  'numpy.load': 'numpy.load can unpickle (allow_pickle)', 'numpy.fromfile': 'reads files', 'numpy.loadtxt': 'reads files',
  'numpy.genfromtxt': 'reads files', 'numpy.memmap': 'maps files', 'numpy.save': 'writes files', 'numpy.savez': 'writes files',
  'joblib.load': 'unpickles nested data', 'joblib.numpy_pickle.load': 'unpickles nested data', 'joblib.dump': 'writes files',
  'pandas.read_pickle': 'unpickles nested data', 'pandas.read_csv': 'reads files/URLs', 'pandas.eval': 'evaluates expressions',
  'logging.FileHandler': 'writes files', 'logging.config': 'configuration can import and call anything',
  'logging.handlers': 'files, sockets, SMTP', 'functools.reduce': 'calls a callable repeatedly',
  'builtins.eval': 'evaluates Python source', 'builtins.exec': 'executes Python source', 'builtins.compile': 'compiles code',
  'builtins.open': 'opens files', 'builtins.getattr': 'attribute lookup chains reach any callable',
  'builtins.setattr': 'overwrites attributes (e.g. monkey-patches loaders)', 'builtins.delattr': 'deletes attributes',
  'builtins.__import__': 'imports any module', 'builtins.globals': 'reaches module globals', 'builtins.locals': 'reaches frames',
  'builtins.vars': 'reaches object namespaces', 'builtins.input': 'reads stdin', 'builtins.breakpoint': 'starts a debugger',
  'builtins.help': 'runs the help pager', 'builtins.exit': 'exits the process', 'builtins.quit': 'exits the process',
  'builtins.apply': 'calls any callable (Python 2)', 'builtins.execfile': 'executes a file (Python 2)',
  'builtins.file': 'opens files (Python 2)', 'builtins.reload': 'reloads modules', 'builtins.memoryview': 'raw memory views',
  'builtins.type': 'creates classes / reaches type internals', 'builtins.super': 'reaches parent class internals',
  'builtins.classmethod': 'wraps callables', 'builtins.staticmethod': 'wraps callables', 'builtins.property': 'wraps callables',
  'builtins.object.__subclasses__': 'reaches every class'
}

/** Name components that are gadgets wherever they appear. */
const DENY_NAMES = new Set([
  'system', 'popen', 'popen2', 'popen3', 'popen4', 'exec', 'execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve',
  'execvp', 'execvpe', 'spawn', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe',
  'posix_spawn', 'posix_spawnp', 'fork', 'forkpty', 'kill', 'killpg', 'eval', 'compile', 'open', 'getattr', 'setattr',
  'delattr', '__import__', 'import_module', 'run', 'runctx', 'runcall', 'runcode', 'runsource', 'runcommand', 'run_path',
  'run_module', '_run_code', '_run_module_code', 'call', 'check_call', 'check_output', 'getoutput', 'getstatusoutput',
  'Popen', 'loads', 'load', 'remove', 'unlink', 'rmdir', 'removedirs', 'rmtree', 'rename', 'chmod', 'chown', 'truncate',
  'write_file', 'write_text', 'write_bytes', 'urlopen', 'urlretrieve', 'create_connection', 'apply', 'execfile',
  'globals', 'locals', 'vars', 'breakpoint', 'interact', 'load_config', 'execWrapper', 'evaluate_guards_expression',
  'pipepager', 'pipe_pager', 'tempfilepager', 'locate', 'resolve_name', '_read_cmd_output', '_read_output',
  '_get_command_stdout', '_find_build_tool', 'runstring', 'debug_script', 'assert_python_ok', 'spawnv_passfds',
  'run_cprofile', 'run_autograd_prof', 'run_and_read_all', 'compile_file', 'basichandlers', 'attrgetter', 'methodcaller',
  'os', 'posix', 'nt', 'subprocess', 'sys', 'builtins', '__builtin__', 'pty', 'socket', 'runpy', 'importlib', 'ctypes',
  'marshal', 'pickle', '_pickle', 'cPickle', 'dill', 'shutil', 'webbrowser', 'pdb', 'CodeType', 'FunctionType',
  'deactivate_safe_ml_environment', 'remove_hook'
])

/** Module components that betray a gadget anywhere in a module path. */
const DENY_MODULE_COMPONENTS = new Set([
  'os', 'posix', 'nt', 'subprocess', 'sys', 'builtins', '__builtin__', 'pty', 'socket', 'runpy', 'importlib',
  'ctypes', 'marshal', 'pickle', '_pickle', 'cPickle', 'dill', 'shutil', 'webbrowser', 'pdb', 'testing', '_testing', 'tests'
])

// Dunder names reached through a global are attribute-walk gadgets (__globals__, __subclasses__, __reduce__, ...),
// except the copyreg helpers every pickler writes (exact-allowed below).
const DUNDER = /^__\w+__$/

/** Exact globals vetted as inert: constructors and rebuild helpers frameworks write. */
const ALLOW_EXACT = new Set([
  // builtins that construct plain values
  ...['set', 'frozenset', 'complex', 'slice', 'bytearray', 'bytes', 'dict', 'list', 'tuple', 'int', 'float', 'bool',
    'str', 'object', 'range', 'len', 'abs', 'min', 'max', 'sum', 'all', 'any', 'sorted', 'reversed', 'enumerate',
    'zip', 'repr', 'chr', 'ord', 'divmod', 'pow', 'round', 'bin', 'hex', 'oct', 'hash', 'NotImplemented', 'Ellipsis',
    'ValueError', 'KeyError', 'IndexError', 'TypeError', 'RuntimeError', 'Exception', 'AttributeError', 'unicode',
    'long', 'xrange', 'basestring'].map((n) => `builtins.${n}`),
  'copyreg._reconstructor', 'copyreg.__newobj__', 'copyreg.__newobj_ex__', 'copyreg._reduce_ex',
  '_codecs.encode', 'codecs.encode', '_codecs.decode', 'codecs.decode',
  'collections.OrderedDict', 'collections.defaultdict', 'collections.deque', 'collections.Counter',
  'collections.namedtuple', 'collections.ChainMap', 'datetime.datetime', 'datetime.date', 'datetime.time',
  'datetime.timedelta', 'datetime.timezone', 'decimal.Decimal', 'fractions.Fraction', 'uuid.UUID', 're._compile',
  'argparse.Namespace', 'types.SimpleNamespace', 'enum.Enum', 'pathlib.PosixPath', 'pathlib.WindowsPath',
  'pathlib.PurePosixPath', 'pathlib.PureWindowsPath', 'pathlib.Path', 'functools.partial',
  '__future__.annotations', '__future__.division', '__future__.print_function', '__future__.absolute_import',
  '__future__.unicode_literals', '__future__.generators', '__future__.nested_scopes', '__future__.with_statement',
  '__future__.generator_stop',
  // numpy
  'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct', 'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar', 'numpy.ndarray', 'numpy.dtype', 'numpy.ma.core._mareconstruct',
  'numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer', 'numpy.matrix', 'numpy.core._internal._reconstruct',
  'numpy.random._pickle.__randomstate_ctor', 'numpy.random._pickle.__bit_generator_ctor',
  'numpy.random._pickle.__generator_ctor', 'numpy.random.__RandomState_ctor', 'numpy.random.mtrand.RandomState',
  'numpy.random._mt19937.MT19937', 'numpy.random._pcg64.PCG64', 'numpy.random._pcg64.PCG64DXSM',
  'numpy.random._philox.Philox', 'numpy.random._sfc64.SFC64', 'numpy.random._generator.Generator',
  'numpy.random.bit_generator.SeedSequence', 'numpy.random.mtrand._rand',
  ...['float16', 'float32', 'float64', 'float128', 'longdouble', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16',
    'uint32', 'uint64', 'bool_', 'complex64', 'complex128', 'str_', 'bytes_', 'object_', 'void', 'datetime64',
    'timedelta64', 'intc', 'uintc', 'longlong', 'ulonglong', 'half', 'single', 'double'].map((n) => `numpy.${n}`),
  ...['Float64DType', 'Float32DType', 'Int64DType', 'Int32DType', 'BoolDType', 'ObjectDType', 'StrDType']
    .map((n) => `numpy.dtypes.${n}`),
  // torch
  ...['_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter', '_rebuild_parameter_with_state',
    '_rebuild_sparse_tensor', '_rebuild_sparse_csr_tensor', '_rebuild_qtensor', '_rebuild_device_tensor_from_numpy',
    '_rebuild_meta_tensor_no_storage', '_rebuild_wrapper_subclass', '_rebuild_nested_tensor', '_rebuild_xla_tensor',
    '_rebuild_mps_tensor', '_rebuild_device_tensor_from_cpu_tensor'].map((n) => `torch._utils.${n}`),
  'torch._tensor._rebuild_from_type', 'torch._tensor._rebuild_from_type_v2', 'torch.Size', 'torch.device', 'torch.dtype',
  'torch.storage.TypedStorage', 'torch.storage.UntypedStorage', 'torch.storage._StorageBase', 'torch.UntypedStorage',
  'torch.TypedStorage', 'torch.nn.parameter.Parameter', 'torch.nn.parameter.Buffer', 'torch.nn.parameter.UninitializedParameter',
  'torch.contiguous_format', 'torch.channels_last', 'torch.channels_last_3d', 'torch.preserve_format', 'torch.strided',
  'torch.sparse_coo', 'torch.sparse_csr', 'torch.per_tensor_affine', 'torch.per_channel_affine',
  ...['Float', 'Double', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool', 'ComplexFloat', 'ComplexDouble',
    'QUInt8', 'QInt8', 'QInt32', 'QUInt4x2', 'QUInt2x4'].map((n) => `torch.${n}Storage`),
  ...['float32', 'float', 'float64', 'double', 'float16', 'half', 'bfloat16', 'int64', 'long', 'int32', 'int', 'int16',
    'short', 'int8', 'uint8', 'bool', 'complex64', 'complex128', 'cfloat', 'cdouble', 'qint8', 'quint8', 'qint32',
    'float8_e4m3fn', 'float8_e5m2', 'uint16', 'uint32', 'uint64'].map((n) => `torch.${n}`),
  // TorchScript archives (constants.pkl, *.debug_pkl) call these list/tensor tags from
  // torch/jit/_pickle.py; each returns its argument. Exact names only: `torch.jit` and
  // the `_pickle` component stay denied (an old `build_class` there did getattr on sys.modules).
  ...['build_intlist', 'build_tensorlist', 'build_doublelist', 'build_boollist', 'build_tensor_from_id', 'restore_type_tag']
    .map((n) => `torch.jit._pickle.${n}`),
  // torch/serialization.py registers copyreg.pickle(torch.layout, lambda l: (_get_layout, (str(l),))):
  // sparse tensors pickle their layout this way; it looks the name up among torch's layouts.
  'torch.serialization._get_layout',
  // joblib / sklearn helpers that are functions rather than classes
  'joblib.numpy_pickle.NumpyArrayWrapper', 'joblib.numpy_pickle_compat.NDArrayWrapper',
  'joblib.numpy_pickle_compat.ZNDArrayWrapper', 'sklearn.neighbors._kd_tree.newObj', 'sklearn.neighbors._ball_tree.newObj',
  // pandas unpickle helpers
  'pandas._libs.internals._unpickle_block', 'pandas.core.internals.blocks.new_block', 'pandas.core.indexes.base._new_Index',
  'pandas._libs.tslibs.timestamps._unpickle_timestamp', 'pandas._libs.tslibs.timedeltas._timedelta_unpickle',
  'pandas._libs.tslibs.nattype.__nat_unpickle', 'pandas.core.arrays.categorical._unpickle',
  'pandas._libs.sparse._unpickle_sparse_dense', 'pandas.core.internals.managers.BlockManager',
  'pandas._libs.tslibs.offsets._offset_unpickle'
])

/**
 * Module prefixes whose *classes* (CapWords names) are framework types: estimators,
 * layers, boosters, frames. Lower-case names there stay `unknown` (functions can do
 * anything), and the denylist is checked first.
 */
const ALLOW_CLASS_PREFIXES = [
  'sklearn.', 'torch.nn.modules.', 'torch.nn.utils.', 'torch.optim.', 'torch.distributions.', 'xgboost.', 'lightgbm.',
  'catboost.', 'scipy.sparse.', 'scipy.stats.', 'pandas.', 'numpy.', 'collections.abc.', 'transformers.', 'tokenizers.',
  'sentencepiece.', 'joblib.', 'datetime.', 'torch.ao.', 'torchvision.', 'timm.'
]

/** Module prefixes that are inert namespaces: TorchScript classes are resolved by TorchScript, not Python imports. */
const ALLOW_ANY_PREFIXES = ['__torch__.', 'collections.abc.']

function parents(module: string): string[] {
  const parts = module.split('.')
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'))
}

function normaliseModule(module: string): string {
  const head = module.split('.')[0] ?? module
  const mapped = PY2_MODULES[module] ?? PY2_MODULES[head]
  if (!mapped) return module
  return PY2_MODULES[module] ? mapped : mapped + module.slice(head.length)
}

function denied(module: string, name: string): string | undefined {
  const full = `${module}.${name}`
  for (const [k, why] of Object.entries(DENY_EXACT)) if (full === k || full.startsWith(k + '.')) return why
  for (const p of parents(module)) {
    const why = DENY_MODULES[p]
    if (why !== undefined) return `${p}: ${why}`
  }
  // a module path plus a dotted name is one attribute walk: torch.storage + _load_from_bytes, numpy + load
  for (const p of parents(full)) {
    const why = DENY_MODULES[p] ?? DENY_EXACT[p]
    if (why !== undefined) return `${p}: ${why}`
  }
  // the top-level module was checked above; deeper components betray re-exported gadgets (`torch._utils.builtins`)
  for (const part of module.split('.').slice(1)) {
    if (DENY_MODULE_COMPONENTS.has(part)) return `module path component "${part}"`
  }
  const names = name.split('.')
  for (const part of names) {
    if (DENY_NAMES.has(part)) return `name component "${part}" is a code-execution, file, network or loader gadget`
    if (DUNDER.test(part)) return `"${part}" walks Python object internals`
    // an attribute walk through a module object (`__future__._ssl.RAND_bytes`) reaches that module
    if (names.length > 1 && DENY_MODULES[part] !== undefined) return `name walks into module "${part}" (${DENY_MODULES[part]})`
  }
  return undefined
}

/** `__main__` globals name the loading program's own classes; a pickle cannot supply their code. */
export function isMainGlobal(module: string): boolean {
  return module === '__main__' || module.startsWith('__main__.')
}

/**
 * Classifies one import a pickle would perform. `module`/`name` are as written in the
 * stream (GLOBAL/INST lines or STACK_GLOBAL strings); Python 2 aliases are mapped first.
 */
export function classifyGlobal(module: string, name: string): GlobalClass {
  const mod = normaliseModule(module)
  const full = `${mod}.${name}`
  if (ALLOW_EXACT.has(full)) return { verdict: 'allowed' }
  if (module === '' || name === '') return { verdict: 'dangerous', reason: 'empty module or name (malformed import)' }
  const bad = denied(mod, name) ?? (mod !== module ? denied(module, name) : undefined)
  if (bad) return { verdict: 'dangerous', reason: bad }
  if (isMainGlobal(mod)) return { verdict: 'unknown', reason: 'class defined by the saving script (__main__)' }
  const single = !name.includes('.')
  if (single && ALLOW_ANY_PREFIXES.some((p) => full.startsWith(p))) return { verdict: 'allowed' }
  if (mod.startsWith('__torch__.') || mod === '__torch__') return { verdict: 'allowed' }
  if (single && /^[A-Z]/.test(name) && ALLOW_CLASS_PREFIXES.some((p) => mod.startsWith(p) || mod + '.' === p)) {
    return { verdict: 'allowed' }
  }
  return { verdict: 'unknown', reason: 'not on the vetted list of framework globals' }
}
