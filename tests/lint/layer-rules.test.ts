import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { layerRules } from '../../tools/eslint/layer-rules.js'

/**
 * The layer rules, run on small files laid out like the workspace in a temporary
 * directory: each deliberately wrong import must fail lint, and the right ones pass.
 */

let root = ''
let eslint: ESLint

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true })
  await writeFile(join(root, path), text)
}

async function problems(path: string, text: string): Promise<string[]> {
  await write(path, text)
  const [result] = await eslint.lintFiles([join(root, path)])
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`)
}

describe('the layer rules of eslint.config.js', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'meson-layers-'))
    eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layerRules()],
    })
  })
  after(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('fails a pure folder that imports node:fs', async () => {
    const found = await problems('apps/coordinator/src/routing/reads-disk.ts', "import { readFileSync } from 'node:fs'\nexport const read = readFileSync\n")
    assert.equal(found.length, 1)
    assert.match(found[0] ?? '', /^no-restricted-imports: .*pure folder does no I\/O/)
  })

  it('allows the pure address helpers of node:net in a pure folder, but not sockets', async () => {
    assert.deepEqual(await problems('apps/coordinator/src/routing/address.ts', "import { BlockList, isIP } from 'node:net'\nexport const all = [BlockList, isIP]\n"), [])
    const found = await problems('apps/coordinator/src/routing/socket.ts', "import { createServer } from 'node:net'\nexport const serve = createServer\n")
    assert.equal(found.length, 1)
  })

  it('fails a pure folder that imports an adapter', async () => {
    const found = await problems('apps/node/src/cdn/policy/uses-server.ts', "import { server } from '../../adapters/http/cache-server.ts'\nexport const s = server\n")
    assert.match(found.join('\n'), /does not import adapters/)
  })

  it('fails cdn/ importing the coordinator link', async () => {
    const found = await problems('apps/node/src/cdn/usage/sends.ts', "import { send } from '../../link/usage-outbox.ts'\nexport const s = send\n")
    assert.match(found.join('\n'), /does not know the coordinator link/)
  })

  it('fails production code that imports test support, and lets tests import it', async () => {
    const found = await problems('apps/coordinator/src/adapters/http/uses-fake.ts', "import { FakeNode } from '../../testing/node-fake.ts'\nexport const f = FakeNode\n")
    assert.match(found.join('\n'), /does not import test support/)
    assert.deepEqual(await problems('apps/coordinator/src/adapters/http/uses-fake.test.ts', "import { FakeNode } from '../../testing/node-fake.ts'\nexport const f = FakeNode\n"), [])
  })

  it('fails an app that imports another app', async () => {
    const byPath = await problems('apps/node/src/runtime/asks.ts', "import { x } from '../../../coordinator/src/main.ts'\nexport const y = x\n")
    assert.match(byPath.join('\n'), /Apps do not import each other/)
    const byName = await problems('apps/node/src/runtime/asks-by-name.ts', "import { startCoordinator } from '@meson/coordinator'\nexport const y = startCoordinator\n")
    assert.match(byName.join('\n'), /Apps do not import each other/)
  })

  it('fails a test or bench that imports an app by source path, and passes its public entry points', async () => {
    const found = await problems('tests/e2e/deep.test.ts', "import { x } from '../../apps/coordinator/src/testing/node-fake.ts'\nexport const y = x\n")
    assert.match(found.join('\n'), /import public entry points/)
    assert.deepEqual(await problems('bench/some/run.ts', "import { FakeNode } from '@meson/coordinator/testing'\nexport const y = FakeNode\n"), [])
  })

  it('fails an import cycle, naming the files around it', async () => {
    await write('apps/node/src/cdn/engine/b.ts', "import { a } from './a.ts'\nexport const b = (): number => a()\n")
    const found = await problems('apps/node/src/cdn/engine/a.ts', "import { b } from './b.ts'\nexport const a = (): number => b()\n")
    assert.deepEqual(found, [
      'meson/no-import-cycles: Import cycle: apps/node/src/cdn/engine/a.ts -> apps/node/src/cdn/engine/b.ts -> apps/node/src/cdn/engine/a.ts. Move what both sides need into a third file, or invert the dependency.',
    ])
  })
})
