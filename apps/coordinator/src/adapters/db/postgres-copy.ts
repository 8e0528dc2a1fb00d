import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'

/**
 * The rows of a `copy <table> (<columns>) from stdin` statement, in PostgreSQL's text
 * format, as the one parameter of that statement. kysely hands a statement's parameters
 * to the connection as they are, so a `CompiledQuery.raw(copyText, [new CopyRows(...)])`
 * run inside a kysely transaction reaches `CopyingClient`, which streams the rows with
 * COPY (pg-copy-streams) on that transaction's connection.
 */
export class CopyRows {
  readonly chunks: Iterable<string>

  constructor(chunks: Iterable<string>) {
    this.chunks = chunks
  }
}

interface QueryResultLike {
  readonly command: string
  readonly rowCount: number | null
  readonly rows: unknown[]
}

/**
 * A `pg.Client` that also runs COPY FROM STDIN: a query whose first parameter is a
 * `CopyRows` is streamed as COPY; every other query is the client's own. Given to the
 * pool as its `Client` (`createPostgresKysely`). `query` is wrapped per instance rather
 * than overridden, because pg types it as a dozen overloads.
 */
export class CopyingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config)
    const query = this.query.bind(this) as (...args: unknown[]) => unknown
    const copying = (...args: unknown[]): unknown => {
      const [text, values] = args
      if (typeof text === 'string' && Array.isArray(values) && values[0] instanceof CopyRows) return copyRows(query, text, values[0])
      return query(...args)
    }
    this.query = copying as pg.Client['query']
  }
}

async function copyRows(query: (...args: unknown[]) => unknown, text: string, rows: CopyRows): Promise<QueryResultLike> {
  const stream = copyFrom(text)
  // A submittable given to `query` is queued like any statement and returned as it is.
  query(stream)
  await pipeline(Readable.from(rows.chunks), stream)
  return { command: 'COPY', rowCount: stream.rowCount, rows: [] }
}
