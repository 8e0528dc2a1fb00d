import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'

/** Test support: runs the real `meson-net` bin as a child process and reads its output. */
export const BIN = fileURLToPath(new URL('../../bin/meson-net.ts', import.meta.url))

export type Child = ChildProcessByStdio<null, Readable, Readable>

export function runCli(args: readonly string[]): Child {
  // process.execPath is the Node 24 running the tests (the system `node` may be older).
  return spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MESON_LOG_LEVEL: 'warn' } })
}

export function collect(stream: Readable): () => string {
  let text = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => (text += chunk))
  return () => text
}

/** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
export function waitForLine(child: Child, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8')
      const match = pattern.exec(buffered)
      if (match !== null) {
        child.stdout.off('data', onData)
        child.off('exit', onExit)
        resolve(match)
      }
    }
    const onExit = (code: number | null): void => reject(new Error(`exited with ${code} before printing ${pattern}; stdout: ${buffered}`))
    child.stdout.on('data', onData)
    child.once('exit', onExit)
  })
}

export function waitForExit(child: Child): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}

