import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * Asks the kernel for a free loopback port. nginx and `meson-net node` take a port on
 * the command line and do not report an ephemeral one, so the bench picks it; the short
 * window before they bind is an accepted race.
 */
export async function findFreePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo // a TCP listen() yields AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
