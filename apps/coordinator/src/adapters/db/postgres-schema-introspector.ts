import { PostgresDialect, sql } from 'kysely'
import type { DatabaseIntrospector, DatabaseMetadataOptions, Kysely, SchemaMetadata, TableMetadata } from 'kysely'

/** kysely's own bookkeeping tables (its defaults, which the migrator here keeps). */
const KYSELY_TABLES: ReadonlySet<string> = new Set(['kysely_migration', 'kysely_migration_lock'])

interface ColumnRow {
  readonly table: string
  readonly relkind: string
  readonly column: string | null
  readonly type: string | null
  readonly type_schema: string | null
  readonly not_null: boolean | null
  readonly has_default: boolean | null
  readonly identity: string | null
  readonly default_expression: string | null
}

/**
 * Reads the tables of the connection's current schema only.
 *
 * kysely's PostgreSQL introspector reads every column of every schema and calls
 * `pg_get_serial_sequence` and `has_schema_privilege` on each; its migrator runs that
 * query before it takes its lock. When another schema of the same database is altered
 * or dropped meanwhile (another coordinator's schema, or test files running side by
 * side), those functions fail on the vanished object — seen as 3F000, 42P01 and
 * 42703 ("column kind of relation ledger_transactions does not exist") for a schema
 * that was not ours. This introspector's query touches only our schema's catalog rows
 * and calls no per-object function, so other schemas cannot fail it.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>

  constructor(db: Kysely<unknown>) {
    this.#db = db
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(this.#db)
    return rows.map((row) => ({ name: row.name }))
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow & { schema: string }>`
      select c.relname as "table", c.relkind as relkind, ns.nspname as "schema",
             a.attname as "column", typ.typname as "type", dtns.nspname as type_schema,
             a.attnotnull as not_null, a.atthasdef as has_default, a.attidentity as "identity",
             pg_catalog.pg_get_expr(d.adbin, d.adrelid) as default_expression
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
        left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_catalog.pg_type typ on typ.oid = a.atttypid
        left join pg_catalog.pg_namespace dtns on dtns.oid = typ.typnamespace
        left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
       where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p', 'f')
       order by c.relname, a.attnum`.execute(this.#db)
    const tables = new Map<string, TableMetadata>()
    for (const row of rows) {
      if (!options.withInternalKyselyTables && KYSELY_TABLES.has(row.table)) continue
      let table = tables.get(row.table)
      if (table === undefined) {
        table = { name: row.table, schema: row.schema, isView: row.relkind === 'v', isForeign: row.relkind === 'f', columns: [] }
        tables.set(row.table, table)
      }
      if (row.column === null || row.type === null) continue
      table.columns.push({
        name: row.column,
        dataType: row.type,
        ...(row.type_schema === null ? {} : { dataTypeSchema: row.type_schema }),
        isNullable: row.not_null !== true,
        hasDefaultValue: row.has_default === true,
        isAutoIncrementing: (row.identity !== null && row.identity !== '') || (row.default_expression?.startsWith('nextval(') ?? false),
      })
    }
    return [...tables.values()]
  }
}

/** kysely's PostgreSQL dialect with {@link CurrentSchemaIntrospector}. */
export class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db)
  }
}
