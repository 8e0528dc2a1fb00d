import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { collect, runCli, waitForExit, waitForLine } from '../testing/cli-process.ts'

interface NetworkFile {
  coordinatorUrl: string
  dashboardUrl: string
  originUrl: string
  buyer: { accountId: string; token: string; balance: string }
  operator: { accountId: string; token: string }
  zones: { name: string; origin: string; url: string }[]
  nodes: { nodeId: string; url: string }[]
  proxy: { http: string; socks5: string; username: string; password: string; target: string }
  chain?: { rpcUrl: string; chainId: number; token: string; distributor: string; vault: string; operatorAddress: string; operatorKeyFile: string }
  gateway: { zoneUrl: string; rootCid: string; upstreamUrl: string }
  admin: { token: string }
}

/** The real curl through a proxy; resolves with its exit code and body. */
function curlVia(args: readonly string[]): Promise<{ code: number | null; body: Buffer }> {
  return new Promise((resolve) => {
    const child = spawn('curl', ['--silent', '--max-time', '30', '--noproxy', '', ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.once('error', () => resolve({ code: -1, body: Buffer.alloc(0) }))
    child.once('close', (code) => resolve({ code, body: Buffer.concat(chunks) }))
  })
}

async function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  return { status: response.status, body: await response.json() }
}

describe('meson-net demo (npm start)', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('brings up a coordinator, nodes, a credited buyer and a zone whose URL serves through a node, and stops on SIGINT', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meson-demo-test-'))
    dirs.push(dataDir)
    const child = runCli(['demo', '--port', '0', '--nodes', '2', '--no-traffic', '--data-dir', dataDir])
    const stdout = collect(child.stdout)
    const stderr = collect(child.stderr)
    const exited = waitForExit(child)
    try {
      const printed = await waitForLine(child, /Ctrl-C stops everything/)
      const networkFile = join(dataDir, 'network.json')
      assert.equal((await stat(networkFile)).mode & 0o777, 0o600, 'network.json holds tokens: owner-only')
      const network = JSON.parse(await readFile(networkFile, 'utf8')) as NetworkFile

      const balance = await getJson(`${network.coordinatorUrl}/v1/balance`, network.buyer.token)
      assert.equal(balance.status, 200)
      assert.deepEqual(balance.body, { balance: '100000000000000000000', formatted: '100 MSN' })

      const zones = await getJson(`${network.coordinatorUrl}/v1/zones`, network.buyer.token)
      assert.equal(zones.status, 200)
      assert.match(JSON.stringify(zones.body), /"name":"demo"/)
      assert.equal(network.zones[0]?.origin, network.originUrl)

      const dashboard = await fetch(network.dashboardUrl, { headers: { accept: 'text/html' } })
      assert.equal(dashboard.status, 200)
      assert.match(await dashboard.text(), /<div id="app">/)
      assert.equal(network.dashboardUrl, `${network.coordinatorUrl}/`)
      // npm start prints where the dashboard is and the tokens to sign in with.
      assert.ok(printed.input.includes(`dashboard     ${network.dashboardUrl}`), printed.input)
      assert.ok(printed.input.includes(`sign in as the buyer:    ${network.buyer.token}`), printed.input)
      assert.ok(printed.input.includes(`sign in as the operator: ${network.operator.token}`), printed.input)

      const origin = await fetch(`${network.originUrl}/assets/4k.bin`)
      assert.equal(origin.status, 200)
      assert.equal((await origin.arrayBuffer()).byteLength, 4096)

      const me = await getJson(`${network.coordinatorUrl}/v1/me`, network.operator.token)
      assert.equal(me.status, 200)
      assert.match(JSON.stringify(me.body), /"role":"operator"/)

      assert.equal(network.nodes.length, 2)
      const listed = await getJson(`${network.coordinatorUrl}/v1/nodes`, network.operator.token)
      assert.equal(listed.status, 200)
      for (const node of network.nodes) assert.match(JSON.stringify(listed.body), new RegExp(node.nodeId))

      // What `curl -L <zone URL>` does: the redirector's 302 leads to a node, which serves the object.
      const [zone] = network.zones
      assert.ok(zone, 'network.json lists the demo zone')
      const viaZone = await fetch(`${zone.url}assets/4k.bin`)
      assert.equal(viaZone.status, 200)
      assert.equal(viaZone.redirected, true, 'served after a redirect to a node')
      assert.ok(network.nodes.some((node) => viaZone.url.startsWith(`${node.url}/z/demo/assets/4k.bin?`)), viaZone.url)
      assert.deepEqual(Buffer.from(await viaZone.arrayBuffer()), Buffer.from(await (await fetch(`${network.originUrl}/assets/4k.bin`)).arrayBuffer()))

      // The proxy lines the demo prints: the demo nodes are exits allowed to reach the demo's own origin.
      const expected = Buffer.from(await (await fetch(network.proxy.target)).arrayBuffer())
      const login = `${network.proxy.username}:${network.proxy.password}`
      const viaHttp = await curlVia(['-x', network.proxy.http, '--proxy-user', login, network.proxy.target])
      assert.equal(viaHttp.code, 0)
      assert.deepEqual(viaHttp.body, expected)
      const viaSocks = await curlVia(['--socks5-hostname', network.proxy.socks5.replace(/^socks5h:\/\//, ''), '--proxy-user', login, network.proxy.target])
      assert.equal(viaSocks.code, 0)
      assert.deepEqual(viaSocks.body, expected)
      // With anvil installed (it is a dependency), the demo settles on a local chain.
      if (network.chain !== undefined) {
        const { chainId, token, distributor, vault } = network.chain
        assert.deepEqual(await (await fetch(`${network.coordinatorUrl}/v1/chain`)).json(), { chainId, token, distributor, vault })
        assert.equal((await stat(network.chain.operatorKeyFile)).mode & 0o777, 0o600, 'the operator key file is owner-only')
        assert.match(stdout(), new RegExp(`meson-net claim --coordinator ${network.coordinatorUrl} --rpc ${network.chain.rpcUrl} --key-file `))
      }
      // The ipfs zone (#13): a file of the directory added at start, through the redirector and a node.
      const viaGateway = await fetch(`${network.gateway.zoneUrl}ipfs/${network.gateway.rootCid}/hello.txt`)
      assert.equal(viaGateway.status, 200)
      assert.equal(viaGateway.redirected, true, 'served after a redirect to a node')
      assert.equal(await viaGateway.text(), 'hello from IPFS through Meson\n')
      const car = await fetch(`${network.gateway.zoneUrl}ipfs/${network.gateway.rootCid}?format=car`)
      assert.equal(car.status, 200)
      assert.match(car.headers.get('content-type') ?? '', /^application\/vnd\.ipld\.car; version=1/)

      // The denylist (bad-bits format) pushed by the coordinator as a signed command: 410 Gone.
      const anchor = createHash('sha256').update(`${network.gateway.rootCid}/`).digest('hex')
      const pushed = await fetch(`${network.coordinatorUrl}/v1/gateway/denylist`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${network.admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ denylist: `//${anchor}\n` }),
      })
      assert.equal(pushed.status, 202)
      let status = 0
      // Commands ride on heartbeats (1 s in the demo): poll until the node serving this root took it.
      for (let attempt = 0; attempt < 150 && status !== 410; attempt += 1) {
        status = (await fetch(`${network.gateway.zoneUrl}ipfs/${network.gateway.rootCid}/hello.txt`)).status
        if (status !== 410) await new Promise((resolve) => setTimeout(resolve, 200))
      }
      assert.equal(status, 410)
    } finally {
      child.kill('SIGINT')
    }
    const { code } = await exited
    assert.equal(code, 0, stderr())
  })

  it('refuses a bad --port with exit code 2 and a message naming the flag', async () => {
    const child = runCli(['demo', '--port', 'seventy'])
    const stderr = collect(child.stderr)
    const { code } = await waitForExit(child)
    assert.equal(code, 2)
    assert.match(stderr(), /--port/)
  })
})
