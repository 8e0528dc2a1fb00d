import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderDirectoryListing } from './directory-listing.ts'

const ROOT = 'bafybeig6ka5mlwkl4subqhaiatalkcleo4jgnr3hqwvpmsqfca27cijp3i'
const FILE = 'bafkreialihlqnf5uwo4byh4n3cmwlntwqzxxs2fg5vanqdi3d7tb2l5xkm'

describe('renderDirectoryListing (conformance TestUnixFSDirectoryListing)', () => {
  it('has the breadcrumbs, the .. backlink, absolute name links and the CID link with filename', () => {
    const html = renderDirectoryListing({ basePath: '', root: ROOT, segments: ['ą', 'ę'] }, [{ name: 'file-źł.txt', cid: FILE, sizeBytes: 34n }])
    assert.ok(html.includes('Index of'))
    assert.ok(html.includes(`/ipfs/<a href="/ipfs/${ROOT}">${ROOT}</a>/<a href="/ipfs/${ROOT}/%C4%85">ą</a>/<a href="/ipfs/${ROOT}/%C4%85/%C4%99">ę</a>`))
    assert.ok(html.includes(`<a href="/ipfs/${ROOT}/%C4%85/%C4%99/..">..</a>`))
    assert.ok(html.includes(`<a href="/ipfs/${ROOT}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt">file-źł.txt</a>`))
    assert.ok(html.includes(`<a class="ipfs-hash" translate="no" href="/ipfs/${FILE}?filename=file-%25C5%25BA%25C5%2582.txt">`))
  })

  it('hides the backlink at the root, keeps a zone prefix on every link, and escapes names', () => {
    const html = renderDirectoryListing({ basePath: '/z/site', root: ROOT, segments: [] }, [{ name: '"><script>x</script>', cid: FILE, sizeBytes: undefined }])
    assert.ok(!html.includes('>..</a>'))
    assert.ok(!html.includes('<script>'))
    for (const href of html.matchAll(/href="([^"]*)"/g)) assert.ok(href[1]?.startsWith('/z/site/ipfs/'), href[1])
  })
})
