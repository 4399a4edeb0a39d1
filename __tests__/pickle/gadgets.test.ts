/**
 * Globals that run code although they look like framework classes or private helpers
 * (issue #4's second red-team pass): transformers retrieval indexes, TransfoXL tokenizers
 * and agent tools, torch.fx's exec of GraphModule source, unittest.mock's importer, and
 * walks through a private module alias (`collections._sys`). Pickles built opcode by
 * opcode; nothing is unpickled.
 */
import { classifyGlobal, scanPickleBuffer } from '../../src/inspect/pickle/index.js'
import { pb, type PickleBuilder } from './builder.js'

const sg = (b: PickleBuilder, m: string, n: string) => b.unicode(m).unicode(n).stackGlobal()
/** `functools.partial(module.name, **{key: value})()`, as the recipe builds it (NEWOBJ_EX). */
const partialKw = (b: PickleBuilder, m: string, n: string, key: string, value: string) =>
  sg(sg(b, 'functools', 'partial'), m, n).tuple(1).emptyDict().unicode(key).unicode(value).setitem().op(0x92).tuple(0).reduce()
const FIX = 'Do not load this file. Get the weights from a trusted source in a format that cannot run code (e.g. safetensors: `safetensors.torch.save_file(model.state_dict(), ...)`).'
const error = (message: string, offset: number) => [{ rule: 'unsafe-serialization', severity: 'error', message, fix: FIX, offset }]

const RAG = 'transformers.models.rag: RAG retrieval: indexes download passages and unpickle them (LegacyIndex, CVE-2023-6730) or run dataset loading scripts (CanonicalHFIndex calls load_dataset)'
const FX = 'torch.fx.graph_module: executes Python source carried in the file (GraphModule code is exec()ed when unpickled)'
const SRC = "import os\nos.system('id')\ndef forward(self):\n    return 0\n"

describe('transformers classes that load files or run remote code', () => {
  it("LegacyIndex(768, 'attacker/evil-index') (downloads and unpickles an index, CVE-2023-6730) is an error", () => {
    const b = sg(pb().proto(4), 'transformers.models.rag.retrieval_rag', 'LegacyIndex').int(768).unicode('attacker/evil-index').tuple(2).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error(`Loading this pickle runs code: STACK_GLOBAL at byte 54 imports transformers.models.rag.retrieval_rag.LegacyIndex, which is dangerous (${RAG}).`, 54)
    )
  })

  it("CanonicalHFIndex(768, 'attacker/evil-dataset') (load_dataset runs a loading script) is an error", () => {
    const b = sg(pb().proto(4), 'transformers.models.rag.retrieval_rag', 'CanonicalHFIndex').int(768).unicode('attacker/evil-dataset').tuple(2).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error(`Loading this pickle runs code: STACK_GLOBAL at byte 59 imports transformers.models.rag.retrieval_rag.CanonicalHFIndex, which is dangerous (${RAG}).`, 59)
    )
  })

  it('partial(TransfoXLTokenizer, pretrained_vocab_file=...)() (unpickles the file, CVE-2023-7018) is an error', () => {
    const b = partialKw(pb().proto(4), 'transformers.models.transfo_xl.tokenization_transfo_xl', 'TransfoXLTokenizer', 'pretrained_vocab_file', 'assets/vocab.bin')
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error(
        'Loading this pickle runs code: STACK_GLOBAL at byte 99 imports transformers.models.transfo_xl.tokenization_transfo_xl.TransfoXLTokenizer, which is dangerous (transformers.models.transfo_xl.tokenization_transfo_xl: TransfoXLTokenizer/TransfoXLCorpus unpickle their vocabulary and corpus files (CVE-2023-7018)). It is called through functools.partial at byte 144.',
        99
      )
    )
  })

  it('the same tokenizer through the top-level re-export (transformers.TransfoXLTokenizer) is an error by its name', () => {
    const b = partialKw(pb().proto(4), 'transformers', 'TransfoXLTokenizer', 'pretrained_vocab_file', 'assets/vocab.bin')
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error(
        'Loading this pickle runs code: STACK_GLOBAL at byte 57 imports transformers.TransfoXLTokenizer, which is dangerous (transformers.TransfoXLTokenizer: unpickles its vocabulary or corpus file when constructed (pretrained_vocab_file, CVE-2023-7018)). It is called through functools.partial at byte 102.',
        57
      )
    )
  })

  it("transformers.ToolCollection('attacker/tools-123') escapes transformers.tools through the re-export: an error by its name", () => {
    const b = sg(pb().proto(4), 'transformers', 'ToolCollection').unicode('attacker/tools-123').tuple(1).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error(
        'Loading this pickle runs code: STACK_GLOBAL at byte 32 imports transformers.ToolCollection, which is dangerous (transformers.ToolCollection: agents and tools (transformers.agents, transformers.tools) download tools from the Hub and run generated Python code).',
        32
      )
    )
  })

  it.each([
    ['transformers', 'LegacyIndex'], ['transformers', 'RagRetriever'], ['transformers', 'RagTokenForGeneration'], ['transformers', 'RealmRetriever'],
    ['transformers.models.deprecated.realm.retrieval_realm', 'RealmRetriever'], ['transformers.models.realm.retrieval_realm', 'ScaNNSearcher'],
    ['transformers.models.deprecated.transfo_xl.tokenization_transfo_xl', 'TransfoXLCorpus'], ['transformers', 'TransfoXLCorpus'],
    ['transformers', 'Tool'], ['transformers', 'PipelineTool'], ['transformers', 'RemoteTool'], ['transformers', 'HfAgent'],
    ['transformers', 'ReactCodeAgent'], ['transformers', 'AgentImage'], ['transformers', 'HfApiEngine'], ['transformers', 'TransformersEngine'],
    ['transformers.agents.python_interpreter', 'LocalPythonInterpreter'], ['transformers.models.rag.configuration_rag', 'RagConfig']
  ])('%s.%s is dangerous under any module path', (m, n) => expect(classifyGlobal(m, n).verdict).toBe('dangerous'))

  // What torch.save(model), training_args.bin and pickled tokenizers/processors really contain.
  it.each([
    ['transformers.models.bert.modeling_bert', 'BertSelfAttention'], ['transformers.models.llama.modeling_llama', 'LlamaRMSNorm'],
    ['transformers.models.gpt2.modeling_gpt2', 'GPT2LMHeadModel'], ['transformers.models.bert.configuration_bert', 'BertConfig'],
    ['transformers.models.bert.tokenization_bert_fast', 'BertTokenizerFast'], ['transformers.models.bert.tokenization_bert', 'WordpieceTokenizer'],
    ['transformers.models.vit.image_processing_vit', 'ViTImageProcessor'], ['transformers.models.whisper.feature_extraction_whisper', 'WhisperFeatureExtractor'],
    ['transformers.models.clip.processing_clip', 'CLIPProcessor'], ['transformers.models.deprecated.transfo_xl.modeling_transfo_xl', 'TransfoXLModel'],
    ['transformers.modeling_bert', 'BertModel'], ['transformers.configuration_utils', 'PretrainedConfig'],
    ['transformers.tokenization_utils_base', 'BatchEncoding'], ['transformers.tokenization_utils', 'Trie'], ['transformers.activations', 'GELUActivation'],
    ['transformers.pytorch_utils', 'Conv1D'], ['transformers.generation.configuration_utils', 'GenerationConfig'],
    ['transformers.utils.quantization_config', 'BitsAndBytesConfig'], ['transformers.utils.generic', 'PaddingStrategy'],
    ['transformers.training_args', 'TrainingArguments'], ['transformers.training_args', 'OptimizerNames'], ['transformers.trainer_utils', 'IntervalStrategy'],
    ['transformers.debug_utils', 'DebugOption'], ['transformers.quantizers.quantizer_bnb_4bit', 'Bnb4BitHfQuantizer'], ['transformers.file_utils', 'ModelOutput']
  ])('still allows %s.%s', (m, n) => expect(classifyGlobal(m, n)).toEqual({ verdict: 'allowed' }))

  // A pickle names a class by its defining module; top-level re-exports and modules that do
  // I/O are not what a saved model contains, so they are unvetted rather than allowed.
  it.each([
    ['transformers', 'BertModel'], ['transformers.models.bert', 'BertModel'], ['transformers.hf_argparser', 'HfArgumentParser'],
    ['transformers.benchmark.benchmark', 'PyTorchBenchmark'], ['transformers.models.bert.convert_bert_original_tf_checkpoint_to_pytorch', 'Helper'],
    ['transformers.modelcard', 'ModelCard']
  ])('leaves %s.%s unknown', (m, n) => expect(classifyGlobal(m, n)).toEqual({ verdict: 'unknown', reason: 'not on the vetted list of framework globals' }))
})

describe('code-execution gadgets that used to warn', () => {
  it('torch.fx.graph_module.reduce_graph_module({"_code": source}, "") execs the source: an error', () => {
    const b = sg(pb().proto(4), 'torch.fx.graph_module', 'reduce_graph_module').emptyDict().unicode('_code').unicode(SRC).setitem().unicode('').tuple(2).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error(`Loading this pickle runs code: STACK_GLOBAL at byte 46 imports torch.fx.graph_module.reduce_graph_module, which is dangerous (${FX}).`, 46)
    )
  })

  it('torch.fx.graph_module._forward_from_src(source, {}) is an error', () => {
    const b = sg(pb().proto(4), 'torch.fx.graph_module', '_forward_from_src').unicode("import os\nos.system('id')\ndef forward(self): pass\n").emptyDict().tuple(2).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error(`Loading this pickle runs code: STACK_GLOBAL at byte 44 imports torch.fx.graph_module._forward_from_src, which is dangerous (${FX}).`, 44)
    )
  })

  it.each([['_exec_with_source'], ['_method_from_src'], ['reduce_package_graph_module'], ['reduce_deploy_graph_module'], ['GraphModule']])(
    'torch.fx.graph_module.%s is dangerous',
    (n) => expect(classifyGlobal('torch.fx.graph_module', n)).toEqual({ verdict: 'dangerous', reason: FX })
  )

  it("unittest.mock._importer('os') imports any module by name: an error", () => {
    const b = sg(pb().proto(4), 'unittest.mock', '_importer').unicode('os').tuple(1).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error('Loading this pickle runs code: STACK_GLOBAL at byte 28 imports unittest.mock._importer, which is dangerous (unittest: imports modules by dotted name (mock._importer, patch) and runs tests (main)).', 28)
    )
  })

  it.each([
    ['mock.mock', '_importer', 'name component "_importer" is a code-execution, file, network or loader gadget'],
    ['mock', '_dot_lookup', 'name component "_dot_lookup" is a code-execution, file, network or loader gadget'],
    ['werkzeug.utils', 'import_string', 'name component "import_string" is a code-execution, file, network or loader gadget'],
    ['kombu.utils.imports', 'symbol_by_name', 'name component "symbol_by_name" is a code-execution, file, network or loader gadget'],
    ['hydra.utils', 'instantiate', 'hydra: instantiates and calls any object a config names (hydra.utils.instantiate)'],
    ['_functools', 'reduce', 'calls a callable repeatedly'], ['_imp', 'create_dynamic', '_imp: loads native extension modules'],
    ['_frozen_importlib', 'BuiltinImporter', '_frozen_importlib: the import system (imports arbitrary modules)'],
    ['_frozen_importlib_external', 'SourceFileLoader', '_frozen_importlib_external: the import system (loads modules from files)'],
    ['_pyio', 'FileIO', '_pyio: opens files (pure-Python io)'],
    ['_sitebuiltins', '_Printer', '_sitebuiltins: help() and license() objects run the pydoc pager and read files']
  ])('%s.%s is dangerous (%s)', (m, n, reason) => expect(classifyGlobal(m, n)).toEqual({ verdict: 'dangerous', reason }))
})

describe('walks through a private alias of a denied module', () => {
  it('collections._sys.breakpointhook() is sys.breakpointhook: an error', () => {
    const b = sg(pb().proto(4), 'collections', '_sys.breakpointhook').tuple(0).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual(
      error(
        'Loading this pickle runs code: STACK_GLOBAL at byte 36 imports collections._sys.breakpointhook, which is dangerous (name component "_sys" is the sys module under another name (interpreter internals: sys.modules, breakpointhook, settrace)).',
        36
      )
    )
  })

  it.each([
    ['mylib.utils', '_os.system', 'name component "_os" is the os module under another name (runs shell commands and touches files)'],
    ['random', '_os.popen', 'name component "_os" is the os module under another name (runs shell commands and touches files)'],
    ['mylib.utils', '_shutil.rmtree', 'name component "_shutil" is the shutil module under another name (copies/deletes files)'],
    ['dataclasses', '_sys', 'name component "_sys" is the sys module under another name (interpreter internals: sys.modules, breakpointhook, settrace)'],
    ['numpy', '_builtins.eval', 'name component "_builtins" is the builtins module under another name (eval, exec, __import__, getattr)'],
    ['mylib', '_importlib.import_module', 'name component "_importlib" is the importlib module under another name (imports arbitrary modules)'],
    ['subprocess', '_subprocess.CreateProcess', 'subprocess: runs programs'],
    ['collections', '__builtins__.eval', 'name component "__builtins__" is the builtins module under another name (eval, exec, __import__, getattr)'],
    ['mylib._sys', 'modules', 'module path component "_sys" is the sys module under another name (interpreter internals: sys.modules, breakpointhook, settrace)']
  ])('%s.%s is dangerous (%s)', (m, n, reason) => expect(classifyGlobal(m, n)).toEqual({ verdict: 'dangerous', reason }))

  // A leading underscore alone does not make a module alias: private helpers keep their verdict.
  it.each([['mylib', '_types'], ['mylib', '_code.helper'], ['mylib._io_utils', 'Reader']])('%s.%s stays unknown', (m, n) =>
    expect(classifyGlobal(m, n).verdict).toBe('unknown')
  )
})

describe('denial of service only', () => {
  // bytearray(2**34) allocates 16 GiB when loaded: a resource problem, not code execution; it stays allowed.
  it('builtins.bytearray(huge) is not a finding', () => {
    const b = sg(pb().proto(4), 'builtins', 'bytearray').long1([0, 0, 0, 0, 4]).tuple(1).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual([])
  })
})
