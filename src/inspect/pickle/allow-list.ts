/**
 * The allowlist: globals that real frameworks write when they pickle models, arrays
 * and frames, vetted as inert to import and to call the way pickles call them.
 * Exact names first; then classes (CapWords names) in module trees that only define
 * layers, estimators and boosters, minus classes whose names say they do I/O; then a
 * few explicit class-name sets where the package mixes data types with I/O (pandas).
 * The denylist is applied before any class rule.
 */

/** Exact globals vetted as inert: constructors and rebuild helpers frameworks write. */
export const ALLOW_EXACT = new Set([
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
  'pandas._libs.sparse._unpickle_sparse_dense', 'pandas._libs.tslibs.offsets._offset_unpickle',
  'pandas.core.indexes.datetimes._new_DatetimeIndex', 'pandas.core.indexes.period._new_PeriodIndex',
  'pandas._libs.arrays.__pyx_unpickle_NDArrayBacked',
  // numpy classes pickles name (records, masked arrays, scalar types)
  ...['numpy.core.records', 'numpy._core.records'].flatMap((m) => [`${m}.recarray`, `${m}.record`]),
  'numpy.recarray', 'numpy.record', 'numpy.ma.core.MaskedArray', 'numpy.ma.core.MaskedConstant', 'numpy.ma.MaskedArray',
  'numpy.bool', 'numpy.int_', 'numpy.uint', 'numpy.float_', 'numpy.complex_', 'numpy.clongdouble', 'numpy.complex256',
  // torch wrappers whose state is the wrapped module (torch.save(model) of a DataParallel model)
  'torch.nn.parallel.data_parallel.DataParallel',
  // the sklearn composites that share a name with loader-like classes below
  'sklearn.pipeline.Pipeline', 'sklearn.pipeline.FeatureUnion',
  'sentencepiece.SentencePieceProcessor', 'datetime.tzinfo'
])

/**
 * Module trees whose classes are model parts (estimators, layers, optimizers, boosters,
 * transforms, tokenizer models). Not whole packages: torchvision.datasets/io,
 * timm.data loaders, pandas.io and the like are outside these trees.
 */
export const CLASS_MODULES = [
  'sklearn.', 'torch.nn.modules.', 'torch.nn.utils.', 'torch.nn.intrinsic.', 'torch.nn.quantized.', 'torch.nn.qat.',
  'torch.optim.', 'torch.distributions.', 'torch.ao.nn.', 'torch.ao.quantization.', 'xgboost.', 'lightgbm.', 'catboost.',
  'scipy.sparse.', 'scipy.stats.', 'tokenizers.', 'timm.models.', 'timm.layers.', 'timm.data.transforms.', 'torchvision.models.',
  'torchvision.ops.', 'torchvision.transforms.'
]

/**
 * transformers modules whose classes real pickles hold (torch.save(model), training_args.bin,
 * pickled tokenizers and processors): models, layers and configs (`models.<arch>.modeling_*`,
 * `configuration_*`, the pre-4.0 flat `transformers.modeling_bert`), tokenizers, processors,
 * activations, generation and quantization configs, training arguments and their enums. Not the
 * whole package: retrieval indexes, agents and tools load files and run remote code when
 * constructed. Pickles name a class by its defining module, never by a top-level re-export, so
 * `transformers.X` is not vetted (and a denied name stays denied through it: deny-list.ts).
 */
export const TRANSFORMERS_CLASS_MODULE = new RegExp(
  '^transformers\\.(?:(?:models\\.(?:\\w+\\.)*)?(?:modeling|configuration|tokenization|image_processing|feature_extraction|processing|video_processing)_\\w+' +
    '|activations|pytorch_utils|cache_utils|optimization|image_utils|debug_utils|training_args(?:_\\w+)?|trainer_utils|file_utils' +
    '|utils\\.generic|utils\\.quantization_config|generation(?:\\.\\w+)*|quantizers(?:\\.\\w+)*|data\\.data_collator)$'
)

/** Class names that say the class does I/O, networking or concurrency: never allowed by a module rule. */
export const CLASS_IO =
  /(Writer|Store|Reader|Stream|Downloader|Loader|Saver|Server|Client|Connection|Socket|Tracker|Executor|Pool|Process|Thread|Memory|Cache|Handler|File|Dataset|DataSet|DMatrix|Trainer|Callback|Agent|Tool|Pipeline|Parallel)$/

/** pandas data types (frames, indexes, arrays, dtypes, scalars, offsets), allowed under pandas.core / pandas._libs / pandas. */
export const PANDAS_CLASSES = new Set([
  'DataFrame', 'Series', 'Index', 'RangeIndex', 'MultiIndex', 'CategoricalIndex', 'DatetimeIndex', 'TimedeltaIndex',
  'PeriodIndex', 'IntervalIndex', 'Int64Index', 'UInt64Index', 'Float64Index', 'NumericIndex', 'BlockManager',
  'SingleBlockManager', 'Categorical', 'CategoricalDtype', 'DatetimeTZDtype', 'PeriodDtype', 'IntervalDtype', 'SparseDtype',
  'StringDtype', 'BooleanDtype', 'Int8Dtype', 'Int16Dtype', 'Int32Dtype', 'Int64Dtype', 'UInt8Dtype', 'UInt16Dtype',
  'UInt32Dtype', 'UInt64Dtype', 'Float32Dtype', 'Float64Dtype', 'ArrowDtype', 'DatetimeArray', 'TimedeltaArray',
  'PeriodArray', 'IntervalArray', 'IntegerArray', 'FloatingArray', 'BooleanArray', 'StringArray', 'ArrowStringArray',
  'ArrowExtensionArray', 'SparseArray', 'NumpyExtensionArray', 'PandasArray', 'Timestamp', 'Timedelta', 'Period', 'Interval',
  'NaTType', 'IntIndex', 'BlockIndex', 'Flags', 'DateOffset', 'Day', 'Hour', 'Minute', 'Second', 'Milli', 'Micro', 'Nano',
  'BusinessDay', 'MonthEnd', 'MonthBegin', 'BusinessMonthEnd', 'BusinessMonthBegin', 'YearEnd', 'YearBegin',
  'QuarterEnd', 'QuarterBegin', 'Week', 'WeekOfMonth', 'Easter', 'FY5253'
])

/** Module prefixes that are inert namespaces: TorchScript classes are resolved by TorchScript, not Python imports. */
export const ALLOW_ANY_PREFIXES = ['__torch__.', 'collections.abc.']
