/**
 * A Structured Field Dictionary (RFC 8941 §3.2), parsed strictly as §4.2.2 says: any
 * deviation fails the whole field (`undefined`), since "parsers MUST fail" on invalid
 * input and the field is then ignored. Members keep only what cache directives need:
 * the bare item's type and value; parameters and inner lists are checked for syntax
 * and otherwise dropped. Hand-written: the field is one line of a response head.
 */

/** A member's value: Integer, Boolean, String or Token (text), or anything else (`other`). */
export type DictionaryValue =
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'other' }

const KEY_START = /[a-z*]/
const KEY_CHAR = /[a-z0-9_\-.*]/
const TOKEN_START = /[A-Za-z*]/
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/
const BASE64_CHAR = /[A-Za-z0-9+/=]/

/** Parses a Dictionary; duplicate keys keep the last value (§4.2.2 "overwrite"). */
export function parseStructuredDictionary(text: string): ReadonlyMap<string, DictionaryValue> | undefined {
  const parser = new Parser(text)
  try {
    return parser.dictionary()
  } catch (error) {
    if (error instanceof InvalidField) return undefined
    throw error
  }
}

class InvalidField extends Error {}

class Parser {
  private index = 0
  private readonly input: string

  constructor(text: string) {
    // §4.2: "Discard any leading SP characters" (and trailing ones).
    this.input = text.replace(/^ +| +$/g, '')
  }

  dictionary(): Map<string, DictionaryValue> {
    const members = new Map<string, DictionaryValue>()
    while (this.index < this.input.length) {
      const key = this.key()
      let value: DictionaryValue = { type: 'boolean', value: true }
      if (this.peek() === '=') {
        this.index++
        value = this.peek() === '(' ? this.innerList() : this.item()
      } else {
        this.parameters()
      }
      members.delete(key)
      members.set(key, value)
      this.skipOws()
      if (this.index >= this.input.length) return members
      if (this.next() !== ',') throw new InvalidField()
      this.skipOws()
      if (this.index >= this.input.length) throw new InvalidField()
    }
    return members
  }

  private key(): string {
    const start = this.index
    if (!KEY_START.test(this.peek())) throw new InvalidField()
    while (this.index < this.input.length && KEY_CHAR.test(this.peek())) this.index++
    return this.input.slice(start, this.index)
  }

  private item(): DictionaryValue {
    const value = this.bareItem()
    this.parameters()
    return value
  }

  private innerList(): DictionaryValue {
    this.index++
    for (;;) {
      while (this.peek() === ' ') this.index++
      if (this.peek() === ')') {
        this.index++
        this.parameters()
        return { type: 'other' }
      }
      this.item()
      const after = this.peek()
      if (after !== ' ' && after !== ')') throw new InvalidField()
    }
  }

  private parameters(): void {
    while (this.peek() === ';') {
      this.index++
      while (this.peek() === ' ') this.index++
      this.key()
      if (this.peek() === '=') {
        this.index++
        this.bareItem()
      }
    }
  }

  private bareItem(): DictionaryValue {
    const char = this.peek()
    if (char === '-' || (char >= '0' && char <= '9' && char !== '')) return this.number()
    if (char === '"') return { type: 'text', value: this.string() }
    if (TOKEN_START.test(char)) return { type: 'text', value: this.token() }
    if (char === '?') return this.boolean()
    if (char === ':') return this.byteSequence()
    throw new InvalidField()
  }

  private number(): DictionaryValue {
    // §4.2.4: an Integer has at most 15 digits; a Decimal at most 12 before "." and 3 after.
    const match = /^-?(\d{1,15})(\.\d{1,3})?/.exec(this.input.slice(this.index))
    const digits = match?.[1]
    if (match === null || digits === undefined) throw new InvalidField()
    const fraction = match[2]
    const following = this.input.charAt(this.index + match[0].length)
    if ((following >= '0' && following <= '9' && following !== '') || following === '.') throw new InvalidField()
    if (fraction !== undefined && digits.length > 12) throw new InvalidField()
    this.index += match[0].length
    return fraction === undefined ? { type: 'integer', value: Number(match[0]) } : { type: 'other' }
  }

  private string(): string {
    this.index++
    let value = ''
    for (;;) {
      const char = this.next()
      if (char === '') throw new InvalidField()
      if (char === '"') return value
      if (char === '\\') {
        const escaped = this.next()
        if (escaped !== '"' && escaped !== '\\') throw new InvalidField()
        value += escaped
        continue
      }
      const code = char.charCodeAt(0)
      if (code < 0x20 || code > 0x7e) throw new InvalidField()
      value += char
    }
  }

  private token(): string {
    const start = this.index
    this.index++
    while (this.index < this.input.length && TOKEN_CHAR.test(this.peek())) this.index++
    return this.input.slice(start, this.index)
  }

  private boolean(): DictionaryValue {
    this.index++
    const char = this.next()
    if (char !== '0' && char !== '1') throw new InvalidField()
    return { type: 'boolean', value: char === '1' }
  }

  private byteSequence(): DictionaryValue {
    this.index++
    while (this.index < this.input.length && BASE64_CHAR.test(this.peek())) this.index++
    if (this.next() !== ':') throw new InvalidField()
    return { type: 'other' }
  }

  private skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.index++
  }

  private peek(): string {
    return this.input.charAt(this.index)
  }

  private next(): string {
    const char = this.input.charAt(this.index)
    this.index++
    return char
  }
}
