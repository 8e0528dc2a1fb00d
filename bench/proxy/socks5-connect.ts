import { connect } from 'node:net'
import type { Socket } from 'node:net'

/** Opens a TCP connection through a SOCKS5 proxy (RFC 1928 + RFC 1929) to 127.0.0.1:port; the socket comes back paused. */
export function socks5Connect(proxyPort: number, username: string, password: string, targetPort: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: proxyPort, noDelay: true })
    const user = Buffer.from(username)
    const pass = Buffer.from(password)
    let buffer = Buffer.alloc(0)
    // greeting reply (2) + auth reply (2) + connect reply (10)
    const expected = 14
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk])
      if (buffer.length < expected) return
      socket.off('data', onData)
      // Paused, so no byte is emitted before the caller listens; the caller resumes (pipe does).
      socket.pause()
      if (buffer[1] !== 0x02 || buffer[3] !== 0x00 || buffer[5] !== 0x00) {
        socket.destroy()
        reject(new Error(`SOCKS5 refused: ${buffer.subarray(0, expected).toString('hex')}`))
        return
      }
      if (buffer.length > expected) socket.unshift(buffer.subarray(expected))
      resolve(socket)
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.write(Buffer.concat([Uint8Array.of(5, 1, 2), Uint8Array.of(1, user.length), user, Uint8Array.of(pass.length), pass, Uint8Array.of(5, 1, 0, 1, 127, 0, 0, 1, targetPort >> 8, targetPort & 255)]))
  })
}
