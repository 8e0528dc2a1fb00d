import type { Kysely } from 'kysely'
import type { DomainVerificationStore, VerifiedDomain } from '../../zones/domain-verification-store.ts'
import type { DatabaseSchema } from './database-schema.ts'

type DomainVerificationsTable = {
  zone_id: string
  hostname: string
  verified_at: number | string
}

/** `DomainVerificationStore` over kysely (migration 0011's table), on the main store's database. */
export class KyselyDomainVerificationStore implements DomainVerificationStore {
  readonly #db: Kysely<DatabaseSchema & { domain_verifications: DomainVerificationsTable }>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db.$extendTables<{ domain_verifications: DomainVerificationsTable }>()
  }

  async listVerified(): Promise<readonly VerifiedDomain[]> {
    const rows = await this.#db.selectFrom('domain_verifications').select(['zone_id', 'hostname']).orderBy('hostname').execute()
    return rows.map((row) => ({ zoneId: row.zone_id, hostname: row.hostname }))
  }

  async markVerified(domain: VerifiedDomain, atMs: number): Promise<void> {
    await this.#db
      .insertInto('domain_verifications')
      .values({ zone_id: domain.zoneId, hostname: domain.hostname, verified_at: atMs })
      .onConflict((conflict) => conflict.columns(['zone_id', 'hostname']).doNothing())
      .execute()
  }
}
