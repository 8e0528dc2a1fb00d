import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkZonePrice } from './check-zone-price.ts'
import { coordinatorEndpointsOf, isCoordinatorName, placeOrigin } from './network-endpoints.ts'

const own = coordinatorEndpointsOf({ host: '0.0.0.0', port: 7400, publicUrl: 'https://cdn.meson.example', machineName: 'coord-1.internal' })
const network = { ...own, nodeUrls: () => ['http://203.0.113.7:8080', 'https://node-9.example.net'] }

describe('the network\'s own endpoints', () => {
  it('never lets a custom domain be the coordinator\'s name, whatever its spelling', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost', 'cdn.meson.example', 'CDN.Meson.Example.', 'coord-1.internal', '127.0.0.1']) {
      assert.equal(isCoordinatorName(host, own), true, host)
    }
    assert.equal(isCoordinatorName('cdn.buyer.example', own), false)
    // Without a public URL the machine's own names still count.
    const bare = coordinatorEndpointsOf({ host: 'coordinator.lan', port: 7400, publicUrl: undefined })
    assert.equal(isCoordinatorName('coordinator.lan', bare), true)
  })

  it('places origins that point at the coordinator or a node, and lets others through', () => {
    assert.equal(placeOrigin('http://127.0.0.1:7400/z/x', network), 'coordinator')
    assert.equal(placeOrigin('http://localhost:7400', network), 'coordinator')
    assert.equal(placeOrigin('http://[::1]:7400/', network), 'coordinator')
    assert.equal(placeOrigin('https://cdn.meson.example/z/x', network), 'coordinator')
    assert.equal(placeOrigin('http://203.0.113.7:8080/z/x', network), 'node')
    assert.equal(placeOrigin('https://node-9.example.net:443/', network), 'node')
    assert.equal(placeOrigin('http://127.0.0.1:7401', network), 'outside')
    assert.equal(placeOrigin('https://origin.buyer.example', network), 'outside')
  })
})

describe('checkZonePrice', () => {
  const bounds = { minPricePerGiB: 10n ** 15n, maxPricePerGiB: 10n ** 21n }
  it('refuses a price below the floor or above the ceiling, and takes the bounds themselves', () => {
    assert.equal(checkZonePrice(1n, bounds).ok, false)
    assert.equal(checkZonePrice(10n ** 15n - 1n, bounds).ok, false)
    assert.equal(checkZonePrice(10n ** 21n + 1n, bounds).ok, false)
    assert.equal(checkZonePrice(10n ** 15n, bounds).ok, true)
    assert.equal(checkZonePrice(10n ** 21n, bounds).ok, true)
  })
})
