import { BaseError } from '@meson/protocol'

/** A configuration value is missing, malformed or out of range; start-up stops. */
export class ConfigError extends BaseError {
  override readonly name = 'ConfigError'
  /** The config key at fault (`port`, `db`, ...), or `config` for the file itself. */
  readonly key: string
  /** Where the bad value came from: `--port`, `MESON_DB`, `config file x.json`, `default`. */
  readonly source: string

  constructor(key: string, reason: string, source: string) {
    super('CONFIG_INVALID', `config: ${key}: ${reason} (from ${source})`)
    this.key = key
    this.source = source
  }
}
