import { createHash } from 'node:crypto'
import { makeZip } from './zip.js'

/**
 * Byte-exact miniature files of each format, written here so that the suite
 * does not depend on ../shared alone. Each mirrors what the real writer emits
 * in the parts identification looks at.
 */

export function safetensors(tensors: Record<string, { dtype: string; shape: number[]; data: Buffer }>): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } }
  const blobs: Buffer[] = []
  let at = 0
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + t.data.length] }
    blobs.push(t.data)
    at += t.data.length
  }
  let json = Buffer.from(JSON.stringify(header))
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)])
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(json.length))
  return Buffer.concat([len, json, ...blobs])
}

export function smallSafetensors(): Buffer {
  return safetensors({ weight: { dtype: 'F32', shape: [2, 2], data: Buffer.alloc(16) } })
}

export function gguf(version = 3): Buffer {
  const b = Buffer.alloc(24)
  b.write('GGUF', 0, 'latin1')
  b.writeUInt32LE(version, 4)
  b.writeBigUInt64LE(0n, 8) // tensor count
  b.writeBigUInt64LE(0n, 16) // metadata kv count
  return b
}

export function npy(): Buffer {
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
  const padded = header.padEnd(118, ' ') + '\n'
  const pre = Buffer.from([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0])
  const len = Buffer.alloc(2)
  len.writeUInt16LE(padded.length)
  return Buffer.concat([pre, len, Buffer.from(padded, 'latin1'), Buffer.alloc(8)])
}

/** `{}` pickled with protocol 2: PROTO 2, EMPTY_DICT, STOP. */
export function pickleV2(): Buffer {
  return Buffer.from([0x80, 0x02, 0x7d, 0x2e])
}

/** A protocol-0 pickle of `[]`: EMPTY_LIST? protocol 0 writes `(lp0\n.` */
export function pickleV0(): Buffer {
  return Buffer.from('(lp0\n.', 'latin1')
}

export function torchZip(folder = 'archive'): Buffer {
  return makeZip([
    { name: `${folder}/data.pkl`, data: pickleV2() },
    { name: `${folder}/data/0`, data: Buffer.alloc(16) },
    { name: `${folder}/version`, data: Buffer.from('3\n') }
  ])
}

export function torchScriptZip(): Buffer {
  return makeZip([
    { name: 'model/data.pkl', data: pickleV2() },
    { name: 'model/code/__torch__/m.py', data: Buffer.from('class M: pass\n') },
    { name: 'model/constants.pkl', data: pickleV2() }
  ])
}

export function kerasV3(): Buffer {
  return makeZip([
    { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.4.1"}') },
    { name: 'config.json', data: Buffer.from('{"class_name": "Sequential"}') },
    { name: 'model.weights.h5', data: hdf5() }
  ])
}

export function npz(): Buffer {
  return makeZip([{ name: 'a.npy', data: npy() }])
}

/** HDF5 superblock signature plus filler; `keras` adds the attribute names Keras writes. */
export function hdf5(keras = false): Buffer {
  const sig = Buffer.from('894844460d0a1a0a', 'hex')
  const body = Buffer.alloc(256)
  if (keras) body.write('keras_version\0model_config\0', 32, 'latin1')
  return Buffer.concat([sig, body])
}

export function tflite(): Buffer {
  const b = Buffer.alloc(32)
  b.writeUInt32LE(16, 0)
  b.write('TFL3', 4, 'latin1')
  return b
}

export function parquet(): Buffer {
  return Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(16), Buffer.from([8, 0, 0, 0]), Buffer.from('PAR1')])
}

export function arrow(): Buffer {
  return Buffer.concat([Buffer.from('ARROW1\0\0'), Buffer.alloc(24)])
}

/** ModelProto: ir_version 7, producer_name "pytorch". */
export function onnx(): Buffer {
  const producer = Buffer.from('pytorch')
  return Buffer.concat([Buffer.from([0x08, 0x07, 0x12, producer.length]), producer])
}

export function lfsPointer(content: Buffer): { text: string; oid: string; size: number } {
  const oid = createHash('sha256').update(content).digest('hex')
  return { text: `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${content.length}\n`, oid, size: content.length }
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

export function makeZipFor(): Buffer {
  return makeZip([{ name: 'notes.txt', data: Buffer.from('hello') }])
}
