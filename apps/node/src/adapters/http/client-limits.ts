/** Limits on what clients may send, against oversized and slow (slowloris) requests. */
export interface ClientLimits {
  readonly maxHeaderSizeBytes: number
  readonly maxHeaderCount: number
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly keepAliveTimeoutMs: number
}

/**
 * Connections a server's graceful close must also end: those a connection-level fast path
 * (`adapters/raw-http/`) took before node:http saw them. Declared here, on the side that
 * uses it, so the HTTP server does not import the raw path that sits in front of it.
 */
export interface ExtraConnections {
  /** Stops answering on idle connections; ones with a request pending go to node:http. */
  closeIdle(): void
  /** Cuts every connection still open (the end of the shutdown grace). */
  closeAll(): void
}
