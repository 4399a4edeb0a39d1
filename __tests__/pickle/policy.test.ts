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
