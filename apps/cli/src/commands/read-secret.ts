import { readFileSync } from 'node:fs'
import { CommanderError } from 'commander'

/**
 * A secret for a command, from (in order) a file named by `--<x>-file`, the environment,
 * or a flag; never echoed. Files and variables are preferred: a flag shows in `ps` to
 * every user of the machine. Throws a CommanderError (exit 2) with a sentence naming
 * the three places when none holds it.
 */
export function readSecret(input: { readonly file: string | undefined; readonly env: string; readonly flag: string | undefined; readonly what: string; readonly flagName: string; readonly fileFlagName: string }): string {
  if (input.file !== undefined) {
    let text: string
    try {
      text = readFileSync(input.file, 'utf8').trim()
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'read failed'
      process.stderr.write(`meson-net: ${input.fileFlagName}: cannot read ${input.file} (${code})\n`)
      throw new CommanderError(2, 'meson.secret', 'unreadable secret file')
    }
    if (text !== '') return text
  }
  const fromEnv = process.env[input.env]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (input.flag !== undefined && input.flag !== '') return input.flag
  process.stderr.write(`meson-net: no ${input.what}: put it in a file and pass ${input.fileFlagName} <path>, or set ${input.env} (${input.flagName} works too, but shows in ps)\n`)
  throw new CommanderError(2, 'meson.secret', `no ${input.what}`)
}
