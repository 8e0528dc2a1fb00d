/**
 * A Host header's name, as a lookup key: lowercase (RFC 9110 §4.2.3, host is
 * case-insensitive), without the port and a trailing root dot. IPv6 literals keep their brackets.
 */
export function hostName(host: string): string {
  let name = host.trim().toLowerCase()
  const portColon = name.startsWith('[') ? name.indexOf(':', name.indexOf(']')) : name.indexOf(':')
  if (portColon !== -1) name = name.slice(0, portColon)
  return name.endsWith('.') ? name.slice(0, -1) : name
}
