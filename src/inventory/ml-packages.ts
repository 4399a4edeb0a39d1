/**
 * Packages that load, run or train models, or call model APIs: the ones whose
 * versions decide what a model does. Maintained by hand; names are normalised
 * (PyPI: PEP 503, lower case with `-`; npm: as published).
 */
const PYPI = new Set([
  'torch', 'torchvision', 'torchaudio', 'torchtext', 'lightning', 'pytorch-lightning', 'xformers', 'flash-attn', 'triton',
  'tensorflow', 'tf-keras', 'tf-nightly', 'keras', 'keras-nlp', 'keras-hub', 'keras-cv',
  'jax', 'jaxlib', 'flax', 'optax', 'equinox',
  'transformers', 'diffusers', 'datasets', 'safetensors', 'tokenizers', 'huggingface-hub', 'hf-transfer', 'hf-xet',
  'accelerate', 'peft', 'trl', 'evaluate', 'bitsandbytes', 'deepspeed', 'auto-gptq', 'autoawq', 'unsloth', 'gguf',
  'onnx', 'onnxconverter-common', 'skl2onnx', 'tf2onnx', 'openvino', 'tensorrt', 'coremltools',
  'scikit-learn', 'sklearn', 'xgboost', 'lightgbm', 'catboost', 'joblib', 'statsmodels',
  'vllm', 'sglang', 'llama-cpp-python', 'ctransformers', 'mlc-llm', 'exllamav2', 'text-generation',
  'sentence-transformers', 'timm', 'open-clip-torch', 'ultralytics', 'fastai', 'paddlepaddle', 'paddlepaddle-gpu', 'mxnet',
  'spacy', 'gensim', 'sentencepiece', 'tiktoken', 'openai-whisper', 'faster-whisper', 'nltk', 'stanza', 'flair',
  'mlflow', 'mlflow-skinny', 'wandb', 'dvc', 'bentoml', 'ray',
  'openai', 'anthropic', 'cohere', 'mistralai', 'google-generativeai', 'google-genai', 'litellm', 'ollama', 'groq',
  'langgraph', 'haystack-ai', 'farm-haystack', 'dspy', 'dspy-ai', 'guidance', 'instructor', 'crewai', 'autogen', 'pyautogen',
  'faiss-cpu', 'faiss-gpu', 'chromadb', 'torch-geometric', 'dgl'
])
/** Families published under one prefix (`langchain-openai`, `llama-index-core`, `tensorflow-hub`, ...). */
const PYPI_PREFIXES = ['langchain', 'llama-index', 'tensorflow-', 'torch-', 'onnxruntime', 'optimum', 'keras-', 'jax-', 'mlflow-', 'nvidia-cudnn', 'tensorrt-']

/** Conda names that differ from PyPI's. */
const CONDA_ALIASES: Record<string, string> = {
  pytorch: 'torch', 'pytorch-gpu': 'torch', 'pytorch-cpu': 'torch', 'pytorch-cuda': 'torch', 'py-xgboost': 'xgboost',
  'py-xgboost-gpu': 'xgboost', 'tensorflow-gpu': 'tensorflow', 'huggingface-hub': 'huggingface-hub'
}

const NPM = new Set([
  '@huggingface/transformers', '@xenova/transformers', 'onnxruntime-node', 'onnxruntime-web', 'onnxruntime-react-native', 'onnxruntime-common',
  'ml5', 'brain.js', 'synaptic', 'openai', '@anthropic-ai/sdk', 'langchain', 'llamaindex', 'node-llama-cpp', '@mlc-ai/web-llm',
  '@google/generative-ai', '@google/genai', 'cohere-ai', '@mistralai/mistralai', 'ollama', 'groq-sdk', 'ai', 'gpt-tokenizer', 'tiktoken', 'js-tiktoken'
])
const NPM_PREFIXES = ['@tensorflow/tfjs', '@tensorflow-models/', '@langchain/', '@huggingface/', '@mediapipe/tasks-', '@ai-sdk/', '@xenova/', '@llamaindex/']

/** PEP 503: lower case, runs of `-`, `_` and `.` become one `-`. */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase()
}

export function isMlPackage(ecosystem: 'pypi' | 'conda' | 'npm', name: string): boolean {
  if (ecosystem === 'npm') {
    const n = name.toLowerCase()
    return NPM.has(n) || NPM_PREFIXES.some((p) => n.startsWith(p))
  }
  let n = normalizePypiName(name)
  if (ecosystem === 'conda') n = CONDA_ALIASES[n] ?? n
  return PYPI.has(n) || PYPI_PREFIXES.some((p) => n.startsWith(p))
}
