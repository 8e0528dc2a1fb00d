import { BaseError } from '@meson/protocol'

// token (RFC 9110 §5.6.2); a pseudonym is a token here (received-by = pseudonym [":" port]).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i
// protocol-version = token, e.g. "1.1", "2", "3"
const VERSION = /^(?:HTTP\/)?([!#$%&'*+\-.^_`|~0-9a-z]+)$/i

/**
 * Appends this hop to Via (RFC 9110 §7.6.3): "A proxy MUST send an appropriate Via header
 * field ... in each message that it forwards". `received-protocol` omits the name for
 * HTTP ("the protocol name is optional if and only if it would be 'HTTP'"), and
 * `received-by` is a pseudonym, never an internal host name ("If a real host name is
 * considered to be sensitive information, a sender MAY replace it with a pseudonym").
 *
 * `httpVersion` is "1.1" or "HTTP/1.1". Throws `INVALID_VIA_ENTRY` when the version or
 * pseudonym are not tokens: they come from our own config, and letting them through
 * could inject header syntax.
 */
export function appendVia(existing: string | undefined, httpVersion: string, pseudonym: string): string {
  const version = VERSION.exec(httpVersion.trim())?.[1]
  if (version === undefined || !TOKEN.test(pseudonym)) {
    throw new BaseError('INVALID_VIA_ENTRY', 'The Via version and pseudonym must be HTTP tokens.', {
      details: `version=${JSON.stringify(httpVersion)} pseudonym=${JSON.stringify(pseudonym)}`,
    })
  }
  const entry = `${version} ${pseudonym}`
  const previous = existing?.trim() ?? ''
  // Via is a list: entries are appended "in the order received" (§7.6.3).
  return previous === '' ? entry : `${previous}, ${entry}`
}
