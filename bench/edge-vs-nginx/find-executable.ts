import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

// nginx lives in /usr/sbin on Debian, which an unprivileged user's PATH often lacks.
const EXTRA_DIRECTORIES = ['/usr/local/sbin', '/usr/sbin', '/sbin']

/** Finds `name` on PATH (then in the sbin folders); undefined when it is not installed. */
export async function findExecutable(name: string, pathVariable: string | undefined): Promise<string | undefined> {
  const directories = [...(pathVariable ?? '').split(delimiter).filter((directory) => directory !== ''), ...EXTRA_DIRECTORIES]
  for (const directory of directories) {
    const candidate = join(directory, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not in this folder; try the next one.
    }
  }
  return undefined
}
