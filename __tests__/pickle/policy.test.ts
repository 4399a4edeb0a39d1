/** The allow/deny policy for pickle imports. */
import { classifyGlobal } from '../../src/inspect/pickle/index.js'

const v = (m: string, n: string) => classifyGlobal(m, n).verdict

describe('classifyGlobal', () => {
  it.each([
    ['torch._utils', '_rebuild_tensor_v2'], ['torch._utils', '_rebuild_parameter'], ['torch', 'FloatStorage'],
    ['torch', 'BFloat16Storage'], ['torch', 'float16'], ['collections', 'OrderedDict'], ['numpy.core.multiarray', '_reconstruct'],
    ['numpy._core.multiarray', 'scalar'], ['numpy', 'dtype'], ['numpy', 'ndarray'], ['sklearn.pipeline', 'Pipeline'],
    ['sklearn.ensemble._forest', 'RandomForestClassifier'], ['xgboost.sklearn', 'XGBClassifier'],
    ['joblib.numpy_pickle', 'NumpyArrayWrapper'], ['builtins', 'set'], ['__builtin__', 'set'], ['__builtin__', 'frozenset'],
    ['copy_reg', '_reconstructor'], ['copyreg', '__newobj__'], ['_codecs', 'encode'], ['torch.nn.modules.linear', 'Linear'],
    ['__torch__.torch.nn.modules.linear', 'Linear'], ['pandas.core.frame', 'DataFrame'], ['collections.abc', 'Iterable'],
    ['__future__', 'annotations'], ['builtins', 'len']
  ])('allows %s.%s', (m, n) => expect(v(m, n)).toBe('allowed'))

  it.each([
    ['os', 'system'], ['posix', 'system'], ['nt', 'system'], ['os.path', 'join'], ['subprocess', 'Popen'],
    ['builtins', 'eval'], ['__builtin__', 'exec'], ['builtins', 'getattr'], ['builtins', '__import__'], ['runpy', '_run_code'],
    ['pip', 'main'], ['importlib', 'import_module'], ['marshal', 'loads'], ['types', 'CodeType'], ['ctypes', 'CDLL'],
    ['socket', 'create_connection'], ['httplib', 'HTTPSConnection'], ['urllib.request', 'urlopen'], ['requests.api', 'get'],
    ['shutil', 'rmtree'], ['pty', 'spawn'], ['code', 'InteractiveInterpreter'], ['pdb', 'run'], ['timeit', 'timeit'],
    ['webbrowser', 'open'], ['asyncio.unix_events', '_UnixSubprocessTransport._start'], ['multiprocessing.util', 'spawnv_passfds'],
    ['pydoc', 'locate'], ['uuid', '_get_command_stdout'], ['cProfile', 'run'], ['profile', 'Profile.runctx'],
    ['distutils.file_util', 'write_file'], ['setuptools', 'setup'], ['numpy.f2py.crackfortran', 'getlincoef'],
    ['numpy.testing._private.utils', 'runstring'], ['pickle', 'loads'], ['_pickle', 'loads'], ['torch', 'load'],
    ['torch.serialization', 'load'], ['torch.storage', '_load_from_bytes'], ['dill._dill', '_create_function'],
    ['pathlib', 'os.system'], ['__future__', '_ssl.RAND_bytes'], ['operator', 'attrgetter'], ['_operator', 'methodcaller'],
    ['torch.nn.modules.linear', 'Linear.__init__.__globals__'], ['some.module', '__reduce__'], ['fickling.hook', 'remove_hook'],
    ['sklearn.utils._testing', 'assert_run_python_script'], ['numpy', 'load'], ['builtins', 'eval.__call__'], ['', 'x']
  ])('denies %s.%s', (m, n) => {
    const c = classifyGlobal(m, n)
    expect(c.verdict).toBe('dangerous')
    expect(c.reason).toBeTruthy()
  })

  it.each([
    ['mylib', 'Net'], ['builtins', 'print'], ['sklearn.preprocessing._function_transformer', 'helper'], ['__main__', 'Net'],
    ['functools', 'wraps'], ['builtins', 'map'], ['torch.nn.modules.linear', 'helper']
  ])('leaves %s.%s unknown', (m, n) => expect(v(m, n)).toBe('unknown'))

  // TorchScript reconstructors and what torch.save writes for ordinary checkpoints, allowed
  // by exact name; the denylist around them (`torch.jit`, `_pickle`, torch.serialization) holds.
  it.each([
    'build_intlist', 'build_tensorlist', 'build_doublelist', 'build_boollist', 'build_tensor_from_id', 'restore_type_tag'
  ])('allows torch.jit._pickle.%s (TorchScript list/tensor tags)', (n) => expect(v('torch.jit._pickle', n)).toBe('allowed'))

  it.each([
    ['torch._utils', '_rebuild_qtensor'], ['torch._utils', '_rebuild_sparse_tensor'], ['torch._utils', '_rebuild_meta_tensor_no_storage'],
    ['torch._utils', '_rebuild_wrapper_subclass'], ['torch._utils', '_rebuild_device_tensor_from_numpy'],
    ['torch._tensor', '_rebuild_from_type_v2'], ['torch.serialization', '_get_layout'], ['torch', 'device'], ['torch', 'Size'],
    ['torch', 'dtype'], ['torch', 'float32'], ['torch', 'bfloat16'], ['torch', 'sparse_coo'], ['torch.nn.parameter', 'Parameter']
  ])('allows %s.%s (written by torch.save)', (m, n) => expect(v(m, n)).toBe('allowed'))

  it.each([
    ['torch.jit._pickle', 'build_class'], ['torch.jit._pickle', 'loads'], ['torch.jit._pickle', 'build_intlist.__globals__'],
    ['torch.jit', 'load'], ['torch.jit._serialization', 'load'], ['_pickle', 'loads'], ['pickle', 'loads'], ['_pickle', 'Unpickler'],
    ['torch.serialization', '_get_layout.__globals__'], ['torch.serialization', '_load'], ['torch.serialization', 'load'],
    ['torch._utils._pickle', 'build_intlist'], ['mymod._pickle', 'build_intlist']
  ])('still denies %s.%s', (m, n) => expect(v(m, n)).toBe('dangerous'))

  it('explains why', () => {
    expect(classifyGlobal('os.path', 'join').reason).toMatch(/^os: /)
    expect(classifyGlobal('pathlib', 'os.system').reason).toMatch(/pathlib|"os"|"system"/)
    expect(classifyGlobal('torch._utils.builtins', 'x').reason).toMatch(/component "builtins"/)
  })
})

// Python 2 names: the unpickler imports the _compat_pickle target (protocol < 3, fix_imports), so that is what is judged.
describe('classifyGlobal: Python 2 names judged by their Python 3 target', () => {
  it.each([
    ['thread', 'start_new_thread', /imported as _thread\.start_new_thread: _thread: /],
    ['SimpleHTTPServer', 'test', /imported as http\.server\.test: http: /],
    ['BaseHTTPServer', 'HTTPServer', /imported as http\.server\.HTTPServer/],
    ['CGIHTTPServer', 'CGIHTTPRequestHandler', /imported as http\.server\./],
    ['SimpleXMLRPCServer', 'SimpleXMLRPCServer', /imported as xmlrpc\.server\./],
    ['DocXMLRPCServer', 'DocXMLRPCServer', /imported as xmlrpc\.server\./],
    ['robotparser', 'RobotFileParser', /imported as urllib\.robotparser\./],
    ['anydbm', 'open', /imported as dbm\.open/],
    ['whichdb', 'whichdb', /imported as dbm\.whichdb/],
    ['dbhash', 'open', /imported as dbm\.bsd\.open/],
    ['gdbm', 'open', /imported as dbm\.gnu\.open/],
    ['dumbdbm', 'open', /imported as dbm\.dumb\.open/],
    ['__builtin__', 'reduce', /imported as functools\.reduce: calls a callable repeatedly/],
    ['__builtin__', 'intern', /imported as sys\.intern: sys: /],
    ['commands', 'getoutput', /imported as subprocess\.getoutput/],
    ['urllib', 'urlretrieve', /imported as urllib\.request\.urlretrieve/],
    ['_socket', 'fromfd', /imported as socket\.fromfd/],
    ['multiprocessing.forking', 'Popen', /imported as multiprocessing\.popen_fork\.Popen/],
    ['test.test_support', 'run_unittest', /imported as test\.support\.run_unittest/],
    ['Cookie', 'SimpleCookie', /imported as http\.cookies\.SimpleCookie/],
    ['cPickle', 'loads', /imported as pickle\.loads/]
  ])('%s.%s is dangerous', (m, n, why) => {
    const c = classifyGlobal(m, n)
    expect(c.verdict).toBe('dangerous')
    expect(c.reason).toMatch(why)
  })

  it.each([
    ['__builtin__', 'xrange'], ['__builtin__', 'unicode'], ['__builtin__', 'long'], ['__builtin__', 'basestring'],
    ['exceptions', 'ValueError'], ['exceptions', 'StandardError'], ['_abcoll', 'Mapping'], ['copy_reg', '_reconstructor']
  ])('%s.%s maps to an allowed Python 3 name', (m, n) => expect(v(m, n)).toBe('allowed'))

  it.each([
    ['itertools', 'imap'], ['UserDict', 'UserDict'], ['repr', 'Repr'], ['ConfigParser', 'RawConfigParser'], ['HTMLParser', 'HTMLParser']
  ])('%s.%s maps to an unvetted name', (m, n) => expect(v(m, n)).toBe('unknown'))
})

// The class allowlist names model-part module trees and explicit data types, not whole packages.
describe('classifyGlobal: side-effecting framework classes', () => {
  it.each([
    ['pandas', 'HDFStore', /HDF5 file at construction/], ['pandas', 'ExcelWriter', /for writing at construction/],
    ['pandas', 'ExcelFile', /reads a file/], ['pandas.io.pytables', 'HDFStore', /^pandas\.io: /],
    ['torchvision.datasets', 'MNIST', /^torchvision\.datasets: downloads/], ['torchvision.datasets.mnist', 'FashionMNIST', /downloads/],
    ['torchvision.io', 'read_image', /torchvision\.io/], ['torchvision.utils', 'save_image', /"save_image"/],
    ['joblib', 'Memory', /cache directories/], ['joblib.memory', 'Memory', /cache directories/], ['joblib', 'Parallel', /worker processes/],
    ['sklearn.externals.joblib.memory', 'Memory', /^joblib\.memory: /], ['catboost.datasets', 'titanic', /downloads datasets/],
    ['xgboost.tracker', 'RabitTracker', /network sockets/], ['pandas.core.generic', 'NDFrame.to_csv', /"to_csv" writes files/]
  ])('%s.%s writes, reads or downloads files: dangerous', (m, n, why) => {
    const c = classifyGlobal(m, n)
    expect(c.verdict).toBe('dangerous')
    expect(c.reason).toMatch(why)
  })

  it.each([
    ['pandas', 'Grouper'], ['numpy.polynomial.polynomial', 'Polynomial'], ['torchvision.tv_tensors', 'Image'],
    ['timm.data.loader', 'PrefetchLoader'], ['xgboost.core', 'DMatrix'], ['lightgbm.basic', 'Dataset'], ['catboost.core', 'Pool'],
    ['sklearn.utils.parallel', 'Parallel'], ['datetime', 'MINYEAR'], ['joblib.numpy_pickle', 'NumpyPickler'],
    ['sentencepiece', 'SentencePieceTrainer']
  ])('%s.%s is no longer allowed by a package-wide rule', (m, n) => expect(v(m, n)).toBe('unknown'))

  it.each([
    ['pandas.core.frame', 'DataFrame'], ['pandas.core.series', 'Series'], ['pandas.core.indexes.range', 'RangeIndex'],
    ['pandas.core.internals.managers', 'BlockManager'], ['pandas._libs.tslibs.timestamps', 'Timestamp'], ['pandas', 'Categorical'],
    ['pandas._libs.arrays', '__pyx_unpickle_NDArrayBacked'], ['numpy.dtypes', 'Float16DType'], ['numpy.ma.core', 'MaskedArray'],
    ['scipy.sparse._csr', 'csr_matrix'], ['scipy.sparse', 'coo_array'], ['sklearn.pipeline', 'Pipeline'],
    ['sklearn.tree._tree', 'Tree'], ['sklearn.externals.joblib.numpy_pickle', 'NumpyArrayWrapper'], ['torchvision.models.resnet', 'ResNet'],
    ['torchvision.transforms.transforms', 'Compose'], ['timm.models.vision_transformer', 'VisionTransformer'], ['timm.layers.mlp', 'Mlp'],
    ['transformers.models.bert.modeling_bert', 'BertModel'], ['transformers.training_args', 'TrainingArguments'],
    ['tokenizers', 'Tokenizer'], ['tokenizers.models', 'BPE'], ['sentencepiece', 'SentencePieceProcessor'], ['datetime', 'timezone'],
    ['torch.nn.parallel.data_parallel', 'DataParallel'], ['xgboost.core', 'Booster'], ['lightgbm.sklearn', 'LGBMClassifier']
  ])('still allows %s.%s', (m, n) => expect(v(m, n)).toBe('allowed'))
})

// Loaders that fetch or deserialize more code are errors, not warnings.
describe('classifyGlobal: loaders of remote code and serialized data', () => {
  it.each([
    ['transformers', 'pipeline'], ['transformers.pipelines', 'pipeline'], ['transformers', 'TextGenerationPipeline'],
    ['transformers', 'AutoModelForCausalLM'], ['transformers', 'AutoModel.from_pretrained'], ['transformers.models.auto.modeling_auto', 'AutoModel'],
    ['transformers.models.bert.modeling_bert', 'BertModel.from_pretrained'], ['transformers.dynamic_module_utils', 'get_class_from_dynamic_module'],
    ['diffusers', 'StableDiffusionPipeline'], ['diffusers', 'DiffusionPipeline.from_pretrained'], ['diffusers.loaders', 'LoraLoaderMixin'],
    ['torch.hub', 'load'], ['torch.hub', 'download_url_to_file'], ['torch.utils.model_zoo', 'load_url'], ['torch.utils.tensorboard', 'SummaryWriter'],
    ['huggingface_hub', 'hf_hub_download'], ['huggingface_hub.file_download', 'cached_download'], ['mylib.hub', 'snapshot_download'],
    ['numpy', 'load'], ['numpy.lib.format', 'read_array'], ['numpy.lib.format', 'open_memmap'], ['numpy.lib._format_impl', 'read_array'],
    ['numpy.lib._npyio_impl', 'NpzFile'], ['numpy', 'DataSource'], ['joblib', 'load'], ['joblib.numpy_pickle', 'load_compatibility'],
    ['pandas', 'read_pickle'], ['pandas', 'read_parquet'], ['pandas.core.frame', 'DataFrame.to_pickle'], ['dill', 'loads'],
    ['cloudpickle', 'loads'], ['torch', 'load'], ['torch', 'save'], ['timm', 'create_model'], ['sentence_transformers', 'SentenceTransformer'],
    ['datasets', 'load_dataset'], ['keras.saving', 'load_model'], ['tensorflow.keras.models', 'load_model'], ['mylib', 'load_weights'],
    ['tokenizers', 'Tokenizer.from_file'], ['tensorflow.keras.utils', 'get_file'], ['mlflow.pyfunc', 'load_model'], ['fsspec', 'open']
  ])('%s.%s is dangerous', (m, n) => {
    const c = classifyGlobal(m, n)
    expect(c.verdict).toBe('dangerous')
    expect(c.reason).toBeTruthy()
  })
})

describe('classifyGlobal: a project\'s own modules that share a name with a loader package', () => {
  it.each([['datasets', 'CIFARDataset'], ['evaluate', 'Evaluator'], ['peft', 'LoraConfig']])('%s.%s stays unknown', (m, n) => expect(v(m, n)).toBe('unknown'))
  it.each([['datasets', 'load_dataset'], ['datasets.load', 'load_from_disk'], ['evaluate', 'load'], ['peft', 'PeftModel.from_pretrained']])(
    '%s.%s is still a loader',
    (m, n) => expect(v(m, n)).toBe('dangerous')
  )
})
