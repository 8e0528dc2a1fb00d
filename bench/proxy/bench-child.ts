import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export type BenchMessage = Readonly<Record<string, unknown>>

/** A bench child process that talks JSON lines on stdout and takes commands on stdin. */
export interface BenchChild {
  /** Resolves with the first message (seen or still to come) that has `key`. */
  waitFor(key: string): Promise<BenchMessage>
  /** Asks for the child's RSS in bytes. */
  rss(): Promise<number>
  /** Asks for the CPU time (user + system) the child has used so far, in microseconds. */
  cpu(): Promise<number>
  /** Closes stdin (the child stops itself) and waits for it to exit. */
  stop(): Promise<void>
}

/** Starts `script` (a .ts file) with the same node binary, `env` added to ours; BENCH_NODE_FLAGS (e.g. `--cpu-prof`) go to the child's node. */
export function spawnBenchChild(script: string, env: Readonly<Record<string, string>>): BenchChild {
  const child: ChildProcess = spawn(process.execPath, [...(process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== ''), script], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] })
  const seen: BenchMessage[] = []
  const waiters: { key: string; resolve: (message: BenchMessage) => void }[] = []
  const lines = createInterface({ input: child.stdout ?? process.stdin })
  lines.on('line', (line) => {
    let message: BenchMessage
    try {
      message = JSON.parse(line) as BenchMessage // our own children's output
    } catch {
      return
    }
    const index = waiters.findIndex((waiter) => waiter.key in message)
    if (index >= 0) waiters.splice(index, 1)[0]?.resolve(message)
    else seen.push(message)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const waitFor = (key: string): Promise<BenchMessage> => {
    const index = seen.findIndex((message) => key in message)
    if (index >= 0) return Promise.resolve(seen.splice(index, 1)[0] ?? {})
    return new Promise((resolve, reject) => {
      waiters.push({ key, resolve })
      void exited.then(() => reject(new Error(`${script} exited before saying ${key}`)))
    })
  }
  return {
    waitFor,
    async rss() {
      child.stdin?.write('rss\n')
      return Number((await waitFor('rss'))['rss'])
    },
    async cpu() {
      child.stdin?.write('cpu\n')
      return Number((await waitFor('cpu'))['cpu'])
    },
    async stop() {
      child.stdin?.end()
      await exited
    },
  }
}
