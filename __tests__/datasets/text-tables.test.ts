import path from 'node:path'
import { readFile } from 'node:fs/promises'
import { inspectDelimited } from '../../src/inspect/datasets/csv.js'
import { inspectJsonl, MAX_PARSED_LINE } from '../../src/inspect/datasets/jsonl.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { SHARED } from '../support/shared.js'
import { chunkedSource } from './fixtures.js'

const csv = (text: string | Buffer, format: 'csv' | 'tsv' = 'csv') => inspectDelimited(new BufferByteSource(Buffer.from(text)), format)
const jsonl = (text: string | Buffer) => inspectJsonl(new BufferByteSource(Buffer.from(text)))

describe('csv and tsv', () => {
  const tricky = 'id,"text, quoted","note"\r\n1,"a ""b"", c","line one\nline two"\r\n\r\n2,plain,\n3,x 5" screen,y\n4,"ends at EOF"'

  test('RFC 4180: quoted delimiters, doubled quotes, quoted line breaks, CRLF, blank lines skipped, last line unterminated', async () => {
    expect(await csv(tricky)).toEqual({ facts: { format: 'csv', delimiter: 'comma', columnCount: 3, columns: 'id,text, quoted,note', rows: 4 }, issues: [] })
  })

  test('the same bytes streamed one byte at a time give the same facts', async () => {
    expect(await inspectDelimited(chunkedSource(Buffer.from(tricky), 1), 'csv')).toEqual(await csv(tricky))
  })

  test('TSV uses tabs; a CSV written with semicolons says so', async () => {
    expect((await csv('a\tb,c\n1\t2\n', 'tsv')).facts).toEqual({ format: 'tsv', delimiter: 'tab', columnCount: 2, columns: 'a,b,c', rows: 1 })
    expect((await csv('name;price;"a;b"\nx;1,5;z\ny;2,0;w\n')).facts).toEqual({ format: 'csv', delimiter: 'semicolon', columnCount: 3, columns: 'name,price,a;b', rows: 2 })
    expect((await csv('a|b|c\n1|2|3\n')).facts).toEqual({ format: 'csv', delimiter: 'pipe', columnCount: 3, columns: 'a,b,c', rows: 1 })
  })

  test('a UTF-8 byte order mark is not part of the first column name; non-ASCII names survive', async () => {
    expect((await csv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('größe,名前\n1,2\n')]))).facts).toEqual({ format: 'csv', delimiter: 'comma', columnCount: 2, columns: 'größe,名前', rows: 1 })
  })

  test('header only, and an empty file', async () => {
    expect((await csv('a,b\n')).facts).toEqual({ format: 'csv', delimiter: 'comma', columnCount: 2, columns: 'a,b', rows: 0 })
    expect((await csv('')).facts).toEqual({ format: 'csv', delimiter: 'comma', columnCount: 0, rows: 0 })
  })

  test('a wide header lists 64 columns and counts them all', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `col${i}`)
    const r = await csv(`${names.join(',')}\n${names.map(() => '1').join(',')}\n`)
    expect(r.facts.columnCount).toBe(300)
    expect(r.facts.columns).toBe(`${names.slice(0, 64).join(',')},…(+236 more)`)
  })

  test('an unterminated quote: a warning naming the line it opens on, and no row count', async () => {
    expect(await csv('a,b\n1,2\n3,"never closed\n4,5\n6,7\n')).toEqual({
      facts: { format: 'csv', delimiter: 'comma', columnCount: 2, columns: 'a,b' },
      issues: [
        {
          rule: 'unparseable-artifact',
          severity: 'warning',
          message: 'The quoted field that opens on line 3 is never closed, so the rest of the file reads as one field and its rows cannot be counted.',
          fix: 'Close the quote on line 3 (a quote inside a quoted field is written twice: ""), or re-export the file.'
        }
      ]
    })
  })

  test('a real CSV (iris, written by pandas)', async () => {
    const buf = await readFile(path.join(SHARED, 'real-models', 'out', 'data', 'iris.csv'))
    expect((await csv(buf)).facts).toEqual({ format: 'csv', delimiter: 'comma', columnCount: 5, columns: 'sepal_length,sepal_width,petal_length,petal_width,species', rows: 150 })
  })
})

describe('jsonl', () => {
  test('rows are non-empty lines; columns are the first record’s keys', async () => {
    expect(await jsonl('{"text":"a","label":1}\n\n  \r\n{"text":"b","label":0,"extra":true}\r\n{"text":"c"}')).toEqual({
      facts: { format: 'jsonl', rows: 3, columnCount: 2, columns: 'text,label' },
      issues: []
    })
  })

  test('lines split across chunks give the same facts', async () => {
    const text = Buffer.from('{"a":1,"b":"x\\ny"}\n{"a":2}\n\n{"a":3}\n')
    expect(await inspectJsonl(chunkedSource(text, 3))).toEqual(await jsonl(text))
  })

  test('a broken line: a warning on the first one, with how many are broken', async () => {
    expect(await jsonl('{"a":1}\n{"a":\n2}\n{"a":3}\n{oops}\n')).toEqual({
      facts: { format: 'jsonl', rows: 5, columnCount: 1, columns: 'a', invalidLines: 3 },
      issues: [
        {
          rule: 'unparseable-artifact',
          severity: 'warning',
          message: 'Line 2 is not valid JSON (3 lines are broken in all): every line of a JSON Lines file must be one complete JSON value.',
          fix: 'Fix or remove line 2 (a value may not span lines), or re-export the file.',
          line: 2
        }
      ]
    })
  })

  test('a first record that is not an object gives no columns', async () => {
    expect((await jsonl('[1,2]\n[3,4]\n')).facts).toEqual({ format: 'jsonl', rows: 2 })
  })

  test('lines over 1 MiB are not held: checked to open and close like a JSON value, and counted as unchecked', async () => {
    const big = `{"blob":"${'x'.repeat(MAX_PARSED_LINE)}"}`
    const cut = big.slice(0, -2)
    const longString = ` "${'y'.repeat(MAX_PARSED_LINE)}"\r`
    // Two lines over 1 MiB look whole at their ends (not parsed), one does not (broken), one short line is broken.
    expect(await jsonl(`${big}\n${cut}\n{"a":1}\n${longString}\n{oops}\n`)).toEqual({
      facts: { format: 'jsonl', rows: 5, invalidLines: 2, uncheckedLines: 2 },
      issues: [
        {
          rule: 'unparseable-artifact',
          severity: 'warning',
          message: 'Line 2 is not valid JSON (2 lines found broken; 2 lines over 1 MiB not parsed, only checked to open and close like a JSON value): every line of a JSON Lines file must be one complete JSON value.',
          fix: 'Fix or remove line 2 (a value may not span lines), or re-export the file.',
          line: 2
        }
      ]
    })
    // No broken line: the unchecked one is a fact, not a finding.
    expect(await jsonl(`{"a":1}\n[${'1,'.repeat(MAX_PARSED_LINE / 2)}1]\n`)).toEqual({ facts: { format: 'jsonl', rows: 2, columnCount: 1, columns: 'a', uncheckedLines: 1 }, issues: [] })
    // One broken line and one unchecked: no claim of a total.
    expect((await jsonl(`${cut}\n${big}\n`)).issues.map((i) => i.message)).toEqual([
      'Line 1 is not valid JSON (1 line found broken; 1 line over 1 MiB not parsed, only checked to open and close like a JSON value): every line of a JSON Lines file must be one complete JSON value.'
    ])
  })

  test('a real JSON Lines file (iris, written by pandas)', async () => {
    const buf = await readFile(path.join(SHARED, 'real-models', 'out', 'data', 'iris.jsonl'))
    expect(await jsonl(buf)).toEqual({ facts: { format: 'jsonl', rows: 150, columnCount: 5, columns: 'sepal_length,sepal_width,petal_length,petal_width,species' }, issues: [] })
  })
})
