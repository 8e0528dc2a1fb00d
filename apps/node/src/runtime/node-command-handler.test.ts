import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Command } from '@meson/protocol'
import { parseDenylist } from '../gateway/denylist.ts'
import type { Denylist } from '../gateway/denylist.ts'
import { createNodeCommandHandler, IPFS_DENYLIST_CONFIG_KEY } from './node-command-handler.ts'

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }
const ANCHOR = 'd9d295bde21f422d471a90f2a37ec53049fdf3e5fa3ee2e8f20e10003da429e7'

function configCommand(args: Record<string, string>): Command {
  return { id: 'cmd_aaaaaaaaaaaaaaaaaaaa', type: 'config', nodeId: '*', issuedAt: 1, expiresAt: 2, args }
}

describe('node commands: the IPFS denylist as a signed config command (#13)', () => {
  it('replaces the gateway denylist with the pushed bad-bits text', async () => {
    const loaded: Denylist[] = []
    const handle = createNodeCommandHandler({
      purge: () => Promise.resolve(0),
      startDraining: () => undefined,
      setIpfsDenylist: (text) => {
        const denylist = parseDenylist(text)
        loaded.push(denylist)
        return denylist
      },
      logger: quiet,
    })
    await handle(configCommand({ [IPFS_DENYLIST_CONFIG_KEY]: `//${ANCHOR}\n` }))
    assert.equal(loaded.length, 1)
    assert.equal(loaded[0]?.legacy.has(ANCHOR), true)
  })

  it('refuses other config keys, and a denylist when the node runs no gateway (so it is not acknowledged)', async () => {
    const withGateway = createNodeCommandHandler({ purge: () => Promise.resolve(0), startDraining: () => undefined, setIpfsDenylist: parseDenylist, logger: quiet })
    await assert.rejects(async () => withGateway(configCommand({ somethingElse: 'x' })), { code: 'COMMAND_UNSUPPORTED' })
    const without = createNodeCommandHandler({ purge: () => Promise.resolve(0), startDraining: () => undefined, logger: quiet })
    await assert.rejects(async () => without(configCommand({ [IPFS_DENYLIST_CONFIG_KEY]: '' })), { code: 'COMMAND_UNSUPPORTED' })
  })
})
