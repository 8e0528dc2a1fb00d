import { setTimeout as sleep } from 'node:timers/promises'
import { BenchError } from './bench-error.ts'
import type { ManagedProcess } from './process-group.ts'

/**
 * Polls `url` until any HTTP answer comes back. Fails early with the process output
 * when the process exits first, and with BENCH_SERVER_NOT_READY after `timeoutMs`.
 */
export async function waitUntilReady(url: string, managed: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!managed.isRunning()) {
      throw new BenchError('BENCH_SERVER_EXITED', `${managed.name} exited before it answered on ${url} (exit ${String(await managed.exited)}).`, {
        details: managed.outputTail().trim() || '(no output)',
      })
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      return
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new BenchError('BENCH_SERVER_NOT_READY', `${managed.name} did not answer on ${url} within ${timeoutMs} ms.`, {
        details: managed.outputTail().trim() || '(no output)',
      })
    }
    await sleep(100)
  }
}
