import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { loadConfig } from './load-config.ts'
import { parseConfig } from './parse-config.ts'
import type { ConfigSources } from './parse-config.ts'

describe('parseConfig', () => {
  it('fills every key with its default when no source is given', () => {
    const result = parseConfig({})
    assert.ok(result.ok)
    assert.deepEqual(result.config, {
      port: 7400,
      host: '127.0.0.1',
      dataDir: './.data/coordinator',
      db: 'sqlite:.data/coordinator/coordinator.db',
      adminToken: undefined,
      logLevel: 'info',
      bodyLimitBytes: 1048576,
      defaultPricePerGiB: 10n ** 16n,
      minNodeVersion: '0.1.0',
      allowSharedIp: false,
      heartbeatIntervalMs: 5_000,
      nodeDownAfterMs: 12_000,
      coordinatorKeyFile: '.data/coordinator/coordinator-key.pem',
      ticketKeyFile: '.data/coordinator/ticket-keys.json',
      operatorSharePercent: 80,
      usageFlushMs: 1_000,
      usageGraceMs: 6 * 3_600_000,
      usageSizeTolerancePercent: 10,
      usageSizeOverheadBytes: 512n,
      usageFleetMinNodes: 3,
      usageResponsesPerTicket: 1,
      trustProxy: false,
      redirectRawConnections: true,
      redirectWorkers: 0,
      redirectPort: 7410,
      ticketTtlMs: 5 * 60_000,
      ticketByteBudget: 2n ** 30n,
      ticketBudgetResponses: 1,
      originFallbackTimeoutMs: 10_000,
      publicUrl: undefined,
      minPricePerGiB: 10n ** 15n,
      maxPricePerGiB: 10n ** 21n,
      headersTimeoutMs: 10_000,
      domainVerificationBaseUrl: undefined,
      proxyHttpPort: undefined,
      proxySocksPort: undefined,
      proxyTunnelPort: 7403,
      proxyPricePerGiB: 10n ** 18n,
      proxyExitAllow: '',
      proxyDataIdle: 8,
      proxyDataMax: 512,
      epochLengthMs: 3_600_000,
      epochCloseDelayMs: 60_000,
      emissionPerHour: 1000n * 10n ** 18n,
      emissionYearlyPercent: 80,
      emissionGenesisMs: Date.UTC(2026, 0, 1),
      scoreBandwidthCapMbps: 1_500,
      scoreStoragePoints: [
        { bytes: 20n * 10n ** 9n, factor: 0.7 },
        { bytes: 60n * 10n ** 9n, factor: 0.85 },
        { bytes: 100n * 10n ** 9n, factor: 1 },
      ],
      scoreCreditInitial: 0.4,
      scoreCreditGainPerHour: 0.6 / (30 * 24),
      scoreCreditLossPerHour: 0.6 / (3 * 24),
      rewardsOneNodePerIp: true,
      probesEnabled: false,
      probeIntervalMs: 600_000,
      storageProofsEnabled: true,
      storageSegmentBytes: 64 * 1024 * 1024,
      storageProofMaxBytes: 100n * 10n ** 9n,
      storageChallengeBytes: 64 * 1024,
      probeClientIp: '127.0.0.1',
      dashboardDir: undefined,
      chainRpcUrl: undefined,
      chainId: undefined,
      tokenAddress: undefined,
      distributorAddress: undefined,
      vaultAddress: undefined,
      settlerKeyFile: undefined,
      chainConfirmations: 1,
      chainFromBlock: 0,
    })
  })

  it('reads the chain settings, checksums lowercase addresses, and refuses a wrong EIP-55 checksum or a partial chain', () => {
    const checksummed = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
    const chain = { chainRpcUrl: 'http://127.0.0.1:8545', chainId: '31337', tokenAddress: checksummed.toLowerCase(), distributorAddress: checksummed, vaultAddress: checksummed, settlerKeyFile: '/etc/meson/settler.key' }
    const result = parseConfig({ flags: chain, env: { MESON_CHAIN_CONFIRMATIONS: '3', MESON_CHAIN_FROM_BLOCK: '123' } })
    assert.ok(result.ok, result.ok ? '' : result.error.message)
    assert.equal(result.config.chainId, 31337)
    assert.equal(result.config.tokenAddress, checksummed, 'lowercase is normalized to EIP-55')
    assert.equal(result.config.chainConfirmations, 3)
    assert.equal(result.config.chainFromBlock, 123)
    const flipped = checksummed.replace('F', 'f')
    const badChecksum = parseConfig({ flags: { ...chain, vaultAddress: flipped } })
    assert.ok(!badChecksum.ok)
    assert.match(badChecksum.error.message, /^config: vaultAddress: the EIP-55 checksum does not match/)
    const { settlerKeyFile: _omitted, ...withoutKey } = chain
    const partial = parseConfig({ flags: withoutKey })
    assert.ok(!partial.ok)
    assert.match(partial.error.message, /^config: settlerKeyFile: required when any chain setting is given/)
    const notHttp = parseConfig({ flags: { ...chain, chainRpcUrl: 'ws://127.0.0.1:8545' } })
    assert.ok(!notHttp.ok)
    assert.equal(notHttp.error.key, 'chainRpcUrl')
  })

  it('at default settings marks a silent (kill -9) node down soon enough that it gets no redirects after 15 s', () => {
    const result = parseConfig({})
    assert.ok(result.ok)
    // FleetControl sweeps every min(1 s, downAfter / 3); the redirector's view follows within 250 ms.
    const sweepMs = Math.max(250, Math.min(1_000, Math.floor(result.config.nodeDownAfterMs / 3)))
    assert.ok(result.config.nodeDownAfterMs + sweepMs + 250 <= 15_000, `down after ${String(result.config.nodeDownAfterMs)} ms`)
    assert.ok(result.config.nodeDownAfterMs >= 2 * result.config.heartbeatIntervalMs, 'one late heartbeat does not mark a node down')
  })

  it('refuses live probes from a public coordinator while probe tickets would be bound to loopback', () => {
    const publicProbes = { probesEnabled: 'true', publicUrl: 'https://cdn.meson.example' }
    const refused = parseConfig({ flags: publicProbes })
    assert.ok(!refused.ok)
    assert.equal(refused.error.key, 'probeClientIp')
    assert.equal(parseConfig({ flags: { ...publicProbes, probeClientIp: '203.0.113.7' } }).ok, true)
    assert.equal(parseConfig({ flags: { probesEnabled: 'true', publicUrl: 'http://127.0.0.1:7400' } }).ok, true)
    assert.equal(parseConfig({ flags: { probesEnabled: 'true' } }).ok, true)
    assert.equal(parseConfig({ flags: { probeClientIp: 'coordinator' } }).ok, false)
  })

  it('keeps zone prices within network bounds: the default price must lie between them', () => {
    const result = parseConfig({ flags: { minPricePerGiB: '0.01 MSN', maxPricePerGiB: '5 MSN', defaultPricePerGiB: '1 MSN' } })
    assert.ok(result.ok)
    assert.equal(result.config.minPricePerGiB, 10n ** 16n)
    const below = parseConfig({ flags: { minPricePerGiB: '1 MSN' } })
    assert.ok(!below.ok)
    assert.equal(below.error.key, 'defaultPricePerGiB')
    assert.equal(parseConfig({ flags: { headersTimeoutMs: '999' } }).ok, false)
  })

  it('reads the proxy gateway settings and refuses a malformed exit allow-list', () => {
    const result = parseConfig({ flags: { proxyHttpPort: '7401', proxySocksPort: '7402', proxyExitAllow: '127.0.0.1:8080,[::1]:9000' }, env: { MESON_PROXY_PRICE_PER_GIB: '2 MSN' } })
    assert.ok(result.ok)
    assert.equal(result.config.proxyHttpPort, 7401)
    assert.equal(result.config.proxySocksPort, 7402)
    assert.equal(result.config.proxyPricePerGiB, 2n * 10n ** 18n)
    const data = parseConfig({ flags: { proxyDataIdle: '0' }, env: { MESON_PROXY_DATA_MAX: '16' } })
    assert.ok(data.ok)
    assert.equal(data.config.proxyDataIdle, 0)
    assert.equal(data.config.proxyDataMax, 16)
    assert.equal(parseConfig({ flags: { proxyDataIdle: '65' } }).ok, false, 'above the grant\'s wire limit')
    assert.equal(parseConfig({ flags: { proxyDataIdle: '9', proxyDataMax: '8' } }).ok, false, 'more idle than max')
    const bad = parseConfig({ flags: { proxyExitAllow: 'localhost:80' } })
    assert.equal(bad.ok, false)
  })

  it('reads the redirector settings, and refuses a byte budget that is not a whole number of bytes or a public URL with credentials', () => {
    const result = parseConfig({ flags: { trustProxy: 'true', ticketTtlMs: '60000', publicUrl: 'https://cdn.meson.example' }, env: { MESON_TICKET_BYTE_BUDGET: '1048576' } })
    assert.ok(result.ok)
    assert.equal(result.config.trustProxy, true)
    assert.equal(result.config.ticketTtlMs, 60_000)
    assert.equal(result.config.ticketByteBudget, 1_048_576n)
    assert.equal(result.config.publicUrl, 'https://cdn.meson.example')
    for (const ticketByteBudget of ['0', '1.5', '-1', 'lots']) assert.equal(parseConfig({ flags: { ticketByteBudget } }).ok, false, ticketByteBudget)
    assert.equal(parseConfig({ flags: { publicUrl: 'https://user:secret@cdn.meson.example' } }).ok, false)
  })

  it('reads the score curve and credit constants, refusing curves that fall or factors outside [0, 1]', () => {
    const result = parseConfig({ flags: { scoreStoragePoints: '8MiB:0.7, 16MiB:0.85,32MiB:1', scoreCreditInitial: '0.5', scoreCreditGainPerHour: '0.1' } })
    assert.ok(result.ok)
    assert.deepEqual(result.config.scoreStoragePoints, [
      { bytes: 8n * 2n ** 20n, factor: 0.7 },
      { bytes: 16n * 2n ** 20n, factor: 0.85 },
      { bytes: 32n * 2n ** 20n, factor: 1 },
    ])
    assert.equal(result.config.scoreCreditInitial, 0.5)
    assert.equal(result.config.scoreCreditGainPerHour, 0.1)
    for (const scoreStoragePoints of ['', '20GB', '20GB:1.5', '20GB:-0.1', '20GB:0.7,10GB:0.8', '20GB:0.9,60GB:0.8', '20GB:0.7:1', 'lots:0.7', '20GB:x']) {
      assert.equal(parseConfig({ flags: { scoreStoragePoints } }).ok, false, scoreStoragePoints)
    }
    for (const scoreCreditLossPerHour of ['2', '-1', 'x']) assert.equal(parseConfig({ flags: { scoreCreditLossPerHour } }).ok, false, scoreCreditLossPerHour)
  })

  it('reads the fleet settings from flags and env, and keeps nodes from flapping down', () => {
    const result = parseConfig({ flags: { allowSharedIp: true, heartbeatIntervalMs: '1000' }, env: { MESON_MIN_NODE_VERSION: '1.2.0' } })
    assert.ok(result.ok)
    assert.equal(result.config.allowSharedIp, true)
    assert.equal(result.config.minNodeVersion, '1.2.0')
    assert.equal(result.config.nodeDownAfterMs, 2400)
    const flapping = parseConfig({ flags: { heartbeatIntervalMs: '5000', nodeDownAfterMs: '2000' } })
    assert.ok(!flapping.ok)
    assert.equal(flapping.error.key, 'nodeDownAfterMs')
    const tooFast = parseConfig({ flags: { heartbeatIntervalMs: '999' } })
    assert.ok(!tooFast.ok)
    assert.equal(parseConfig({ env: { MESON_ALLOW_SHARED_IP: 'yes' } }).ok, false)
  })

  it('returns a frozen config', () => {
    const result = parseConfig({})
    assert.ok(result.ok)
    assert.ok(Object.isFrozen(result.config))
  })

  const precedence: readonly { name: string; sources: ConfigSources; expected: number }[] = [
    { name: 'flags over env and file', sources: { flags: { port: '1' }, env: { MESON_COORDINATOR_PORT: '2' }, file: { path: 'c.json', content: { port: 3 } } }, expected: 1 },
    { name: 'env over file', sources: { env: { MESON_COORDINATOR_PORT: '2' }, file: { path: 'c.json', content: { port: 3 } } }, expected: 2 },
    { name: 'file over default', sources: { file: { path: 'c.json', content: { port: 3 } } }, expected: 3 },
    { name: 'an empty env variable as unset', sources: { env: { MESON_COORDINATOR_PORT: '' }, file: { path: 'c.json', content: { port: 3 } } }, expected: 3 },
    { name: 'port 0 (a random free port)', sources: { flags: { port: '0' } }, expected: 0 },
  ]
  for (const row of precedence) {
    it(`takes ${row.name}`, () => {
      const result = parseConfig(row.sources)
      assert.ok(result.ok)
      assert.equal(result.config.port, row.expected)
    })
  }

  it('reads a price with the MSN symbol', () => {
    const result = parseConfig({ env: { MESON_DEFAULT_PRICE_PER_GIB: '0.05 MSN' } })
    assert.ok(result.ok)
    assert.equal(result.config.defaultPricePerGiB, 50000000000000000n)
  })

  it('derives the default db from dataDir', () => {
    const result = parseConfig({ env: { MESON_DATA_DIR: '/var/lib/meson' } })
    assert.ok(result.ok)
    assert.equal(result.config.db, 'sqlite:/var/lib/meson/coordinator.db')
  })

  it('keeps an explicit db and parses the price as bigint', () => {
    const result = parseConfig({ flags: { db: 'postgres://u@h/db', defaultPricePerGiB: '123456789012345678901234', maxPricePerGiB: '10000000000000000000000000' } })
    assert.ok(result.ok)
    assert.equal(result.config.db, 'postgres://u@h/db')
    assert.equal(result.config.defaultPricePerGiB, 123456789012345678901234n)
  })

  const rejections: readonly { name: string; sources: ConfigSources; message: string }[] = [
    { name: 'a non-numeric port', sources: { flags: { port: 'abc' } }, message: 'config: port: expected an integer between 0 and 65535 (from --port)' },
    { name: 'a port above 65535', sources: { env: { MESON_COORDINATOR_PORT: '70000' } }, message: 'config: port: expected an integer between 0 and 65535 (from MESON_COORDINATOR_PORT)' },
    { name: 'a fractional port', sources: { file: { path: 'c.json', content: { port: 80.5 } } }, message: 'config: port: expected an integer between 0 and 65535 (from config file c.json)' },
    { name: 'a negative port', sources: { flags: { port: '-1' } }, message: 'config: port: expected an integer between 0 and 65535 (from --port)' },
    { name: 'a short admin token', sources: { env: { MESON_ADMIN_TOKEN: 'short' } }, message: 'config: adminToken: expected at least 16 characters (from MESON_ADMIN_TOKEN)' },
    { name: 'an admin token with spaces', sources: { flags: { adminToken: 'has a space in it, sixteen+' } }, message: 'config: adminToken: expected printable ASCII without spaces (from --admin-token)' },
    { name: 'an unknown log level', sources: { flags: { logLevel: 'loud' } }, message: 'config: logLevel: expected one of fatal, error, warn, info, debug, trace, silent (from --log-level)' },
    { name: 'a tiny body limit', sources: { file: { path: 'c.json', content: { bodyLimitBytes: 10 } } }, message: 'config: bodyLimitBytes: expected an integer between 1024 and 67108864 (from config file c.json)' },
    { name: 'a database of another kind', sources: { flags: { db: 'mysql://root:secret@h/db' } }, message: 'config: db: expected sqlite:<path>, sqlite::memory:, file:///<path>, postgres://... or a file path (from --db)' },
    { name: 'a float price without symbol', sources: { env: { MESON_DEFAULT_PRICE_PER_GIB: '0.5' } }, message: 'config: defaultPricePerGiB: expected base units as a decimal string ("50000000000000000") or a token amount ("0.05 MSN") (from MESON_DEFAULT_PRICE_PER_GIB)' },
    { name: 'a zero price', sources: { env: { MESON_DEFAULT_PRICE_PER_GIB: '0' } }, message: 'config: defaultPricePerGiB: expected an amount greater than zero (from MESON_DEFAULT_PRICE_PER_GIB)' },
    { name: 'an unknown key in the file', sources: { file: { path: 'c.json', content: { prot: 1 } } }, message: 'config: prot: unknown key (from config file c.json)' },
    { name: 'a file that is not an object', sources: { file: { path: 'c.json', content: [1] } }, message: 'config: config: expected a JSON object (from config file c.json)' },
    { name: 'a host with a slash', sources: { flags: { host: 'http://x' } }, message: 'config: host: expected a host name or IP address (from --host)' },
  ]
  for (const row of rejections) {
    it(`rejects ${row.name}, naming the key and the source`, () => {
      const result = parseConfig(row.sources)
      assert.equal(result.ok, false)
      assert.ok(!result.ok)
      assert.equal(result.error.message, row.message)
      assert.equal(result.error.code, 'CONFIG_INVALID')
    })
  }

  it('never echoes a rejected value (it may be a secret)', () => {
    const result = parseConfig({ flags: { db: 'mysql://root:hunter2hunter2@h/db' } })
    assert.ok(!result.ok)
    assert.ok(!result.error.message.includes('hunter2'))
  })
})

describe('loadConfig', () => {
  it('reads the JSON file named by --config under the env and flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meson-config-'))
    const path = join(dir, 'coordinator.json')
    writeFileSync(path, JSON.stringify({ port: 9000, host: '0.0.0.0', logLevel: 'warn' }))
    const result = loadConfig({ configPath: path, flags: { host: undefined, logLevel: 'debug' }, env: { MESON_COORDINATOR_PORT: '9001' } })
    assert.ok(result.ok)
    assert.equal(result.config.port, 9001)
    assert.equal(result.config.host, '0.0.0.0')
    assert.equal(result.config.logLevel, 'debug')
  })

  it('reports a missing file and a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meson-config-'))
    const missing = loadConfig({ configPath: join(dir, 'nope.json'), env: {} })
    assert.ok(!missing.ok)
    assert.match(missing.error.message, /^config: config: cannot read the file \(ENOENT\)/)
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{ port: ')
    const notJson = loadConfig({ configPath: bad, env: {} })
    assert.ok(!notJson.ok)
    assert.match(notJson.error.message, /the file is not valid JSON/)
  })
})
