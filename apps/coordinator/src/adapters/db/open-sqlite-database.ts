import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { NodeSqliteDatabase } from './node-sqlite-database.ts'

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000

/**
 * Opens (creating if needed, with its parent directory) an SQLite database for the
 * coordinator and sets the connection pragmas:
 * - `journal_mode=WAL`: readers never block the writer, and a crash mid-write
 *   cannot tear the file (a `:memory:` database stays in `memory` mode);
 * - `synchronous=NORMAL`: in WAL mode this is still crash-safe for the database,
 *   only the last commits before a power loss may roll back — the usual trade;
 * - `foreign_keys=ON`: SQLite leaves them off by default, per connection;
 * - `busy_timeout`: a second coordinator process waits for the lock instead of failing.
 */
export function openSqliteDatabase(path: string): NodeSqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const database = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: BUSY_TIMEOUT_MS })
  try {
    database.exec('PRAGMA journal_mode = WAL')
    database.exec('PRAGMA synchronous = NORMAL')
    database.exec('PRAGMA foreign_keys = ON')
    database.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
  } catch (error) {
    database.close()
    throw error
  }
  return new NodeSqliteDatabase(database)
}
