import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseWrkOutput } from './wrk-output.ts'

const cleanRun = `Running 10s test @ http://127.0.0.1:40000/4k
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.34ms    1.02ms   8.03ms   72.23%
    Req/Sec    15.18k   720.78    16.25k    70.00%
  Latency Distribution
     50%    3.28ms
     75%    3.92ms
     90%    4.53ms
     99%  612.00us
  151175 requests in 10.00s, 650.50MB read
Requests/sec:  15117.38
Transfer/sec:     65.05MB
`

const troubledRun = `Running 2s test @ http://127.0.0.1:40000/1m
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   250.10ms   80.00ms    1.50s    60.00%
    Req/Sec   180.00     20.00   220.00     70.00%
  Latency Distribution
     50%  240.00ms
     75%  300.00ms
     90%  400.00ms
     99%    1.20s
  360 requests in 2.00s, 360.50MB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:    179.90
Transfer/sec:    180.25MB
`

describe('parseWrkOutput', () => {
  it('reads requests, req/s, transfer/s and the p50/p99/max latencies', () => {
    const parsed = parseWrkOutput(cleanRun)
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.result, {
      requests: 151175,
      requestsPerSec: 15117.38,
      transferBytesPerSec: 65.05 * 1024 * 1024,
      latencyP50Ms: 3.28,
      latencyP99Ms: 0.612,
      latencyMaxMs: 8.03,
      socketErrors: 0,
      non2xxOr3xx: 0,
    })
  })

  it('converts seconds and sums socket errors and non-2xx/3xx answers', () => {
    const parsed = parseWrkOutput(troubledRun)
    assert.ok(parsed.ok)
    assert.equal(parsed.result.latencyP99Ms, 1200)
    assert.equal(parsed.result.latencyMaxMs, 1500)
    assert.equal(parsed.result.socketErrors, 6)
    assert.equal(parsed.result.non2xxOr3xx, 7)
  })

  it('returns a reason when wrk could not connect', () => {
    const parsed = parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')
    assert.equal(parsed.ok, false)
  })

  it('returns a reason when the latency distribution is missing', () => {
    const withoutDistribution = cleanRun.replace(/ {2}Latency Distribution[\s\S]*?(?= {2}151175)/, '')
    const parsed = parseWrkOutput(withoutDistribution)
    assert.equal(parsed.ok, false)
    assert.match(parsed.reason, /--latency/)
  })
})
