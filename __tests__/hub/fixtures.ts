import { pb } from '../pickle/builder.js'
import { makeZip } from '../support/zip.js'
import { safetensors } from '../support/formats.js'

/** Commits of the fake repositories (40 hex). */
export const EVIL_SHA = 'e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1'
export const GOOD_SHA = '86b5e0934494bd15c9632b12f734a8a67f723594'
export const OLD_SHA = '0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a'

/** `posix.system("id")` pickled with protocol 2: what a booby-trapped checkpoint carries. */
export function systemPickle(): Buffer {
  return pb().proto(2).global('posix', 'system').unicode('id').tuple(1).reduce().stop().build()
}

/** A torch.save zip (`pytorch_model.bin`) whose data.pkl runs `posix.system`. */
export function evilTorchZip(): Buffer {
  return makeZip([
    { name: 'archive/data.pkl', data: systemPickle() },
    { name: 'archive/data/0', data: Buffer.alloc(16) },
    { name: 'archive/version', data: Buffer.from('3\n') }
  ])
}

/** A benign torch.save zip. */
export function plainTorchZip(): Buffer {
  return makeZip([
    { name: 'archive/data.pkl', data: pb().proto(2).op(0x7d).stop().build() },
    { name: 'archive/data/0', data: Buffer.alloc(16) },
    { name: 'archive/version', data: Buffer.from('3\n') }
  ])
}

/** A safetensors file of about 1 MiB: only its header may be fetched. */
export function bigSafetensors(): Buffer {
  return safetensors({ 'embeddings.weight': { dtype: 'F32', shape: [512, 512], data: Buffer.alloc(512 * 512 * 4) } })
}

/**
 * A protocol-2 pickle whose `posix.system` call comes first and whose payload
 * (`bytes` of `size` bytes) follows: a scan must read it all to finish.
 */
export function pickleWithPayload(size: number, evil: boolean): Buffer {
  const b = pb().proto(2)
  if (evil) b.global('posix', 'system').unicode('id').tuple(1).reduce().pop()
  return b.bytes(Buffer.alloc(size, 0x41)).stop().build()
}
