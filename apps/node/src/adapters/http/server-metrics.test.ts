import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createServerMetrics } from './server-metrics.ts'

describe('createServerMetrics', () => {
  it('exposes the plain counters as Prometheus counters at scrape time', async () => {
    const metrics = createServerMetrics()
    const before = await metrics.registry.metrics()
    assert.match(before, /^meson_node_cache_hits_total 0$/m)
    metrics.hits.inc()
    metrics.hits.inc()
    metrics.bytesServed.inc(4096)
    const after = await metrics.registry.metrics()
    assert.match(after, /^# TYPE meson_node_cache_hits_total counter$/m)
    assert.match(after, /^meson_node_cache_hits_total 2$/m)
    assert.match(after, /^meson_node_bytes_served_total 4096$/m)
    // A second scrape reports the same totals, not twice them.
    assert.match(await metrics.registry.metrics(), /^meson_node_cache_hits_total 2$/m)
    assert.equal(metrics.hits.value, 2)
  })
})
