/** A custom domain its zone's owner proved control of. */
export interface VerifiedDomain {
  readonly zoneId: string
  /** Lowercase host name. */
  readonly hostname: string
}

/**
 * Storage port of custom-domain proofs; the kysely implementation runs the contract in
 * `domain-verification-store.contract.ts` on SQLite and PostgreSQL.
 */
export interface DomainVerificationStore {
  listVerified(): Promise<readonly VerifiedDomain[]>
  /** Records a proof; recording it again changes nothing. */
  markVerified(domain: VerifiedDomain, atMs: number): Promise<void>
}
