import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32 } from 'node:zlib'
import type { ObjectMetadata } from './object-metadata.ts'
import { METADATA_HEADER_BYTES, decodeObjectMetadata, encodeObjectMetadata } from './object-metadata.ts'

const metadata: ObjectMetadata = {
  id: '0123456789abcdef0123456789abcdef',
  storedAtMs: 1_700_000_000_000,
  surrogateKeys: ['product-7', 'catalog'],
  response: {
    primaryKey: 'https://example.com/a?b=1',
    secondaryKey: 'accept-encoding=gzip',
    status: 200,
    headers: { 'content-type': 'text/plain', 'set-cookie': 'a=1\nb=2' },
    varyRequestHeaders: { 'accept-encoding': 'gzip' },
    requestTimeMs: 1,
    responseTimeMs: 2,
    sizeBytes: 5,
    sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  },
}

describe('object metadata file', () => {
  it('round-trips everything the store keeps', () => {
    assert.deepEqual(decodeObjectMetadata(encodeObjectMetadata(metadata)), { ok: true, metadata })
  })

  it('starts with the magic, the version and the JSON length', () => {
    const file = encodeObjectMetadata(metadata)
    assert.equal(file.toString('latin1', 0, 4), 'MSNC')
    assert.equal(file.readUInt16BE(4), 1)
    assert.equal(file.readUInt32BE(8), file.length - METADATA_HEADER_BYTES)
  })

  const file = encodeObjectMetadata(metadata)
  const withByte = (offset: number, value: number): Buffer => {
    const copy = Buffer.from(file)
    copy[offset] = value
    return copy
  }
  const cases: readonly { name: string; bytes: Uint8Array; defect: string }[] = [
    { name: 'an empty file', bytes: Buffer.alloc(0), defect: 'short' },
    { name: 'a file cut inside the header', bytes: file.subarray(0, 10), defect: 'short' },
    { name: 'a file cut inside the JSON', bytes: file.subarray(0, file.length - 3), defect: 'length-mismatch' },
    { name: 'a file with bytes after the JSON', bytes: Buffer.concat([file, Buffer.from('x')]), defect: 'length-mismatch' },
    { name: 'a wrong magic', bytes: withByte(0, 0x58), defect: 'bad-magic' },
    { name: 'a future version', bytes: withByte(5, 2), defect: 'unsupported-version' },
    { name: 'a flipped byte in the JSON', bytes: withByte(METADATA_HEADER_BYTES + 20, 0x21), defect: 'checksum-mismatch' },
  ]
  for (const { name, bytes, defect } of cases) {
    it(`rejects ${name} as ${defect}`, () => {
      assert.deepEqual(decodeObjectMetadata(bytes), { ok: false, defect })
    })
  }

  it('rejects JSON that is not metadata (bad-schema) and text that is not JSON (bad-json)', () => {
    const frame = (json: string): Buffer => {
      const body = Buffer.from(json)
      const header = Buffer.from(file.subarray(0, METADATA_HEADER_BYTES))
      header.writeUInt32BE(body.length, 8)
      header.writeUInt32BE(crc32(body), 12)
      return Buffer.concat([header, body])
    }
    assert.deepEqual(decodeObjectMetadata(frame('{"id":"../../etc/passwd"}')), { ok: false, defect: 'bad-schema' })
    assert.deepEqual(decodeObjectMetadata(frame('{not json')), { ok: false, defect: 'bad-json' })
  })
})
