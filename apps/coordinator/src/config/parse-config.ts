import { ConfigError } from './config-error.ts'
import { CONFIG_KEYS, configSchema } from './config.ts'
import type { ConfigKey, CoordinatorConfig } from './config.ts'
import { isPlainObject } from './config-values.ts'

/** What `parseConfig` merges; each source is optional. */
export interface ConfigSources {
  /** Command-line values keyed by config key (camelCase); undefined means not given. */
  readonly flags?: Readonly<Record<string, unknown>>
  readonly env?: Readonly<Record<string, string | undefined>>
  /** The already-read JSON config file. */
  readonly file?: { readonly path: string; readonly content: unknown }
}

export type ParseConfigResult =
  | { readonly ok: true; readonly config: CoordinatorConfig }
  | { readonly ok: false; readonly error: ConfigError }

function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key)
}


/** Merges the sources (flags > env > file > defaults), validates and deep-freezes. Pure. */
export function parseConfig(sources: ConfigSources): ParseConfigResult {
  const raw: Record<string, unknown> = {}
  const origin: Record<string, string> = {}
  const take = (key: string, value: unknown, source: string): void => {
    if (value === undefined || key in raw) return
    raw[key] = value
    origin[key] = source
  }

  for (const [key, value] of Object.entries(sources.flags ?? {})) {
    if (!isConfigKey(key)) return { ok: false, error: new ConfigError(key, 'unknown option', `--${key}`) }
    take(key, value, CONFIG_KEYS[key].flag)
  }
  for (const [key, names] of Object.entries(CONFIG_KEYS)) {
    const value = sources.env?.[names.env]
    // An empty variable counts as unset, as shells make `VAR= cmd` easy to write by accident.
    if (value !== undefined && value !== '') take(key, value, names.env)
  }
  if (sources.file !== undefined) {
    const fileSource = `config file ${sources.file.path}`
    const content = sources.file.content
    if (!isPlainObject(content)) return { ok: false, error: new ConfigError('config', 'expected a JSON object', fileSource) }
    for (const [key, value] of Object.entries(content)) {
      if (!isConfigKey(key)) return { ok: false, error: new ConfigError(key, 'unknown key', fileSource) }
      take(key, value, fileSource)
    }
  }

  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const key = typeof issue?.path[0] === 'string' ? issue.path[0] : 'config'
    return { ok: false, error: new ConfigError(key, issue?.message ?? 'invalid value', origin[key] ?? 'default') }
  }
  // Every value is a primitive, so freezing the top level freezes it deeply.
  return { ok: true, config: Object.freeze(parsed.data) }
}

