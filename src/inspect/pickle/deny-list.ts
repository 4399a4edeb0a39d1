/**
 * The denylist: imports that make loading a pickle run code, touch files or the
 * network, or load more serialized data (a second stage). Each entry says why; the
 * policy (globals-policy.ts) matches every dotted component of module and name and
 * every parent module against it.
 */

/** Modules (and all their submodules) whose globals run code, touch files/network, or load pickles. */
export const DENY_MODULES = new Map<string, string>(Object.entries({
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
  _imp: 'loads native extension modules', _frozen_importlib: 'the import system (imports arbitrary modules)',
  _frozen_importlib_external: 'the import system (loads modules from files)', _pyio: 'opens files (pure-Python io)',
  _sitebuiltins: 'help() and license() objects run the pydoc pager and read files',
  unittest: 'imports modules by dotted name (mock._importer, patch) and runs tests (main)',
  hydra: 'instantiates and calls any object a config names (hydra.utils.instantiate)',
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
  // reduce_graph_module, _forward_from_src, _exec_with_source: GraphModule's unpickle path exec()s the code string the pickle carries
  'torch.fx.graph_module': 'executes Python source carried in the file (GraphModule code is exec()ed when unpickled)',
  'torch.utils.cpp_extension': 'compiles and loads native code', 'torch.testing': 'test helpers',
  'torch.multiprocessing': 'spawns processes', 'torch._C._jit': 'TorchScript internals',
  'pandas.io': 'reads files/URLs (read_pickle unpickles)', 'sklearn.datasets': 'downloads/reads files',
  'sklearn.utils._testing': 'runs Python scripts', 'scipy.weave': 'compiles code',
  'keras.utils': 'downloads files', 'tensorflow.io': 'file access', 'tensorflow.python.ops.script_ops': 'runs Python functions',
  picklescan: 'tampers with a model scanner', fickling: 'tampers with a model scanner', modelscan: 'tampers with a model scanner',
  modelaudit: 'tampers with a model scanner', saferpickle: 'tampers with a model scanner',
  model_unpickler: 'tampers with a model scanner', modelgate: 'tampers with this scanner',
  // loaders that fetch or deserialize more code
  'torch.utils.model_zoo': 'downloads checkpoints and torch.load()s them', 'torch.utils.tensorboard': 'writes event files',
  'torch.utils.benchmark': 'compiles and runs code strings', 'torch.onnx': 'exports and loads models through files',
  'numpy.lib.format': 'reads/writes .npy files (read_array unpickles object arrays)',
  'numpy.lib._format_impl': 'reads/writes .npy files (read_array unpickles object arrays)',
  'numpy.lib._npyio_impl': 'loads and saves files (numpy.load can unpickle)', 'numpy.lib._datasource': 'opens local files and URLs',
  'numpy.lib.utils': 'imports and inspects arbitrary objects', 'numpy.lib._utils_impl': 'imports and inspects arbitrary objects',
  'torchvision.datasets': 'downloads (download=True) and writes dataset files', 'torchvision.io': 'reads and writes image/video files',
  'transformers.pipelines': 'pipelines download and load models (and run remote code with trust_remote_code)',
  'transformers.models.auto': 'Auto classes resolve, download and load models, including remote code',
  'transformers.dynamic_module_utils': 'downloads and imports model code from the Hub', 'transformers.utils.hub': 'downloads files from the Hub',
  'transformers.hf_api': 'Hub API access', 'transformers.agents': 'runs generated Python code', 'transformers.tools': 'loads and runs remote tools',
  'transformers.models.rag': 'RAG retrieval: indexes download passages and unpickle them (LegacyIndex, CVE-2023-6730) or run dataset loading scripts (CanonicalHFIndex calls load_dataset)',
  'transformers.models.realm.retrieval_realm': 'REALM retrieval: loads block records with numpy.load(allow_pickle=True)',
  'transformers.models.deprecated.realm.retrieval_realm': 'REALM retrieval: loads block records with numpy.load(allow_pickle=True)',
  'transformers.models.transfo_xl.tokenization_transfo_xl': 'TransfoXLTokenizer/TransfoXLCorpus unpickle their vocabulary and corpus files (CVE-2023-7018)',
  'transformers.models.deprecated.transfo_xl.tokenization_transfo_xl': 'TransfoXLTokenizer/TransfoXLCorpus unpickle their vocabulary and corpus files (CVE-2023-7018)',
  'transformers.trainer': 'sets up training, output directories and reporting integrations',
  'transformers.trainer_callback': 'training callbacks (reporting integrations)', 'transformers.integrations': 'experiment-tracking and network integrations',
  'transformers.commands': 'command-line tools', 'transformers.testing_utils': 'test helpers run subprocesses',
  'transformers.convert_graph_to_onnx': 'loads and exports models', 'transformers.onnx': 'loads and exports models',
  'diffusers.pipelines': 'pipelines download and load models', 'diffusers.loaders': 'load weights and adapters from files and the Hub',
  'diffusers.utils.hub_utils': 'downloads files from the Hub', 'diffusers.utils.dynamic_modules_utils': 'downloads and imports code from the Hub',
  'diffusers.utils.loading_utils': 'loads files and URLs',
  // (datasets.load_dataset, evaluate.load, PeftModel.from_pretrained are denied by name: `datasets`,
  // `evaluate` and `peft` are also common names of a project's own modules)
  huggingface_hub: 'downloads and uploads files on the Hugging Face Hub', 'datasets.load': 'downloads data and runs dataset loading scripts',
  sentence_transformers: 'downloads models from the Hub when constructed', open_clip: 'downloads pretrained weights and loads them',
  fsspec: 'opens local and remote files', smart_open: 'opens local and remote files', s3fs: 'cloud storage access',
  gcsfs: 'cloud storage access', boto3: 'cloud API access', botocore: 'cloud API access', mlflow: 'loads models (pickles) and talks to tracking servers',
  wandb: 'network access (experiment tracking)', tensorboard: 'writes event files', tensorboardX: 'writes event files',
  'joblib.memory': 'creates cache directories and runs cached functions', 'joblib.parallel': 'runs callables in worker processes',
  'joblib.pool': 'runs callables in worker processes', 'joblib._parallel_backends': 'runs callables in worker processes',
  'joblib.executor': 'runs callables in worker processes', 'joblib.externals': 'process pools (loky) and cloudpickle',
  'xgboost.tracker': 'opens network sockets (distributed tracker)', 'xgboost.collective': 'network communication',
  'xgboost.rabit': 'network communication', 'xgboost.dask': 'distributed training over the network',
  'xgboost.spark': 'distributed training over the network', 'xgboost.federated': 'network communication',
  'lightgbm.dask': 'distributed training over the network', 'catboost.datasets': 'downloads datasets',
  'tensorflow.keras.utils': 'downloads files (get_file)', 'tf_keras.utils': 'downloads files (get_file)',
  'tensorflow.saved_model': 'loads SavedModel graphs', 'keras.saving': 'loads models from files'
}))

/** Exact module.name pairs that are dangerous although their module is not denied as a whole. */
export const DENY_EXACT = new Map<string, string>(Object.entries({
  'torch.load': 'torch.load unpickles nested data', 'torch.storage._load_from_bytes': 'calls torch.load on embedded bytes (nested pickle gadget)',
  'torch.compile': 'compiles and runs code', 'torch._C._load_for_lite_interpreter': 'loads TorchScript code',
  'numpy.load': 'numpy.load can unpickle (allow_pickle)', 'numpy.fromfile': 'reads files', 'numpy.loadtxt': 'reads files',
  'numpy.genfromtxt': 'reads files', 'numpy.memmap': 'maps files', 'numpy.save': 'writes files', 'numpy.savez': 'writes files',
  'joblib.load': 'unpickles nested data', '_functools.reduce': 'calls a callable repeatedly', 'joblib.numpy_pickle.load': 'unpickles nested data', 'joblib.dump': 'writes files',
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
  'builtins.object.__subclasses__': 'reaches every class',
  'torch.save': 'writes files', 'numpy.DataSource': 'opens local files and URLs',
  'pandas.HDFStore': 'opens an HDF5 file at construction (mode "w" truncates it)', 'pandas.ExcelWriter': 'opens its path for writing at construction',
  'pandas.ExcelFile': 'opens and reads a file at construction', 'pandas.to_pickle': 'writes pickles',
  'transformers.pipeline': 'downloads and loads a model for a pipeline (remote code with trust_remote_code)',
  'timm.create_model': 'downloads pretrained weights (pretrained=True, hf-hub: names) and loads them',
  'timm.models.create_model': 'downloads pretrained weights (pretrained=True, hf-hub: names) and loads them',
  'timm.models._factory.create_model': 'downloads pretrained weights (pretrained=True, hf-hub: names) and loads them',
  'joblib.Memory': 'creates cache directories and runs cached functions', 'joblib.Parallel': 'runs callables in worker processes',
  'sklearn.externals.joblib.load': 'unpickles nested data'
}))

/** Name components that are gadgets wherever they appear. */
export const DENY_NAMES = new Set([
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
  'deactivate_safe_ml_environment', 'remove_hook',
  'download', 'fetch', 'from_pretrained', 'from_single_file', 'push_to_hub', 'get_file', 'pipeline', 'load_url',
  'hf_hub_download', 'snapshot_download', 'cached_download', 'cached_path', 'from_file',
  // import a module or object by dotted name (unittest.mock / mock backport, werkzeug, kombu)
  '_importer', '_dot_lookup', 'import_string', 'symbol_by_name'
])

/**
 * Private names stdlib modules bind to a denied module (`import sys as _sys` in collections and
 * threading, `import os as _os` in tempfile and random): an attribute walk through one
 * (`collections._sys.breakpointhook`) reaches that module as surely as `sys.breakpointhook`.
 * Explicit names only: `_io`, `_socket`, `_pickle`, `_posixsubprocess` are real module names
 * already in DENY_MODULES, and a leading underscore alone (`_types`, `_code`, `_test`) is too
 * common in private helper names to mean a module.
 */
export const MODULE_ALIASES = new Map<string, [module: string, why: string]>(Object.entries({
  _sys: ['sys', 'interpreter internals: sys.modules, breakpointhook, settrace'], _os: ['os', 'runs shell commands and touches files'],
  _shutil: ['shutil', 'copies/deletes files'], _importlib: ['importlib', 'imports arbitrary modules'],
  _builtins: ['builtins', 'eval, exec, __import__, getattr'],
  // Python 2's Windows process backend (`subprocess._subprocess`); every module's own `__builtins__`
  _subprocess: ['subprocess', 'runs programs'], __builtins__: ['builtins', 'eval, exec, __import__, getattr']
}))

/**
 * Name components by shape: loaders, downloaders and writers (`read_pickle`,
 * `load_state_dict_from_url`, `save_image`, `DataFrame.to_csv`).
 */
export const DENY_NAME_PATTERNS: [RegExp, string][] = [
  [/^(read|load|save|dump|download|fetch|upload)_/, 'reads, writes, downloads or deserializes files'],
  [/^to_(pickle|csv|hdf|parquet|excel|json|sql|feather|stata|orc|xml|html|latex|markdown|clipboard|gbq|string)$/, 'writes files']
]

/** Classes of packages that build models from names (and pull code from the Hub to do it). */
export const PACKAGE_CLASS_DENY: [RegExp, RegExp, string][] = [
  [/^(transformers|diffusers|peft)(\.|$)/, /^Auto[A-Z]/, 'Auto classes resolve, download and load models, including remote code'],
  [/^(transformers|diffusers)(\.|$)/, /Pipeline$/, 'pipelines download and load models (and run remote code with trust_remote_code)'],
  // by name as well as by module, because transformers re-exports them at the top level (`transformers.ToolCollection`)
  [/^transformers(\.|$)/, /^(TF)?Rag[A-Z]|Index$|Retriever$/, 'RAG/REALM retrieval: indexes and retrievers download indexes and passages and unpickle them (LegacyIndex, CVE-2023-6730) or run dataset loading scripts (CanonicalHFIndex)'],
  [/^transformers(\.|$)/, /^TransfoXL(Tokenizer|Corpus)$/, 'unpickles its vocabulary or corpus file when constructed (pretrained_vocab_file, CVE-2023-7018)'],
  [/^transformers(\.|$)/, /^(Agent|Tool)|(Agent|Tool|Engine|Interpreter)$/, 'agents and tools (transformers.agents, transformers.tools) download tools from the Hub and run generated Python code']
]

/** Module components that betray a gadget anywhere in a module path. */
export const DENY_MODULE_COMPONENTS = new Set([
  'os', 'posix', 'nt', 'subprocess', 'sys', 'builtins', '__builtin__', 'pty', 'socket', 'runpy', 'importlib',
  'ctypes', 'marshal', 'pickle', '_pickle', 'cPickle', 'dill', 'shutil', 'webbrowser', 'pdb', 'testing', '_testing', 'tests'
])
