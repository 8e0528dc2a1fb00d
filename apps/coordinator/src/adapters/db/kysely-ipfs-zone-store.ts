import type { Kysely } from 'kysely'
import type { ZoneId } from '@meson/protocol'
import { z } from 'zod'
import type { IpfsZoneStore } from '../../gateway/ipfs-zone-store.ts'
import type { DatabaseSchema } from './database-schema.ts'

/** The `ipfs_zones` table (migration 0050). */
interface IpfsZonesTable {
  zone_id: string
  /** JSON array of upstream URLs. */
  upstreams: string
}

const upstreamsSchema = z.array(z.string())

/** IpfsZoneStore over the coordinator's kysely database (SQLite or PostgreSQL). */
export class KyselyIpfsZoneStore implements IpfsZoneStore {
  readonly #db: Kysely<DatabaseSchema & { ipfs_zones: IpfsZonesTable }>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db.$extendTables<{ ipfs_zones: IpfsZonesTable }>()
  }

  async setUpstreams(zoneId: ZoneId, upstreams: readonly string[]): Promise<void> {
    const row = { zone_id: zoneId, upstreams: JSON.stringify(upstreams) }
    await this.#db
      .insertInto('ipfs_zones')
      .values(row)
      .onConflict((conflict) => conflict.column('zone_id').doUpdateSet({ upstreams: row.upstreams }))
      .execute()
  }

  async listUpstreams(): Promise<ReadonlyMap<string, readonly string[]>> {
    const rows = await this.#db.selectFrom('ipfs_zones').select(['zone_id', 'upstreams']).execute()
    return new Map(rows.map((row) => [row.zone_id, upstreamsSchema.parse(JSON.parse(row.upstreams))]))
  }
}
