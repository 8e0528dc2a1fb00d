import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ContractsError } from '../contracts-error.ts'

/** A running anvil child process. */
export interface RunningAnvil {
  readonly rpcUrl: string
  readonly chainId: number
  /** Kills the process and waits for it to exit. */
  stop(): Promise<void>
}

export interface StartAnvilParameters {
  readonly chainId?: number
  /** Mine a block every this many seconds; without it, a block per transaction. */
  readonly blockTimeSeconds?: number
  readonly startTimeoutMs?: number
}

/**
 * The anvil binary shipped by the platform package `@foundry-rs/anvil-<os>-<arch>` (an
 * optional dependency of `@foundry-rs/anvil`, so npm installs the one for this machine).
 * We call it directly: nothing is downloaded, and the wrapper's postinstall, which only
 * fetches the binary when that package is missing, need not run. Undefined when absent.
 */
export function findAnvilBinary(): string | undefined {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const os = process.platform
  try {
    const require = createRequire(import.meta.url)
    const manifest = require.resolve(`@foundry-rs/anvil-${os}-${arch}/package.json`)
    return join(dirname(manifest), 'bin', os === 'win32' ? 'anvil.exe' : 'anvil')
  } catch {
    return undefined
  }
}

const LISTENING = /Listening on (127\.0\.0\.1:\d+)/

/**
 * Starts anvil on a free loopback port (port 0; the port is read from its banner).
 * Its well-known development accounts are funded; never use them outside a local chain.
 */
export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<RunningAnvil> {
  const binary = findAnvilBinary()
  if (binary === undefined) {
    throw new ContractsError('ANVIL_UNAVAILABLE', 'anvil is not installed for this platform; run npm ci with optional dependencies.')
  }
  const chainId = parameters.chainId ?? 31337
  const args = ['--host', '127.0.0.1', '--port', '0', '--chain-id', String(chainId), '--no-request-size-limit']
  if (parameters.blockTimeSeconds !== undefined) args.push('--block-time', String(parameters.blockTimeSeconds))
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let banner = ''
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ContractsError('ANVIL_UNAVAILABLE', 'anvil did not start in time.')), parameters.startTimeoutMs ?? 30_000)
    child.stdout.on('data', (chunk: Buffer) => {
      banner += chunk.toString('utf8')
      const match = LISTENING.exec(banner)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new ContractsError('ANVIL_UNAVAILABLE', 'anvil could not be started.', { cause: error }))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new ContractsError('ANVIL_UNAVAILABLE', `anvil exited with code ${String(code)} before listening.`))
    })
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL')
    await exited
    throw error
  })
  // Keep draining its output so a full pipe never blocks the chain.
  child.stdout.resume()
  child.stderr.resume()
  return {
    rpcUrl: `http://${address}`,
    chainId,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
