/**
 * Framework model classes are rebuilt from state when a saved model loads (`__new__` + BUILD); a pickle
 * that calls one with its own arguments builds a model from a config it supplies, which can fetch and
 * load other weights (a pretrained or `hf-hub:` backbone): a warning, never silence.
 */
import { scanPickleBuffer } from '../../src/inspect/pickle/index.js'
import { pb, type PickleBuilder } from './builder.js'

const TIMM_BACKBONE = ['transformers.models.timm_backbone.modeling_timm_backbone', 'TimmBackbone'] as const
const sg = (b: PickleBuilder, m: string, n: string) => b.unicode(m).unicode(n).stackGlobal()

test('TimmBackbone(None) called by REDUCE is a warning naming the class and why', () => {
  const r = scanPickleBuffer(sg(pb().proto(4), ...TIMM_BACKBONE).none().tuple(1).reduce().stop().build())
  expect(r.issues).toEqual([
    {
      rule: 'unknown-global',
      severity: 'warning',
      message:
        'Loading this pickle constructs transformers.models.timm_backbone.modeling_timm_backbone.TimmBackbone with arguments from the file (STACK_GLOBAL at byte 74): a model built from a config can download and load other weights (a pretrained or hf-hub: backbone), which ModelGate cannot vet. A saved model is normally rebuilt without calling its constructor.',
      fix: 'Convert the model to safetensors (or another format without code). If you have reviewed this import and trust it, lower the rule for this repository (`severity: {unknown-global: note}` in .modelgate.yml).',
      offset: 74
    }
  ])
})

test('timm and torchvision model classes called with arguments warn the same way', () => {
  for (const [m, n] of [
    ['timm.models.resnet', 'ResNet'],
    ['torchvision.models.resnet', 'ResNet']
  ] as const) {
    const r = scanPickleBuffer(sg(pb().proto(4), m, n).mark().bool(true).tuple().reduce().stop().build())
    expect(r.issues.map((i) => [i.severity, i.rule, i.message.slice(0, i.message.indexOf(' (STACK_GLOBAL'))])).toEqual([
      ['warning', 'unknown-global', `Loading this pickle constructs ${m}.${n} with arguments from the file`]
    ])
  }
})

test('the same classes rebuilt the way torch.save(model) writes them (NEWOBJ + BUILD) stay silent', () => {
  const r = scanPickleBuffer(sg(pb().proto(4), ...TIMM_BACKBONE).tuple(0).newobj().emptyDict().op(0x62).stop().build())
  expect(r.issues).toEqual([])
})

test('an enum or config class called with its value (training_args.bin) is not a model constructor', () => {
  const r = scanPickleBuffer(sg(pb().proto(4), 'transformers.trainer_utils', 'IntervalStrategy').unicode('steps').tuple(1).reduce().stop().build())
  expect(r.issues).toEqual([])
})
