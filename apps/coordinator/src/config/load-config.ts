import { readFileSync } from 'node:fs'
import { ConfigError } from './config-error.ts'
import { parseConfig } from './parse-config.ts'
import type { ConfigSources, ParseConfigResult } from './parse-config.ts'
import { isPlainObject } from './config-values.ts'

/** The only module that reads process.env or the coordinator's config file. */

/** What the CLI hands over: flag values (undefined when not given) and the `--config` path. */
export interface LoadConfigInput {
  readonly flags?: Readonly<Record<string, unknown>>
  readonly configPath?: string | undefined
  /** Defaults to process.env; tests pass their own. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/** Reads the environment and the optional JSON config file, then `parseConfig`. */
export function loadConfig(input: LoadConfigInput): ParseConfigResult {
  const configPath = input.configPath
  let file: ConfigSources['file']
  if (configPath !== undefined) {
    let text: string
    try {
      text = readFileSync(configPath, 'utf8')
    } catch (error) {
      const reason = isPlainObject(error) && typeof error.code === 'string' ? error.code : 'read failed'
      return { ok: false, error: new ConfigError('config', `cannot read the file (${reason})`, `--config ${configPath}`) }
    }
    try {
      file = { path: configPath, content: JSON.parse(text) }
    } catch {
      return { ok: false, error: new ConfigError('config', 'the file is not valid JSON', `--config ${configPath}`) }
    }
  }
  const flags = Object.fromEntries(Object.entries(input.flags ?? {}).filter(([, value]) => value !== undefined))
  return parseConfig({ flags, env: input.env ?? process.env, ...(file === undefined ? {} : { file }) })
}
