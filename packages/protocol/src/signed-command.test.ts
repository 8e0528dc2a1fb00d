import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { newCommandId } from './ids.ts'
import { generateKeyPair } from './keys.ts'
import { nodeIdFromPublicKey } from './node-id.ts'
import { commandSchema, signCommand, verifyCommand } from './signed-command.ts'
import type { Command } from './signed-command.ts'
import { signEnvelope } from './signed-envelope.ts'

const coordinator = generateKeyPair()
const impostor = generateKeyPair()
const nodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const otherNodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const issuedAt = 1_700_000_000_000
const purge: Command = commandSchema.parse({
  id: 'cmd_abcdefghijklmnopqrst',
  type: 'purge',
  issuedAt,
  expiresAt: issuedAt + 60_000,
  nodeId: '*',
  args: { zone: 'my-site', urls: ['/z/my-site/a.png'], prefixes: ['/img/'], surrogateKeys: ['product-42'] },
})
const context = { now: issuedAt + 1, nodeId }

describe('commandSchema', () => {
  const valid: [string, unknown][] = [
    ['a purge by surrogate key only', { ...purge, args: { surrogateKeys: ['k'] } }],
    ['a drain for one node', { ...purge, type: 'drain', nodeId, args: {} }],
    ['a drain with a reason', { ...purge, type: 'drain', args: { reason: 'maintenance' } }],
    ['a config push', { ...purge, type: 'config', args: { heartbeatIntervalMs: 30000, upstreams: ['http://127.0.0.1:1'] } }],
    ['a generated command id', { ...purge, id: newCommandId() }],
  ]
  for (const [name, input] of valid) {
    it(`accepts ${name}`, () => {
      assert.equal(commandSchema.safeParse(input).success, true)
    })
  }

  const invalid: [string, unknown][] = [
    ['an unknown type', { ...purge, type: 'reboot' }],
    ['a purge with nothing to purge', { ...purge, args: {} }],
    ['a purge with only empty lists', { ...purge, args: { urls: [], prefixes: [] } }],
    ['a purge with an unknown arg', { ...purge, args: { urls: ['/a'], everything: true } }],
    ['a purge of 1001 urls', { ...purge, args: { urls: Array.from({ length: 1001 }, (_, index) => `/${index}`) } }],
    ['a surrogate key with a space', { ...purge, args: { surrogateKeys: ['a b'] } }],
    ['drain args on a drain with extra keys', { ...purge, type: 'drain', args: { force: true } }],
    ['purge args on a drain', { ...purge, type: 'drain', args: { urls: ['/a'] } }],
    ['an extra top-level key', { ...purge, signature: 'x' }],
    ['a malformed node id', { ...purge, nodeId: 'all' }],
    ['expiry before issue', { ...purge, expiresAt: issuedAt }],
    ['a short id', { ...purge, id: 'c1' }],
  ]
  for (const [name, input] of invalid) {
    it(`rejects ${name}`, () => {
      assert.equal(commandSchema.safeParse(input).success, false)
    })
  }
})

describe('signCommand / verifyCommand', () => {
  const signed = signCommand(coordinator.privateKey, purge)

  it('verifies a signed broadcast command on any node', () => {
    assert.deepEqual(verifyCommand(coordinator.publicKey, signed, context), { ok: true, command: purge })
    assert.equal(verifyCommand(coordinator.publicKey, signed, { ...context, nodeId: otherNodeId }).ok, true)
  })

  it('verifies a command sent as JSON text', () => {
    assert.equal(verifyCommand(coordinator.publicKey, JSON.stringify(signed), context).ok, true)
  })

  const forOneNode = signCommand(coordinator.privateKey, { ...purge, nodeId })
  const cases: [string, unknown, Partial<typeof context> & { clockSkewMs?: number }, string][] = [
    ['a command for another node', forOneNode, { nodeId: otherNodeId }, 'wrong-node'],
    ['an expired command', signed, { now: purge.expiresAt }, 'expired'],
    ['a command from the future', signed, { now: issuedAt - 60_000 }, 'not-yet-valid'],
    ['a command signed by another key', signCommand(impostor.privateKey, purge), {}, 'bad-signature'],
    ['a heartbeat-purpose signature over a command', signEnvelope('heartbeat', coordinator.privateKey, purge), {}, 'bad-signature'],
    ['a command with a swapped node id', { ...forOneNode, payload: { ...(forOneNode.payload as object), nodeId: '*' } }, {}, 'bad-signature'],
    ['a command whose payload fails the schema', { ...signed, payload: { ...(signed.payload as object), type: 'reboot' } }, {}, 'invalid-payload'],
    ['a bare command without envelope', purge, {}, 'malformed'],
    ['garbage text', 'not json', {}, 'malformed'],
  ]
  for (const [name, raw, change, reason] of cases) {
    it(`rejects ${name} as ${reason}`, () => {
      assert.deepEqual(verifyCommand(coordinator.publicKey, raw, { ...context, ...change }), { ok: false, reason })
    })
  }
})
