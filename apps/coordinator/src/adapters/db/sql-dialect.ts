/** The SQL dialects the storage layer speaks; the same as `Store['dialect']`. */
export type SqlDialect = 'sqlite' | 'postgres'
