/**
 * What a pickle calls, beyond what it imports: functools.partial objects are judged by
 * the callable they wrap (also when BUILD swaps it), and `__main__` names warn unless
 * they are classes the stream only instantiates.
 */
import { scanPickleBuffer, type PickleScanResult } from '../../src/inspect/pickle/index.js'
import { pb, type PickleBuilder } from './builder.js'

const rules = (r: PickleScanResult) => r.issues.map((i) => `${i.severity}:${i.rule}`)
const sg = (b: PickleBuilder, m: string, n: string) => b.unicode(m).unicode(n).stackGlobal()
const partial = (b: PickleBuilder) => sg(b, 'functools', 'partial')

describe('functools.partial', () => {
  it('is silent around an allowed callable', () => {
    const b = partial(pb().proto(4))
    sg(b, 'builtins', 'len').tuple(1).reduce().unicode('abc').tuple(1).reduce()
    expect(scanPickleBuffer(b.stop().build()).issues).toEqual([])
  })

  it('warns around a call result: what calling it runs cannot be vetted', () => {
    const b = partial(pb().proto(4))
    sg(b, 'collections', 'OrderedDict').tuple(0).reduce().tuple(1).reduce()
    const r = scanPickleBuffer(b.stop().build())
    expect(r.issues).toEqual([
      {
        rule: 'unknown-global',
        severity: 'warning',
        message: 'functools.partial at byte 53 wraps a callable that is not a plain import (the result of a call), so what calling it runs cannot be vetted.',
        fix: expect.stringMatching(/lower the rule/),
        offset: 53
      }
    ])
  })

  it('warns when the wrapped callable is out of sight (a tuple longer than the machine keeps)', () => {
    const b = partial(pb().proto(4)).mark()
    for (let i = 0; i < 70; i++) b.none()
    expect(scanPickleBuffer(b.tuple().reduce().stop().build()).issues[0]!.message).toMatch(/wraps a callable that is not a plain import \(a value ModelGate cannot see\)/)
  })

  it('follows BUILD (partial.__setstate__), which replaces the callable', () => {
    const b = partial(pb().proto(4))
    sg(b, 'builtins', 'len').tuple(1).reduce()
    sg(b.mark(), 'mylib.tasks', 'run_job').tuple(0).emptyDict().none().tuple().build_()
    const r = scanPickleBuffer(b.stop().build())
    expect(rules(r)).toEqual(['warning:unknown-global'])
    expect(r.issues[0]!.message).toBe(
      'Loading this pickle imports an unvetted global: STACK_GLOBAL at byte 64 imports mylib.tasks.run_job (not on the vetted list of framework globals). It is called through functools.partial at byte 69.'
    )
  })

  it('sees through partial(partial(f)) and copyreg.__newobj__(partial, f)', () => {
    const b = partial(pb().proto(4))
    partial(b)
    sg(b, 'mylib', 'helper').tuple(1).reduce().tuple(1).reduce()
    sg(b, 'copyreg', '__newobj__')
    partial(b)
    sg(b, 'mylib', 'other').tuple(2).reduce().tuple(2).stop()
    const r = scanPickleBuffer(b.build())
    expect(r.issues.map((i) => i.message.replace(/.* imports (\S+) .*(called through functools\.partial at byte \d+)\./, '$1 $2'))).toEqual([
      'mylib.helper called through functools.partial at byte 61',
      'mylib.other called through functools.partial at byte 123'
    ])
  })
})

describe('__main__ names outside torch pickles', () => {
  const newobj = (name: string) => pb().proto(4).unicode('__main__').unicode(name).stackGlobal().tuple(0).newobj().emptyDict().build_().stop().build()

  it('a class instantiated as pickle writes instances (NEWOBJ + BUILD) is a note', () => {
    const r = scanPickleBuffer(newobj('AGPLNeuralNetwork'))
    expect(rules(r)).toEqual(['note:unknown-global'])
    expect(r.issues[0]!.message).toBe('STACK_GLOBAL at byte 31 imports __main__.AGPLNeuralNetwork, a class from the script that saved the file (__main__); loading needs that script\'s code.')
  })

  it('a call with the stream\'s arguments is a warning: the loading script decides what __main__.payload is', () => {
    const r = scanPickleBuffer(pb().proto(4).unicode('__main__').unicode('payload').stackGlobal().unicode('x').tuple(1).reduce().stop().build())
    expect(r.issues).toEqual([
      {
        rule: 'unknown-global',
        severity: 'warning',
        message: 'Loading this pickle runs whatever the loading program defines as __main__.payload: STACK_GLOBAL at byte 21 imports __main__.payload, and calls it with arguments from the file. ModelGate cannot resolve __main__ names, so it cannot say what that runs.',
        fix: expect.stringMatching(/lower the rule/),
        offset: 21
      }
    ])
  })

  it.each([
    ['a lower-case name never called', newobj('helper'), /which is not a class name/],
    ['a class called by REDUCE, even with no arguments', pb().proto(2).global('__main__', 'Net').tuple(0).reduce().stop().build(), /calls it with arguments/],
    ['INST with arguments (__init__)', pb().mark().none().inst('__main__', 'Net').stop().build(), /calls it with arguments/],
    ['OBJ with arguments', pb().mark().global('__main__', 'Net').none().obj().stop().build(), /calls it with arguments/],
    ['a partial around it', partial(pb().proto(4)).unicode('__main__').unicode('Net').stackGlobal().tuple(1).reduce().stop().build(), /calls it with arguments/],
    ['a dotted name', pb().proto(4).global('__main__', 'Net.make').stop().build(), /which is not a class name/],
    ['copyreg._reconstructor with a __main__ base (base.__init__(obj, state))',
      pb().proto(1).global('copyreg', '_reconstructor').mark().global('__main__', 'Net').global('__main__', 'Base').none().tuple().reduce().stop().build(),
      /__main__\.Base.*calls it with arguments/]
  ])('%s is a warning', (_, data, re) => {
    const r = scanPickleBuffer(data)
    expect(rules(r).filter((x) => x === 'warning:unknown-global')).toHaveLength(1)
    expect(r.issues.find((i) => i.severity === 'warning')!.message).toMatch(re)
  })

  it('copyreg._reconstructor(cls, object, None) and INST/OBJ without arguments only instantiate: notes', () => {
    const recon = pb().proto(1).global('copyreg', '_reconstructor').mark().global('__main__', 'Net').global('builtins', 'object').none().tuple().reduce().stop().build()
    expect(rules(scanPickleBuffer(recon))).toEqual(['note:unknown-global'])
    expect(rules(scanPickleBuffer(pb().mark().inst('__main__', 'Net').stop().build()))).toEqual(['note:unknown-global'])
  })
})
