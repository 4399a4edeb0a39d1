/**
 * Protocol-0 text arguments read as CPython's C unpickler reads them (Modules/_pickle.c:
 * strtol/PyLong_FromString/PyOS_string_to_double/escape decoders), and the scanner
 * stopping where CPython raises instead of reading a different value.
 */
import {
  checkFloatArg,
  escapeDecode,
  rawUnicodeEscape,
  readIntArg,
  readLongArg,
  readMemoIndex
} from '../../src/inspect/pickle/text-args.js'
import { scanPickleBuffer, type PickleScanResult } from '../../src/inspect/pickle/index.js'
import { pb } from './builder.js'

const b = (s: string) => Buffer.from(s, 'latin1')
const value = <T>(r: { ok: true; value: T } | { ok: false; why: string }): T | 'error' => (r.ok ? r.value : 'error')
const rules = (r: PickleScanResult) => r.issues.map((i) => `${i.severity}:${i.rule}`)
const names = (r: PickleScanResult) => r.globals.map((g) => `${g.module}.${g.name}`)

describe('INT: strtol(s, 0), then PyLong_FromString(s, 0)', () => {
  it.each([
    ['10', 10n], ['-7', -7n], ['+7', 7n], [' \t7', 7n], ['7 ', 7n], ['010', 8n], ['0x1f', 31n], ['0X1F', 31n],
    ['1_0', 10n], ['0o17', 15n], ['0b101', 5n], ['0x_1f', 31n], ['9223372036854775807', 9223372036854775807n],
    ['99999999999999999999', 99999999999999999999n], ['12\x00junk', 12n], ['0_0', 0n], ['-9223372036854775808', -9223372036854775808n]
  ])('%j is %s', (arg, n) => expect(value(readIntArg(b(arg)))).toEqual({ n, bool: false }))

  it.each([['00', 0n], ['01', 1n], [' 1', 1n], ['+0', 0n]])('%j is a bool (a three-byte line, strtol 0 or 1)', (arg, n) =>
    expect(value(readIntArg(b(arg)))).toEqual({ n, bool: true })
  )

  it.each(['', '08', '1__0', '1_', '_1', 'abc', '0x', '1.5', '- 1', '12L', '0777777777777777777777777'])('%j is rejected', (arg) =>
    expect(value(readIntArg(b(arg)))).toBe('error')
  )
})

describe('LONG: trailing L dropped, PyLong_FromString(s, 0)', () => {
  it.each([['10L', 10n], ['10', 10n], ['-0x10L', -16n], ['1_0L', 10n], ['0L', 0n], [' 5 L', 5n]])('%j is %s', (arg, n) =>
    expect(value(readLongArg(b(arg)))).toBe(n)
  )
  it.each(['L', '010L', '10LL', '1__0L', 'xL'])('%j is rejected', (arg) => expect(value(readLongArg(b(arg)))).toBe('error'))
  it('keeps an absurdly long value unknown instead of computing it', () => expect(value(readLongArg(b('9'.repeat(5000) + 'L')))).toBeNull())
})

describe('GET/PUT: PyLong_FromString(s, 10)', () => {
  it.each([['10', 10], ['1_0', 10], [' 10 ', 10], ['+10', 10], ['010', 10], ['1\x000', 1], ['0', 0]])('%j is memo %i', (arg, n) =>
    expect(value(readMemoIndex(b(arg), 'GET'))).toBe(n)
  )
  it.each(['', '0x10', '1__0', '1_', '-1', 'a', '1 2', '99999999999999999999'])('%j is rejected', (arg) =>
    expect(value(readMemoIndex(b(arg), 'PUT'))).toBe('error')
  )
})

describe('FLOAT: PyOS_string_to_double to the newline', () => {
  it.each(['1.5', '-1.5e10', '.5', '5.', '1E5', 'inf', '-Infinity', 'nan', 'NaN', '1e-400', '0\x00junk'])('%j is a float', (arg) =>
    expect(value(checkFloatArg(b(arg)))).toBe(true)
  )
  it.each(['', ' 1.5', '1.5 ', '1_5', '0x1p3', '1e', 'infx', '1e999', '-1e400', '.', 'e5'])('%j is rejected', (arg) =>
    expect(value(checkFloatArg(b(arg)))).toBe('error')
  )
})

describe('STRING: escape_decode, strict', () => {
  it.each([
    ['\\x6fs', 'os'], ['a\\\\b', 'a\\b'], ["\\'", "'"], ['\\n\\t', '\n\t'], ['\\101\\0', 'A\0'], ['\\777', '\xff'], ['\\q', '\\q']
  ])('%j decodes to %j', (arg, out) => expect(value(escapeDecode(b(arg)))?.toString('latin1')).toBe(out))
  it.each(['\\x6', '\\xZZ', 'abc\\'])('%j is rejected', (arg) => expect(value(escapeDecode(b(arg)))).toBe('error'))
})

describe('UNICODE: raw-unicode-escape', () => {
  it.each([
    ['\\u0073ystem', 'system'], ['\\\\u0073', '\\\\u0073'], ['\\\\\\u0041', '\\\\A'], ['\\U0001F600', '\u{1F600}'], ['caf\xe9', 'café'], ['a\\b', 'a\\b']
  ])('%j decodes to %j', (arg, out) => expect(value(rawUnicodeEscape(b(arg)))).toBe(out))
  it.each(['\\u004', '\\u004g', '\\U00110000', 'x\\U0000'])('%j is rejected', (arg) => expect(value(rawUnicodeEscape(b(arg)))).toBe('error'))
})

describe('the scanner reads text arguments as CPython does', () => {
  // The auditor's repro: "g1_0" is memo 10 to CPython (os), 1 to parseInt (collections).
  it('resolves GET "1_0" as memo 10: os.system, not collections.OrderedDict', () => {
    const data = pb().mark()
      .unicode('collections').line('p', '1').unicode('OrderedDict').line('p', '2')
      .unicode('os').line('p', '10').unicode('system').line('p', '20')
      .popMark().line('g', '1_0').line('g', '2_0').stackGlobal().unicode('id').tuple(1).reduce().stop().build()
    const r = scanPickleBuffer(data)
    expect(names(r)).toEqual(['os.system'])
    expect(rules(r)).toEqual(['error:unsafe-serialization'])
    expect(r.issues[0]!.message).toContain('STACK_GLOBAL at byte 64 imports os.system')
  })

  it('resolves PUT " +3 " and GET "0_3" to the same memo entry', () => {
    const data = pb().unicode('os').line('p', ' +3 ').pop().unicode('system').line('p', '4').pop()
      .line('g', '0_3').line('g', '4').stackGlobal().stop().build()
    expect(names(scanPickleBuffer(data))).toEqual(['os.system'])
  })

  it.each([
    ['GET 0x1', pb().none().line('p', '1').line('g', '0x1').stop().build(), /at byte 4: the GET memo index "0x1" is not a decimal integer CPython reads/],
    ['PUT 1__0', pb().none().line('p', '1__0').stop().build(), /at byte 1: the PUT memo index "1__0"/],
    ['PUT -1', pb().none().line('p', '-1').stop().build(), /the PUT memo index is negative/],
    ['INT 08', pb().line('I', '08').stop().build(), /at byte 0: the INT argument "08" is not an integer CPython reads/],
    ['LONG 010L', pb().line('L', '010L').stop().build(), /the LONG argument "010L" is not an integer/],
    ['FLOAT 1_5', pb().line('F', '1_5').stop().build(), /the FLOAT argument "1_5" is not a float/],
    ['STRING \\x4', pb().string("'\\x4'").stop().build(), /invalid \\x escape at position 0/],
    ['UNICODE \\u00', pb().line('V', '\\u00').stop().build(), /truncated \\u escape/],
    ['BINUNICODE \\xff', pb().proto(4).op(0x8c, Buffer.from([2, 0x6f, 0xff])).stop().build(), /the SHORT_BINUNICODE argument is not valid UTF-8/],
    ['PERSID é', pb().line('P', 'caf\xe9').stop().build(), /the PERSID argument is not ASCII/],
    ['INST non-ASCII', pb().mark().op(0x69, Buffer.from('os\nsyst\xe9m\n', 'latin1')).stop().build(), /INST module\/name is not ASCII/],
    ['GLOBAL empty module', pb().op(0x63, Buffer.from('\nsystem\n')).stop().build(), /GLOBAL has an empty module or name line/]
  ])('stops with unparseable-artifact where CPython raises: %s', (_, data, re) => {
    const r = scanPickleBuffer(data)
    expect(rules(r)).toEqual(['error:unparseable-artifact'])
    expect(r.issues[0]!.message).toMatch(re)
    expect(r.complete).toBe(false)
  })

  it('keeps \\\\u0073 (an even run of backslashes) literal, so the name is not "os"', () => {
    const r = scanPickleBuffer(pb().line('V', '\\\\u006fs').line('V', 'system').stackGlobal().stop().build())
    expect(names(r)).toEqual(['\\\\u006fs.system'])
  })

  it('accepts a lone surrogate in BINUNICODE (surrogatepass), and values INT 010 as 8 for joblib shapes', () => {
    expect(rules(scanPickleBuffer(pb().proto(4).op(0x8c, Buffer.from([3, 0xed, 0xa0, 0x80])).stop().build()))).toEqual([])
    expect(rules(scanPickleBuffer(pb().line('I', '010').line('I', '01').line('F', 'nan').tuple(3).stop().build()))).toEqual([])
  })
})
