import type { ServerResponse } from 'node:http'

/**
 * Counts the body bytes a response hands to the client's socket, and reports the total
 * once, when the response closes (finished or aborted). It wraps this one response's
 * `write` and `end`, the path every byte of the cache engine takes (fast-path hits,
 * streams from the store, relayed origin bodies), so what is counted is what was sent,
 * not what the origin or the store held. HEAD, 204 and 304 responses count 0: Node
 * drops any body given for them (RFC 9110 §9.3.2, §15.3.5, §15.4.5). Writes after the
 * response was destroyed are not counted. An aborted response may over-count by what
 * still sat in the socket's buffer; the kernel's send buffer is unknowable either way,
 * and the coordinator caps each ticket by its budget.
 */
export function countBodyBytes(res: ServerResponse, isHead: boolean, onClosed: (bytes: bigint) => void): void {
  let bytes = 0
  const add = (chunk: unknown, encoding: unknown): void => {
    if (res.destroyed) return
    if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength
  }
  const write = res.write.bind(res)
  const end = res.end.bind(res)
  // Reassigning an overloaded method needs a cast: the wrappers forward every argument unchanged.
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    add(chunk, rest[0])
    return Reflect.apply(write, undefined, [chunk, ...rest]) as boolean
  }) as typeof res.write
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') add(chunk, rest[0])
    return Reflect.apply(end, undefined, [chunk, ...rest]) as ServerResponse
  }) as typeof res.end
  res.once('close', () => {
    const hasBody = !isHead && res.statusCode !== 204 && res.statusCode !== 304
    onClosed(hasBody ? BigInt(bytes) : 0n)
  })
}
