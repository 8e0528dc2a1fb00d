import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
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
 * The file is the owner's only (0600; SQLite gives its -wal and -shm files the same
 * mode), and a directory it creates is 0700: the database holds token hashes and money.
 */
export function openSqliteDatabase(path: string): NodeSqliteDatabase {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    closeSync(openSync(path, 'a', 0o600))
    chmodSync(path, 0o600)
  }
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
