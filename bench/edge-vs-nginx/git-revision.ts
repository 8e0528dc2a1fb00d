import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** Which code a result came from: the commit, and whether the node's code had uncommitted changes. */
export interface GitRevision {
  readonly commit: string | undefined
  readonly hasUncommittedNodeChanges: boolean | undefined
}

/** Reads the revision with read-only git commands; outside a git checkout both are undefined. */
export async function readGitRevision(repoRoot: string): Promise<GitRevision> {
  try {
    const { stdout: commit } = await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, timeout: 5000 })
    const { stdout: status } = await execFileAsync('git', ['status', '--porcelain', '--', 'apps/node', 'apps/cli', 'packages'], { cwd: repoRoot, timeout: 5000 })
    return { commit: commit.trim(), hasUncommittedNodeChanges: status.trim() !== '' }
  } catch {
    return { commit: undefined, hasUncommittedNodeChanges: undefined }
  }
}
