import type { IncomingHttpHeaders } from 'node:http'
import type { HeaderMap } from '../../cdn/policy/header-map.ts'

/**
 * Node's parsed headers as a `HeaderMap`: Node already lowercases names and joins
 * repeated fields with ", " (RFC 9110 §5.3); only `set-cookie` stays an array, and the
 * cache joins its lines with "\n" because cookie values may contain commas.
 */
export function toHeaderMap(incoming: IncomingHttpHeaders): HeaderMap {
  const headers: Record<string, string> = {}
  for (const name in incoming) {
    const value = incoming[name]
    if (value === undefined) continue
    headers[name] = typeof value === 'string' ? value : value.join(name === 'set-cookie' ? '\n' : ', ')
  }
  return headers
}

/** Appends a `HeaderMap` to a flat `[name, value, ...]` list for `writeHead`, splitting `set-cookie` lines again. */
export function appendHeaderFields(target: string[], headers: HeaderMap, skipped?: ReadonlySet<string>): void {
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined || skipped?.has(name) === true) continue
    if (name === 'set-cookie') {
      for (const line of value.split('\n')) target.push(name, line)
    } else {
      target.push(name, value)
    }
  }
}
