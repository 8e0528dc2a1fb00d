/**
 * Sticky sessions end to end with curl: 20 connections of one session leave through one
 * exit; without a session they spread over the exits; when a session's exit goes away,
 * the next connection gets another exit in the same country.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { curl, FILE, startProxyNetwork, waitFor, whyNoCurl } from '../testing/proxy-network.ts'
import type { ProxyNetwork } from '../testing/proxy-network.ts'

const noCurl = await whyNoCurl()
const skip = noCurl !== undefined && process.env['CI'] !== 'true' ? noCurl : false

describe('sticky sessions through the proxy', { skip }, () => {
  let network: ProxyNetwork
  before(async () => {
    network = await startProxyNetwork({ exits: [{ country: 'de' }, { country: 'de' }, { country: 'de' }, { country: 'fr' }] })
  })
  after(() => network.stop())

  const fetchAs = async (username: string, via: 'http' | 'socks'): Promise<string | undefined> => {
    const before = network.dials.length
    const proxy = via === 'http' ? ['--proxy', network.gateway.httpUrl ?? ''] : ['--socks5-hostname', (network.gateway.socks5Url ?? '').replace('socks5h://', '')]
    const result = await curl([...proxy, '--proxy-user', `${username}:${network.password}`, `http://127.0.0.1:${network.targetPort}/file`])
    assert.equal(result.exitCode, 0, result.stderr)
    assert.ok(result.stdout.equals(FILE))
    return network.dials[before]
  }

  it('sends 20 connections of one session through one exit', async () => {
    const exits = new Set<string | undefined>()
    for (let round = 0; round < 20; round += 1) exits.add(await fetchAs(`${network.username}-country-de-session-s1`, round % 2 === 0 ? 'http' : 'socks'))
    assert.equal(exits.size, 1)
  })

  it('spreads connections without a session over the exits of the country', async () => {
    const exits = new Set<string | undefined>()
    for (let round = 0; round < 20; round += 1) exits.add(await fetchAs(`${network.username}-country-de`, 'http'))
    assert.ok(exits.size >= 2, `only ${exits.size} exit used`)
    const french = network.exits[3]?.nodeId
    assert.ok(!exits.has(french))
  })

  it('moves a session to another exit in the same country when its exit goes away', async () => {
    const first = await fetchAs(`${network.username}-country-de-session-s2-sesstime-30`, 'http')
    const exit = network.exits.find((candidate) => candidate.nodeId === first)
    assert.ok(exit !== undefined)
    await exit.client.stop()
    await waitFor(() => network.gateway.pool.size === 3, 'the gateway to drop the exit')
    const second = await fetchAs(`${network.username}-country-de-session-s2-sesstime-30`, 'socks')
    assert.notEqual(second, first)
    assert.ok(network.exits.slice(0, 3).some((candidate) => candidate.nodeId === second))
    // and it sticks to the new one
    assert.equal(await fetchAs(`${network.username}-country-de-session-s2-sesstime-30`, 'http'), second)
  })
})
