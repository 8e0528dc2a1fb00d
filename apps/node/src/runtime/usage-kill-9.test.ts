import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { encodeTicket, newTicketNonce, ticketSchema } from '@meson/protocol'
import { startScriptedOrigin } from '../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin } from '../testing/cache-server-fixtures.ts'
import { FakeCoordinator } from '../testing/fake-coordinator.ts'

// The `meson-net` command, spawned as an operator runs it, so it can be killed with SIGKILL.
const BIN = fileURLToPath(new URL('../../../cli/bin/meson-net.ts', import.meta.url))
const BODY = Buffer.alloc(50_000, 'u')
const COMPLETED = 30
const IN_FLIGHT = 6

function startNodeProcess(args: readonly string[]): { kill: () => Promise<void>; listening: Promise<{ url: string; nodeId: string }> } {
  const child = spawn(process.execPath, [BIN, 'node', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const listening = new Promise<{ url: string; nodeId: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on (http:\/\/\S+) \(node (\S+),/.exec(out)
      if (match !== null && /registered with/.test(out)) resolve({ url: match[1] ?? '', nodeId: match[2] ?? '' })
    })
    void exited.then(() => reject(new Error(`the node exited: ${out}`)))
  })
  child.stderr.resume()
  return {
    listening,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/** Reads a response, counting the body bytes that arrived (whether or not it completed). */
function fetchCounting(url: string, onHead?: () => void): { done: Promise<{ bytes: number; isComplete: boolean }> } {
  let bytes = 0
  const done = new Promise<{ bytes: number; isComplete: boolean }>((resolve) => {
    const request = httpRequest(url, { agent: false }, (res) => {
      onHead?.()
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('end', () => resolve({ bytes, isComplete: res.complete }))
      res.on('error', () => resolve({ bytes, isComplete: false }))
    })
    request.on('error', () => resolve({ bytes, isComplete: false }))
    request.end()
  })
  return { done }
}

async function walRecordCount(dataDir: string): Promise<number> {
  const directory = join(dataDir, 'usage', 'wal')
  const names = await readdir(directory).catch(() => [])
  let count = 0
  for (const name of names) count += (await readFile(join(directory, name), 'utf8')).split('\n').filter((line) => line.endsWith('}')).length
  return count
}

async function waitForWalRecords(dataDir: string, count: number): Promise<void> {
  for (let turn = 0; turn < 1000 && (await walRecordCount(dataDir)) < count; turn += 1) await new Promise((resolve) => setTimeout(resolve, 10))
}

describe('usage survives kill -9 of a node under load', () => {
  let fake: FakeCoordinator
  let origin: ScriptedOrigin
  let dataDir = ''
  before(async () => {
    fake = await FakeCoordinator.start()
    origin = await startScriptedOrigin()
    origin.route('*', (req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store', 'content-length': String(BODY.length) })
      // The in-flight transfers stall half-way until the node is killed.
      if ((req.url ?? '').startsWith('/stall')) res.write(BODY.subarray(0, BODY.length / 2))
      else res.end(BODY)
    })
    dataDir = await mkdtemp(join(tmpdir(), 'meson-usage-kill-'))
  })
  // Whatever happens, no node process outlives the test.
  const cleanups: (() => Promise<void>)[] = []
  after(async () => {
    await Promise.all(cleanups.map((kill) => kill()))
    await origin.close()
    await fake.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  const ticketedUrl = (url: string, nodeId: string, path: string): { nonce: string; url: string } => {
    const nowMs = Date.now()
    const ticket = ticketSchema.parse({
      v: 3, kid: 'k1', zone: 'my-site', path, prefix: false, nodeId, client: '127.0.0.1', issuedAt: nowMs - 1000, expiresAt: nowMs + 600_000,
      byteBudget: '10000000', nonce: newTicketNonce(), origin: origin.url,
    })
    return { nonce: ticket.nonce, url: `${url}/z/my-site${path}?mt=${encodeTicket(fake.ticketTagKeys(nodeId), ticket)}` }
  }
  /** Bytes per ticket in the usage batches the fake coordinator accepted. */
  const acceptedBytes = (): Map<string, bigint> => {
    const accepted = new Map<string, bigint>()
    for (const line of [...fake.usageBatches.values()].flatMap((batch) => batch.lines)) accepted.set(line.ticketId, (accepted.get(line.ticketId) ?? 0n) + line.bytes)
    return accepted
  }

  it('after a restart the coordinator accepts exactly the bytes clients received, within the transfers in flight at the kill', { timeout: 120_000 }, async () => {
    const args = ['--coordinator', fake.url.href, '--token', 'operator-token-1', '--port', '0', '--data-dir', dataDir, '--usage-flush-interval-ms', '3600000']
    const first = startNodeProcess(args)
    cleanups.push(first.kill)
    const { url, nodeId } = await first.listening
    const ticketFor = (path: string) => ticketedUrl(url, nodeId, path)
    // Load: COMPLETED transfers, eight at a time, then IN_FLIGHT ones stalled mid-body.
    const received = new Map<string, number>()
    const completed = Array.from({ length: COMPLETED }, (_, index) => ticketFor(`/done-${index}.bin`))
    for (let start = 0; start < completed.length; start += 8) {
      await Promise.all(
        completed.slice(start, start + 8).map(async (ticket) => {
          const outcome = await fetchCounting(ticket.url).done
          assert.equal(outcome.isComplete, true)
          received.set(ticket.nonce, outcome.bytes)
        }),
      )
    }
    const stalled = Array.from({ length: IN_FLIGHT }, (_, index) => ticketFor(`/stall-${index}.bin`))
    let heads = 0
    const stalledDone = stalled.map((ticket) => fetchCounting(ticket.url, () => (heads += 1)).done)
    // Every completed transfer durable (group commit), the stalled ones mid-body: kill -9.
    for (let turn = 0; turn < 500 && ((await walRecordCount(dataDir)) < COMPLETED || heads < IN_FLIGHT); turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    assert.equal(await walRecordCount(dataDir), COMPLETED, 'every completed transfer is in the served-bytes log before the kill')
    assert.equal(fake.usageBatches.size, 0, 'nothing was sealed or sent yet (flush interval 1 h)')
    await first.kill()
    const stalledOutcomes = await Promise.all(stalledDone)
    assert.ok(stalledOutcomes.every((outcome) => !outcome.isComplete))

    const second = startNodeProcess(args)
    cleanups.push(second.kill)
    await second.listening
    for (let turn = 0; turn < 1000 && [...fake.usageBatches.values()].flatMap((batch) => batch.lines).length < COMPLETED; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await second.kill()
    const accepted = acceptedBytes()
    for (const ticket of completed) assert.equal(accepted.get(ticket.nonce), BigInt(received.get(ticket.nonce) ?? -1), `ticket ${ticket.nonce}`)
    // In flight at the kill: nothing, or at most what was sent, never more.
    for (const ticket of stalled) assert.ok((accepted.get(ticket.nonce) ?? 0n) <= BigInt(BODY.length))
    assert.equal(accepted.size <= COMPLETED + IN_FLIGHT, true)
  })

  it('with a commit interval, loses at most the transfers of the last interval: earlier ones are kept, nothing is over-counted', { timeout: 120_000 }, async () => {
    const intervalDir = await mkdtemp(join(tmpdir(), 'meson-usage-interval-'))
    cleanups.push(() => rm(intervalDir, { recursive: true, force: true }))
    const batchesBefore = new Set(fake.usageBatches.keys())
    // The longest interval allowed: a commit waiting for it is easy to catch before the kill.
    const args = ['--coordinator', fake.url.href, '--token', 'operator-token-1', '--port', '0', '--data-dir', intervalDir, '--usage-flush-interval-ms', '3600000', '--usage-commit-interval-ms', '1000']
    const first = startNodeProcess(args)
    cleanups.push(first.kill)
    const { url, nodeId } = await first.listening
    const fetchAll = async (tickets: readonly { nonce: string; url: string }[]): Promise<Map<string, number>> => {
      const outcomes = await Promise.all(tickets.map(async (ticket) => [ticket.nonce, (await fetchCounting(ticket.url).done).bytes] as const))
      return new Map(outcomes)
    }
    // The first transfer after a quiet log commits at once; the next ones wait for the
    // interval, and must still reach the log once it has passed (not only at a seal).
    const early = [ticketedUrl(url, nodeId, '/early-0.bin')]
    const received = await fetchAll(early)
    await waitForWalRecords(intervalDir, 1)
    const delayed = Array.from({ length: 4 }, (_, index) => ticketedUrl(url, nodeId, `/delayed-${String(index)}.bin`))
    for (const [nonce, bytes] of await fetchAll(delayed)) received.set(nonce, bytes)
    await waitForWalRecords(intervalDir, 1 + delayed.length)
    assert.equal(await walRecordCount(intervalDir), 1 + delayed.length, 'transfers that waited for the interval were committed after it')
    // The last interval's transfers: the kill comes right after they complete.
    const last = Array.from({ length: 4 }, (_, index) => ticketedUrl(url, nodeId, `/last-${String(index)}.bin`))
    for (const [nonce, bytes] of await fetchAll(last)) received.set(nonce, bytes)
    await first.kill()

    const second = startNodeProcess(args)
    cleanups.push(second.kill)
    await second.listening
    const newLines = () => [...fake.usageBatches.entries()].filter(([id]) => !batchesBefore.has(id)).flatMap(([, batch]) => batch.lines)
    for (let turn = 0; turn < 1000 && newLines().length < 1 + delayed.length; turn += 1) await new Promise((resolve) => setTimeout(resolve, 10))
    await second.kill()
    const accepted = acceptedBytes()
    for (const ticket of [...early, ...delayed]) assert.equal(accepted.get(ticket.nonce), BigInt(received.get(ticket.nonce) ?? -1), `committed transfer ${ticket.nonce}`)
    // The last interval: each transfer counted whole or not at all, never more than it sent.
    for (const ticket of last) assert.ok([0n, BigInt(received.get(ticket.nonce) ?? -1)].includes(accepted.get(ticket.nonce) ?? 0n), `last-interval transfer ${ticket.nonce}`)
  })
})
