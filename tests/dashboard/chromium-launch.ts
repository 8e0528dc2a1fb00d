import { access, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { BrowserContext } from 'playwright-core'

/** Debian's chromium (`apt-get install chromium`): never a browser downloaded by a script. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Why the browser tests cannot run here, or undefined when they can. In CI they must run. */
export async function whyNoChromium(): Promise<string | undefined> {
  try {
    await access(CHROMIUM_PATH)
    return undefined
  } catch {
    return `${CHROMIUM_PATH} is missing (apt-get install chromium); the dashboard browser tests are skipped`
  }
}

/**
 * Headless Chromium with a fresh profile, kept off the network beyond what the page
 * asks for (no sync, component updates or background fetches).
 */
export async function launchChromium(viewport = { width: 1200, height: 900 }): Promise<BrowserContext> {
  const profileDir = await mkdtemp(join(tmpdir(), 'meson-chromium-'))
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** Where screenshots go: a gitignored folder CI can keep as artifacts. */
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', '..', 'test-artifacts', 'dashboard')
