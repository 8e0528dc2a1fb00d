import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { collect, runCli, waitForExit, waitForLine } from '../test-support/cli-process.ts'

interface NetworkFile {
  coordinatorUrl: string
  dashboardUrl: string
  originUrl: string
  buyer: { accountId: string; token: string; balance: string }
  operator: { accountId: string; token: string }
  zones: { name: string; origin: string; url: string }[]
  nodes: { nodeId: string; url: string }[]
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
