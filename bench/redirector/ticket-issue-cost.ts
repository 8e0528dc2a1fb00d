/**
 * What issuing one ticket costs: the ed25519-signed ticket of ADR 0005 (sign the canonical
 * JSON, as `encodeTicket` did before ADR 0016), the two-tag HMAC-SHA256 ticket of ADR 0016's
 * first version (v2, rebuilt here with node:crypto's `createHmac` on the same JSON) and the
 * keyed-BLAKE3 ticket of today's `issueTicket` (v3, ADR 0016 seventh session), on the same
 * claims, in one process. Also the node's side: verifying an uncached token (ed25519
 * verify vs the full v3 check). Prints µs per ticket and the ratios.
 *
 *   npx node bench/redirector/ticket-issue-cost.ts [--ms 1500]
 */
import { createHmac, createSecretKey, randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { canonicalJson, deriveCoordinatorTicketKey, encodeBase64Url, encodeTicket, ticketJson, generateKeyPair, nodeIdFromPublicKey, signBytes, TicketKeyRing, deriveNodeTicketKey, verifyBytes, verifyTicket, TicketMacKey } from '@meson/protocol'
import type { Ticket } from '@meson/protocol'
import { CoordinatorTicketKeys, issueTicket } from '@meson/coordinator/tickets'
import type { TicketClaims } from '@meson/coordinator/tickets'
import { measureDecisions } from './measure-decisions.ts'

const { values } = parseArgs({ options: { ms: { type: 'string', default: '1500' } } })
const durationMs = Number(values.ms)
const nodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const ed25519 = generateKeyPair()
const master = randomBytes(32)
const keys = new CoordinatorTicketKeys([{ kid: 'k1', secret: master, activeFrom: 0 }])
const nowMs = 1_700_000_000_000

function claims(index: number): TicketClaims {
  return {
    zone: 'bench',
    path: `/assets/${index & 8191}.js`,
    prefix: false,
    nodeId,
    client: '203.0.113.7',
    issuedAt: nowMs + index,
    expiresAt: nowMs + index + 300_000,
    byteBudget: 1n << 30n,
    nonce: `tn_${String(index).padStart(20, '0')}`,
    origin: 'https://origin.example.com',
  }
}

/** The pre-ADR-0016 format: base64url(canonical JSON) "." ed25519 signature. */
function issueEd25519(index: number): string {
  const json = Buffer.from(canonicalJson({ v: 1, ...claims(index) }), 'utf8')
  return `${encodeBase64Url(json)}.${signBytes(ed25519.privateKey, json, 'ticket')}`
}

/** ADR 0016's v2 tags: HMAC-SHA256 truncated to 128 bits, keys imported once as KeyObjects. */
const hmacNodeKey = createSecretKey(deriveNodeTicketKey(master, 'k1', nodeId))
const hmacCoordinatorKey = createSecretKey(deriveCoordinatorTicketKey(master, 'k1'))
function issueHmacV2(index: number): string {
  const json = Buffer.from(ticketJson({ v: 3, kid: 'k1', ...claims(index) }), 'utf8')
  const nodeTag = createHmac('sha256', hmacNodeKey).update(json).digest().subarray(0, 16)
  const coordTag = createHmac('sha256', hmacCoordinatorKey).update(json).digest().subarray(0, 16)
  return `${json.toString('base64url')}.${nodeTag.toString('base64url')}.${coordTag.toString('base64url')}`
}

const issueOld = measureDecisions(issueEd25519, durationMs, 2_000)
const issueHmac = measureDecisions(issueHmacV2, durationMs, 20_000)
const issueNew = measureDecisions((index) => issueTicket(keys, claims(index)), durationMs, 20_000)

// The node's uncached check of one token.
const oldToken = issueEd25519(1)
const [oldPayload = '', oldSignature = ''] = oldToken.split('.')
const oldJson = Buffer.from(oldPayload, 'base64url')
const verifyOld = measureDecisions(() => verifyBytes(ed25519.publicKey, oldJson, oldSignature, 'ticket') || undefined, durationMs, 2_000)
const ticket: Ticket = { v: 3, kid: 'k1', ...claims(1) }
const newToken = encodeTicket({ nodeKey: new TicketMacKey(deriveNodeTicketKey(master, 'k1', nodeId)), coordinatorKey: new TicketMacKey(randomBytes(32)) }, ticket)
const ring = new TicketKeyRing([{ kid: 'k1', key: deriveNodeTicketKey(master, 'k1', nodeId) }])
const request = { now: nowMs + 2, nodeId, zone: 'bench', path: '/assets/1.js', clientIp: '203.0.113.7' }
const verifyNew = measureDecisions(() => (verifyTicket(newToken, (kid) => ring.get(kid), request).ok ? 1 : undefined), durationMs, 20_000)

const us = (ns: number): string => (ns / 1000).toFixed(2)
process.stdout.write(
  [
    `issue  ed25519 (ADR 0005): ${us(issueOld.nsPerDecision)} µs/ticket  (${Math.round(issueOld.decisionsPerSec)}/s)`,
    `issue  2×HMAC-SHA256 (ADR 0016 v2): ${us(issueHmac.nsPerDecision)} µs/ticket  (${Math.round(issueHmac.decisionsPerSec)}/s)`,
    `issue  2×keyed BLAKE3 (ADR 0016 v3, issueTicket): ${us(issueNew.nsPerDecision)} µs/ticket  (${Math.round(issueNew.decisionsPerSec)}/s)`,
    `issue  ratio ed25519/v3: ${(issueOld.nsPerDecision / issueNew.nsPerDecision).toFixed(1)}×, HMAC v2/v3: ${(issueHmac.nsPerDecision / issueNew.nsPerDecision).toFixed(2)}×`,
    `verify ed25519 signature only: ${us(verifyOld.nsPerDecision)} µs; full MAC ticket check (parse + keyed BLAKE3 + bindings): ${us(verifyNew.nsPerDecision)} µs; ratio ${(verifyOld.nsPerDecision / verifyNew.nsPerDecision).toFixed(1)}×`,
    `token length: old ${oldToken.length}, new ${newToken.length} characters`,
    '',
  ].join('\n'),
)
