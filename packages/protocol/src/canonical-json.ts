import { BaseError } from './errors.ts'

/**
 * Serializes a value deterministically, so that signer and verifier hash the same
 * bytes for the same data: object keys sorted by UTF-16 code units (as RFC 8785 §3.2.3
 * does), no whitespace, strings and numbers written as ECMAScript `JSON.stringify`
 * writes them (RFC 8785 §3.2.2), `bigint` as a decimal string (so a payload holding
 * 5n and its wire form holding "5" serialize alike), `undefined` properties omitted.
 *
 * Throws CANONICAL_JSON_UNSUPPORTED for what has no single JSON spelling: non-finite
 * numbers, functions, symbols, `undefined` outside an object property, cycles, and
 * objects other than plain objects and arrays (Date, Map, Uint8Array ...), which
 * `JSON.stringify` would silently turn into something else.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set(), '$')
}

function write(value: unknown, ancestors: Set<object>, at: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return `"${value.toString()}"`
    case 'number':
      if (!Number.isFinite(value)) throw unsupported(at, `the number ${value}`)
      return JSON.stringify(value)
    case 'object':
      if (value === null) return 'null'
      return writeObject(value, ancestors, at)
    default:
      throw unsupported(at, `a value of type ${typeof value}`)
  }
}

function writeObject(value: object, ancestors: Set<object>, at: string): string {
  // Only a cycle is refused; the same object reached twice by different paths is fine.
  if (ancestors.has(value)) throw unsupported(at, 'a cycle')
  ancestors.add(value)
  try {
    if (Array.isArray(value)) return writeArray(value, ancestors, at)
    const prototype: unknown = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) throw unsupported(at, 'an object that is not a plain object')
    if (Object.getOwnPropertySymbols(value).length > 0) throw unsupported(at, 'a symbol-keyed property')
    // A plain object's own string keys are all there is to it (symbols refused above).
    const record = value as Record<string, unknown>
    const parts: string[] = []
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
    for (const key of Object.keys(record).sort()) {
      const property = record[key]
      if (property === undefined) continue
      parts.push(`${JSON.stringify(key)}:${write(property, ancestors, `${at}.${key}`)}`)
    }
    return `{${parts.join(',')}}`
  } finally {
    ancestors.delete(value)
  }
}

function writeArray(value: readonly unknown[], ancestors: Set<object>, at: string): string {
  const parts: string[] = []
  for (let index = 0; index < value.length; index++) {
    const item = value[index]
    // JSON.stringify would write null here; an explicit refusal avoids a silent change.
    if (item === undefined) throw unsupported(`${at}[${index}]`, 'undefined in an array')
    parts.push(write(item, ancestors, `${at}[${index}]`))
  }
  return `[${parts.join(',')}]`
}

function unsupported(at: string, what: string): BaseError {
  return new BaseError('CANONICAL_JSON_UNSUPPORTED', 'This value cannot be serialized as canonical JSON.', {
    details: `${what} at ${at}`,
  })
}
