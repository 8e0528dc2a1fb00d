import { spawn, type SpawnOptions } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { BenchError } from './bench-error.ts'

/** A child process the bench started and will stop. */
export interface ManagedProcess {
  readonly name: string
  readonly pid: number
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>
  isRunning(): boolean
  /** The last few KiB of what it wrote to stdout and stderr, for error messages. */
  outputTail(): string
  /** Sends `signal` (default SIGTERM), waits up to `graceMs`, then SIGKILL. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>
}

/** Every process the bench starts, so all of them can be stopped on any way out. */
export interface ProcessGroup {
  /** Throws BENCH_INTERRUPTED once stopAll() was called, so nothing outlives the cleanup. */
  start(name: string, command: string, args: readonly string[], options?: SpawnOptions): ManagedProcess
  stopAll(): Promise<void>
  /** Synchronous last resort for `process.on('exit')`: SIGTERM to whatever is still running. */
  signalAllNow(): void
}

const OUTPUT_TAIL_BYTES = 8192

/** Creates an empty process group. */
export function createProcessGroup(): ProcessGroup {
  const processes = new Set<ManagedProcess>()
  let isStopping = false

  function start(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    if (isStopping) throw new BenchError('BENCH_INTERRUPTED', `Not starting ${name}: the bench is stopping.`)
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let tail = ''
    const keepTail = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES)
    }
    child.stdout?.on('data', keepTail)
    child.stderr?.on('data', keepTail)
    let running = true
    const exited = new Promise<number | string>((resolve) => {
      child.once('error', (error) => {
        running = false
        keepTail(Buffer.from(`\n${error.message}\n`))
        resolve('spawn-error')
      })
      child.once('exit', (code, signal) => {
        running = false
        resolve(code ?? signal ?? 'unknown')
      })
    })
    const managed: ManagedProcess = {
      name,
      // An unspawnable command has no pid; -1 never names a process we could signal by mistake
      // because every signal path checks isRunning() first.
      pid: child.pid ?? -1,
      exited,
      isRunning: () => running,
      outputTail: () => tail,
      stop: async (signal = 'SIGTERM', graceMs = 5000) => {
        if (running) {
          child.kill(signal)
          const outcome = await Promise.race([exited.then(() => 'exited' as const), sleep(graceMs).then(() => 'timeout' as const)])
          if (outcome === 'timeout' && managed.isRunning()) {
            child.kill('SIGKILL')
            await exited
          }
        }
        processes.delete(managed)
      },
    }
    processes.add(managed)
    void exited.then(() => {
      if (!running) processes.delete(managed)
    })
    return managed
  }

  return {
    start,
    stopAll: async () => {
      isStopping = true
      await Promise.all([...processes].map((managed) => managed.stop()))
    },
    signalAllNow: () => {
      for (const managed of processes) {
        if (managed.isRunning() && managed.pid > 0) {
          try {
            process.kill(managed.pid, 'SIGTERM')
          } catch {
            // Already gone between the check and the signal.
          }
        }
      }
    },
  }
}
