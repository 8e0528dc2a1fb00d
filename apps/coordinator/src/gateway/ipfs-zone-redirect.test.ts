import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { createStaticCountryLookup } from '../routing/country-lookup.ts'
import { decideRedirect } from '../routing/decide-redirect.ts'
import type { DecideRedirectResult } from '../routing/decide-redirect.ts'
import { buildFleetView } from '../routing/fleet-view.ts'
import { testNode } from '../testing/test-fleet.ts'
import { testTicketKeys } from '../testing/test-ticket-keys.ts'
import { issueTicket } from '../tickets/issue-ticket.ts'
import type { TicketClaims } from '../tickets/issue-ticket.ts'
import { ZoneDirectory } from '../routing/zone-directory.ts'
import type { ZoneEntry } from '../routing/zone-directory.ts'

const ticketKeys = testTicketKeys()
const ROOT_V0 = 'QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR'
const nodes = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => testNode(name, { publicUrl: `http://127.0.0.${name.charCodeAt(0) - 96}:8080` }))
const gateway: ZoneEntry = {
  name: 'gw',
  origin: 'https://up-1.example',
  pricePerGiB: 1n,
  accountId: 'acc_aaaaaaaaaaaaaaaaaaaa' as AccountId, // a fixture id shaped like newAccountId()'s
  hasBalance: true,
  type: 'ipfs',
  upstreams: ['https://up-1.example', 'https://up-2.example'],
}
const zones = new ZoneDirectory([gateway, { ...gateway, name: 'gw2' }])

function decide(zone: string, path: string, signed: TicketClaims[] = []): DecideRedirectResult {
  return decideRedirect({
    zone,
    path,
    clientIp: '127.0.0.1',
    now: 1_700_000_000_000,
    fleet: buildFleetView(nodes),
    zones,
    geo: createStaticCountryLookup({}),
    ticketTtlMs: 60_000,
    byteBudget: 1n << 30n,
    replicas: 1,
    sign: (ticket) => {
      signed.push(ticket)
      return issueTicket(ticketKeys, ticket)
    },
  })
}

function nodeOf(result: DecideRedirectResult): string {
  if (result.kind !== 'redirect') throw new Error(`expected a redirect, got ${result.kind}`)
  return result.nodeId
}

describe('redirector: ipfs gateway zones (#13)', () => {
  it('sends every path under one root CID, in any zone and CID version, to the same node', () => {
    const first = nodeOf(decide('gw', `/ipfs/${ROOT_V0}`))
    assert.equal(nodeOf(decide('gw', `/ipfs/${ROOT_V0}/a/b.txt`)), first)
    assert.equal(nodeOf(decide('gw2', `/ipfs/${ROOT_V0}/index.html`)), first)
    assert.equal(nodeOf(decide('gw', '/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/a')), nodeOf(decide('gw', '/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/b')))
  })

  it('puts the zone upstreams in the ticket, and refuses paths that are not /ipfs/<cid>', () => {
    const signed: TicketClaims[] = []
    decide('gw', `/ipfs/${ROOT_V0}/x`, signed)
    assert.deepEqual(signed[0]?.upstreams, ['https://up-1.example', 'https://up-2.example'])
    assert.deepEqual(decide('gw', '/images/x.png'), { kind: 'invalid-request', reason: 'path' })
    assert.deepEqual(decide('gw', '/ipfs/not-a-cid'), { kind: 'invalid-request', reason: 'path' })
  })
})
