import { readdir, readFile } from 'node:fs/promises'

/** Peak resident set size of one process, from /proc/<pid>/status. */
export interface ProcessPeakRss {
  readonly pid: number
  readonly command: string
  readonly peakRssBytes: bigint
}

/** Peak RSS of one side's processes. */
export interface SidePeakRss {
  readonly side: string
  readonly processes: readonly ProcessPeakRss[]
}

/** Reads `VmHWM` (peak RSS, in kB = 1024 B per proc(5)) from a /proc/<pid>/status text. */
export function parseVmHwmBytes(statusText: string): bigint | undefined {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(statusText)
  return match?.[1] === undefined ? undefined : BigInt(match[1]) * 1024n
}

/** Reads the parent pid from a /proc/<pid>/stat line; `comm` may hold spaces and parens. */
export function parseParentPid(statText: string): number | undefined {
  const afterCommand = statText.slice(statText.lastIndexOf(')') + 2)
  const parentPid = afterCommand.split(' ')[1]
  return parentPid === undefined || !/^\d+$/.test(parentPid) ? undefined : Number(parentPid)
}

/**
 * A readable label from /proc/<pid>/cmdline: NUL-separated arguments, absolute paths cut
 * to their last segment (nginx rewrites its own to its role, e.g. `nginx: worker process`).
 */
export function parseCommandLine(cmdline: string, maxLength = 40): string {
  const text = cmdline
    .split(/[\0 ]/)
    .filter((part) => part !== '')
    .map((part) => (part.startsWith('/') ? (part.split('/').pop() ?? part) : part))
    .join(' ')
    .trim()
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text
}

async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    // The process may have exited between listing /proc and reading it.
    return undefined
  }
}

async function findChildPids(parentPid: number): Promise<number[]> {
  const entries = await readdir('/proc')
  const children: number[] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readTextOrUndefined(`/proc/${entry}/stat`)
    if (stat !== undefined && parseParentPid(stat) === parentPid) children.push(Number(entry))
  }
  return children
}

/** Peak RSS of one process; undefined once it is gone. */
export async function readPeakRss(pid: number): Promise<ProcessPeakRss | undefined> {
  const status = await readTextOrUndefined(`/proc/${pid}/status`)
  const peakRssBytes = status === undefined ? undefined : parseVmHwmBytes(status)
  if (peakRssBytes === undefined) return undefined
  const cmdline = await readTextOrUndefined(`/proc/${pid}/cmdline`)
  return { pid, command: parseCommandLine(cmdline ?? '') || '?', peakRssBytes }
}

/**
 * Peak RSS of a process and its direct children (nginx's master, worker, cache manager
 * and loader). Must be read before the process is stopped; a process already gone is
 * left out.
 */
export async function readPeakRssOfTree(rootPid: number): Promise<ProcessPeakRss[]> {
  const pids = [rootPid, ...(await findChildPids(rootPid))]
  const peaks = await Promise.all(pids.map(readPeakRss))
  return peaks.filter((peak) => peak !== undefined)
}
