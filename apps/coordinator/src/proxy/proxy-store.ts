/**
 * The proxy's storage port: each buyer's proxy secret (hashed) and the metered proxy
 * usage. Money never lands here except as the `cost` column of usage lines (a copy for
 * reports; the ledger holds the charge). One kysely implementation on SQLite and
 * PostgreSQL; `proxy-store.contract.ts` runs against both.
 */

/** Bytes one connection moved in one flush: who bought, which exit, which session. */
export interface ProxyUsageLine {
  /** Idempotency key: `<connectionId>:<sequence>`; writing it twice stores it once. */
  readonly id: string
  readonly atMs: number
  readonly accountId: string
  readonly nodeId: string
  readonly operatorId: string
  /** The sticky session id, '' without one. */
  readonly session: string
  /** Buyer → target. */
  readonly bytesUp: bigint
  /** Target → buyer. */
  readonly bytesDown: bigint
  readonly cost: bigint
}

export interface ProxyUsageQuery {
  readonly accountId?: string
  readonly operatorId?: string
  /** Inclusive, ms. */
  readonly fromMs: number
  /** Exclusive, ms. */
  readonly toMs: number
}

export interface ProxyStore {
  /** Sets (creates or rotates) an account's proxy secret hash. */
  setCredentialHash(accountId: string, secretHash: string, atMs: number): Promise<void>
  getCredentialHash(accountId: string): Promise<string | undefined>
  /** Appends usage lines; lines whose id was stored before are skipped. */
  addUsage(lines: readonly ProxyUsageLine[]): Promise<void>
  listUsage(query: ProxyUsageQuery): Promise<readonly ProxyUsageLine[]>
}
