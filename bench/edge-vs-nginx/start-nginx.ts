import { chown, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchTarget } from './bench-target.ts'
import { isNginxCacheHit } from './cache-status.ts'
import { findFreePort } from './free-port.ts'
import { renderNginxConfig } from './nginx-config.ts'
import type { ProcessGroup } from './process-group.ts'
import { READY_PATH } from './origin-server.ts'
import { waitUntilReady } from './wait-until-ready.ts'

/** Debian's `nobody`/`nogroup`; nginx runs as them when the bench itself runs as root. */
const UNPRIVILEGED_ID = 65534

export interface StartNginxParameters {
  readonly nginxPath: string
  readonly originPort: number
  readonly group: ProcessGroup
  /** Told the temp dir right away, so the caller can remove it even if start-up fails. */
  readonly onWorkDir: (dir: string) => void
}

/** Starts nginx in the foreground with a generated config in a fresh temp dir. */
export async function startNginx(parameters: StartNginxParameters): Promise<BenchTarget> {
  const workDir = await mkdtemp(join(tmpdir(), 'meson-bench-nginx-'))
  parameters.onWorkDir(workDir)
  const listenPort = await findFreePort()
  const configPath = join(workDir, 'nginx.conf')
  await writeFile(configPath, renderNginxConfig({ workDir, listenPort, originPort: parameters.originPort }))

  // The issue wants an unprivileged nginx. As root we hand it the temp dir and drop to
  // nobody for the whole process (master included) instead of relying on `user`.
  const isRoot = process.getuid?.() === 0
  if (isRoot) {
    await chown(workDir, UNPRIVILEGED_ID, UNPRIVILEGED_ID)
    await chown(configPath, UNPRIVILEGED_ID, UNPRIVILEGED_ID)
  }
  const managed = parameters.group.start(
    'nginx',
    parameters.nginxPath,
    // -e: the default error log (/var/log/nginx) is not writable unprivileged.
    ['-p', workDir, '-c', configPath, '-e', join(workDir, 'error.log')],
    isRoot ? { uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID } : {},
  )
  const baseUrl = `http://127.0.0.1:${listenPort}`
  await waitUntilReady(`${baseUrl}${READY_PATH}`, managed, 10_000)
  return { side: 'nginx', baseUrl, pid: managed.pid, cacheHeader: 'x-cache-status', isHit: isNginxCacheHit }
}
