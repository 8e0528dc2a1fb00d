/**
 * The network's own addresses: the coordinator's names and the host:port pairs it and
 * the nodes answer on. A zone may not claim the coordinator's names as a custom domain
 * (its API and /healthz would answer as that zone), and a zone's origin may not point at
 * the coordinator or a node (the origin fallback or a node would fetch from itself, in a
 * loop). Pure: the composition root collects the names, the fleet the node URLs.
 */
export interface NetworkEndpoints {
  /** Host names that are the coordinator's (lowercase, no port, no trailing dot). */
  readonly coordinatorNames: ReadonlySet<string>
  /** `host:port` pairs the coordinator answers on (lowercase host, IPv6 in brackets). */
  readonly coordinatorEndpoints: ReadonlySet<string>
  /** The public URLs of registered nodes. */
  readonly nodeUrls: () => Iterable<string>
}

/** Names any machine answers to for itself: never a custom domain, whatever the config. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0', '[::]']

/** The coordinator's names and endpoints from its config and bound port. */
export function coordinatorEndpointsOf(input: { readonly host: string; readonly port: number; readonly publicUrl: string | undefined; readonly machineName?: string }): {
  readonly coordinatorNames: ReadonlySet<string>
  readonly coordinatorEndpoints: ReadonlySet<string>
} {
  const names = new Set(LOOPBACK_NAMES)
  names.add(normalizeName(input.host))
  if (input.machineName !== undefined && input.machineName !== '') names.add(normalizeName(input.machineName))
  const endpoints = new Set<string>()
  // Listening on a wildcard or loopback address, every loopback name reaches it on its port.
  for (const name of names) endpoints.add(`${bracketed(name)}:${String(input.port)}`)
  if (input.publicUrl !== undefined && URL.canParse(input.publicUrl)) {
    const url = new URL(input.publicUrl)
    names.add(normalizeName(url.hostname))
    endpoints.add(endpointOf(url))
  }
  return { coordinatorNames: names, coordinatorEndpoints: endpoints }
}

/** True if `host` (a custom domain, any case, maybe with a trailing dot) is the coordinator's own name. */
export function isCoordinatorName(host: string, endpoints: Pick<NetworkEndpoints, 'coordinatorNames'>): boolean {
  const name = normalizeName(host)
  return endpoints.coordinatorNames.has(name) || name.endsWith('.localhost') || name === 'localhost'
}

export type OriginPlacement = 'outside' | 'coordinator' | 'node'

/** Where an origin URL points: at the coordinator, at one of the network's nodes, or outside. */
export function placeOrigin(origin: string, endpoints: NetworkEndpoints): OriginPlacement {
  if (!URL.canParse(origin)) return 'outside'
  const url = new URL(origin)
  const endpoint = endpointOf(url)
  if (endpoints.coordinatorEndpoints.has(endpoint)) return 'coordinator'
  for (const nodeUrl of endpoints.nodeUrls()) {
    if (URL.canParse(nodeUrl) && endpointOf(new URL(nodeUrl)) === endpoint) return 'node'
  }
  return 'outside'
}

function endpointOf(url: URL): string {
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port
  return `${bracketed(normalizeName(url.hostname))}:${port}`
}

function normalizeName(host: string): string {
  const name = host.trim().toLowerCase()
  return name.endsWith('.') ? name.slice(0, -1) : name
}

function bracketed(name: string): string {
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name
}
