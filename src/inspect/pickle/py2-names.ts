/**
 * Python 2 names the Python 3 unpickler renames before importing (find_class with
 * protocol < 3 and fix_imports, the default): CPython's Lib/_compat_pickle.py
 * NAME_MAPPING (a (module, name) pair, looked up first) and IMPORT_MAPPING (a whole
 * module name, only when the pair is not mapped). The policy judges every global by
 * the target these tables give, so `thread.start_new_thread` is judged as
 * `_thread.start_new_thread` and `__builtin__.reduce` as `functools.reduce`.
 */

const IMPORT_MAPPING = new Map<string, string>(Object.entries({
  __builtin__: 'builtins', copy_reg: 'copyreg', Queue: 'queue', SocketServer: 'socketserver', ConfigParser: 'configparser',
  repr: 'reprlib', tkFileDialog: 'tkinter.filedialog', tkSimpleDialog: 'tkinter.simpledialog',
  tkColorChooser: 'tkinter.colorchooser', tkCommonDialog: 'tkinter.commondialog', Dialog: 'tkinter.dialog',
  Tkdnd: 'tkinter.dnd', tkFont: 'tkinter.font', tkMessageBox: 'tkinter.messagebox', ScrolledText: 'tkinter.scrolledtext',
  Tkconstants: 'tkinter.constants', Tix: 'tkinter.tix', ttk: 'tkinter.ttk', Tkinter: 'tkinter', markupbase: '_markupbase',
  _winreg: 'winreg', thread: '_thread', dummy_thread: '_dummy_thread', dbhash: 'dbm.bsd', dumbdbm: 'dbm.dumb',
  dbm: 'dbm.ndbm', gdbm: 'dbm.gnu', xmlrpclib: 'xmlrpc.client', SimpleXMLRPCServer: 'xmlrpc.server',
  httplib: 'http.client', htmlentitydefs: 'html.entities', HTMLParser: 'html.parser', Cookie: 'http.cookies',
  cookielib: 'http.cookiejar', BaseHTTPServer: 'http.server', 'test.test_support': 'test.support', commands: 'subprocess',
  urlparse: 'urllib.parse', robotparser: 'urllib.robotparser', urllib2: 'urllib.request', anydbm: 'dbm',
  _abcoll: 'collections.abc',
  // one-way additions
  cPickle: 'pickle', _elementtree: 'xml.etree.ElementTree', FileDialog: 'tkinter.filedialog',
  SimpleDialog: 'tkinter.simpledialog', DocXMLRPCServer: 'xmlrpc.server', SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server', UserDict: 'collections', UserList: 'collections', UserString: 'collections',
  whichdb: 'dbm', StringIO: 'io', cStringIO: 'io'
}))

const PAIRS: [string, string, string, string][] = [
  ['__builtin__', 'xrange', 'builtins', 'range'], ['__builtin__', 'reduce', 'functools', 'reduce'],
  ['__builtin__', 'intern', 'sys', 'intern'], ['__builtin__', 'unichr', 'builtins', 'chr'],
  ['__builtin__', 'unicode', 'builtins', 'str'], ['__builtin__', 'long', 'builtins', 'int'],
  ['__builtin__', 'basestring', 'builtins', 'str'],
  ['itertools', 'izip', 'builtins', 'zip'], ['itertools', 'imap', 'builtins', 'map'], ['itertools', 'ifilter', 'builtins', 'filter'],
  ['itertools', 'ifilterfalse', 'itertools', 'filterfalse'], ['itertools', 'izip_longest', 'itertools', 'zip_longest'],
  ['UserDict', 'IterableUserDict', 'collections', 'UserDict'], ['UserDict', 'UserDict', 'collections', 'UserDict'],
  ['UserList', 'UserList', 'collections', 'UserList'], ['UserString', 'UserString', 'collections', 'UserString'],
  ['whichdb', 'whichdb', 'dbm', 'whichdb'], ['_socket', 'fromfd', 'socket', 'fromfd'], ['socket', '_socketobject', 'socket', 'SocketType'],
  ['_multiprocessing', 'Connection', 'multiprocessing.connection', 'Connection'],
  ['multiprocessing.process', 'Process', 'multiprocessing.context', 'Process'],
  ['multiprocessing.forking', 'Popen', 'multiprocessing.popen_fork', 'Popen'],
  ['urllib', 'ContentTooShortError', 'urllib.error', 'ContentTooShortError'], ['urllib', 'getproxies', 'urllib.request', 'getproxies'],
  ['urllib', 'pathname2url', 'urllib.request', 'pathname2url'], ['urllib', 'quote_plus', 'urllib.parse', 'quote_plus'],
  ['urllib', 'quote', 'urllib.parse', 'quote'], ['urllib', 'unquote_plus', 'urllib.parse', 'unquote_plus'],
  ['urllib', 'unquote', 'urllib.parse', 'unquote'], ['urllib', 'url2pathname', 'urllib.request', 'url2pathname'],
  ['urllib', 'urlcleanup', 'urllib.request', 'urlcleanup'], ['urllib', 'urlencode', 'urllib.parse', 'urlencode'],
  ['urllib', 'urlopen', 'urllib.request', 'urlopen'], ['urllib', 'urlretrieve', 'urllib.request', 'urlretrieve'],
  ['urllib2', 'HTTPError', 'urllib.error', 'HTTPError'], ['urllib2', 'URLError', 'urllib.error', 'URLError'],
  ['exceptions', 'StandardError', 'builtins', 'Exception'],
  ...['ArithmeticError', 'AssertionError', 'AttributeError', 'BaseException', 'BufferError', 'BytesWarning', 'DeprecationWarning',
    'EOFError', 'EnvironmentError', 'Exception', 'FloatingPointError', 'FutureWarning', 'GeneratorExit', 'IOError',
    'ImportError', 'ImportWarning', 'IndentationError', 'IndexError', 'KeyError', 'KeyboardInterrupt', 'LookupError',
    'MemoryError', 'NameError', 'NotImplementedError', 'OSError', 'OverflowError', 'PendingDeprecationWarning',
    'ReferenceError', 'RuntimeError', 'RuntimeWarning', 'StopIteration', 'SyntaxError', 'SyntaxWarning', 'SystemError',
    'SystemExit', 'TabError', 'TargetScopeError', 'TypeError', 'UnboundLocalError', 'UnicodeDecodeError',
    'UnicodeEncodeError', 'UnicodeError', 'UnicodeTranslateError', 'UnicodeWarning', 'UserWarning', 'ValueError',
    'Warning', 'ZeroDivisionError', 'WindowsError'].map((e): [string, string, string, string] => ['exceptions', e, 'builtins', e]),
  ...['AuthenticationError', 'BufferTooShort', 'ProcessError', 'TimeoutError']
    .map((e): [string, string, string, string] => ['multiprocessing', e, 'multiprocessing.context', e])
]

const NAME_MAPPING = new Map<string, [string, string]>(PAIRS.map(([m, n, m3, n3]) => [`${m}\0${n}`, [m3, n3]]))

/** What `find_class(module, name)` imports under protocol < 3: the renamed pair, or the same one. */
export function python3Name(module: string, name: string): [string, string] {
  const pair = NAME_MAPPING.get(`${module}\0${name}`)
  if (pair) return pair
  const mod = IMPORT_MAPPING.get(module)
  return mod === undefined ? [module, name] : [mod, name]
}
