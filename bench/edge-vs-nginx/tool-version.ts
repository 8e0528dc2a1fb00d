import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** The first line a tool prints for `args` (nginx prints its version on stderr). */
export async function readToolVersion(path: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(path, [...args], { timeout: 5000 })
    return (stdout + stderr).split('\n')[0]?.trim() ?? ''
  } catch (error) {
    // `wrk -v` prints its version and then exits 1 for lack of a URL.
    const output = error instanceof Error && 'stdout' in error && typeof error.stdout === 'string' ? error.stdout : ''
    return output.split('\n')[0]?.trim() ?? ''
  }
}
