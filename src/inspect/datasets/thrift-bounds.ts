/**
 * Walks a Thrift compact-protocol struct without building it, so a hostile Parquet footer
 * is refused before a parser allocates one object per value: 16 MiB of empty structs
 * would otherwise cost gigabytes. Returns a reason the struct is refused, or null.
 * Iterative (an explicit stack), so depth costs no call stack.
 */
export function thriftBoundsProblem(buf: Uint8Array, limits: { maxValues: number; maxDepth: number }): string | null {
  let pos = 0
  let values = 0
  type Frame = { list: false } | { list: true; left: number; elem: number }
  const stack: Frame[] = [{ list: false }]
  const varint = (): number => {
    let result = 0
    let scale = 1
    for (;;) {
      if (pos >= buf.length) throw new RangeError(`it ends inside a number at byte ${pos}`)
      const b = buf[pos++]!
      result += (b & 0x7f) * scale
      if ((b & 0x80) === 0) return result
      scale *= 128
      if (scale > 2 ** 63) throw new RangeError(`a number at byte ${pos} runs over 10 bytes`)
    }
  }
  try {
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      let type: number
      if (!top.list) {
        if (pos >= buf.length) return `it ends inside a struct at byte ${pos}`
        const b = buf[pos++]!
        type = b & 0x0f
        if (type === 0) {
          stack.pop()
          continue
        }
        if (b >> 4 === 0) varint() // long-form field id
        if (type === 1 || type === 2) type = -1 // a boolean field carries its value in the type
      } else {
        if (top.left === 0) {
          stack.pop()
          continue
        }
        top.left--
        type = top.elem === 1 || top.elem === 2 ? 3 : top.elem // booleans in lists take a byte
      }
      if (++values > limits.maxValues) return `it holds more than ${limits.maxValues} metadata values`
      switch (type) {
        case -1:
          break
        case 3:
          pos++
          break
        case 4:
        case 5:
        case 6:
          varint()
          break
        case 7:
          pos += 8
          break
        case 8: {
          const n = varint() // not `pos += varint()`: that reads pos before varint moves it
          pos += n
          break
        }
        case 9:
        case 10: {
          if (pos >= buf.length) return `it ends inside a list header at byte ${pos}`
          const h = buf[pos++]!
          const n = h >> 4 === 15 ? varint() : h >> 4
          // Every element takes at least one byte, so a longer list cannot be real.
          if (n > buf.length - pos) return `a list at byte ${pos} claims ${n} elements, more than the ${buf.length - pos} bytes left`
          if (n > 0 && ![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12].includes(h & 0x0f)) return `a list at byte ${pos} has element type ${h & 0x0f}, which Parquet metadata does not use`
          stack.push({ list: true, left: n, elem: h & 0x0f })
          break
        }
        case 12:
          stack.push({ list: false })
          break
        default:
          return `it has a value of type ${type} at byte ${pos}, which Parquet metadata does not use`
      }
      if (stack.length > limits.maxDepth) return `it nests deeper than ${limits.maxDepth} levels`
      if (pos > buf.length) return `a value runs past its end at byte ${buf.length}`
    }
    return null
  } catch (err) {
    return (err as Error).message
  }
}
