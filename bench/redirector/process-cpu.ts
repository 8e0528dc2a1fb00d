// CPU time and peak memory of a process and its descendants (Linux /proc), so each bench
// side states how much of the machine it used: nginx's master + worker, a coordinator and
// its redirect workers. Elsewhere the figures are absent.
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'

let ticksPerSecond: number | undefined
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'latin1')
  } catch {
    return ''
  }
}

/** `pid` and every process below it. */
export async function processTree(pid: number): Promise<number[]> {
  const children = (await readOrEmpty(`/proc/${String(pid)}/task/${String(pid)}/children`)).trim().split(/\s+/).filter(Boolean).map(Number)
  const below = await Promise.all(children.map((child) => processTree(child)))
  return [pid, ...below.flat()]
}

/** User + system CPU seconds used so far by `pid` and its descendants (0 off Linux). */
export async function treeCpuSeconds(pid: number): Promise<number> {
  let ticks = 0
  for (const member of await processTree(pid)) {
    const stat = await readOrEmpty(`/proc/${String(member)}/stat`)
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0)
  }
  return ticks / clockTicksPerSecond()
}

/** The sum of the peak resident sets (`VmHWM`, KiB) of `pid` and its descendants, or undefined. */
export async function treePeakRssKiB(pid: number): Promise<number | undefined> {
  let total: number | undefined
  for (const member of await processTree(pid)) {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(await readOrEmpty(`/proc/${String(member)}/status`))
    if (match?.[1] !== undefined) total = (total ?? 0) + Number(match[1])
  }
  return total
}
