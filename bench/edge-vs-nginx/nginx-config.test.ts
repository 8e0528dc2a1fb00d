import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderNginxConfig } from './nginx-config.ts'

describe('renderNginxConfig', () => {
  const config = renderNginxConfig({ workDir: '/tmp/bench-x', listenPort: 41000, originPort: 42000 })

  it('runs one foreground worker with its pid and error log in the work dir', () => {
    assert.match(config, /^daemon off;$/m)
    assert.match(config, /^master_process on;$/m)
    assert.match(config, /^worker_processes 1;$/m)
    assert.match(config, /^pid \/tmp\/bench-x\/nginx\.pid;$/m)
    assert.match(config, /^error_log \/tmp\/bench-x\/error\.log warn;$/m)
  })

  it('keeps every temp path and the cache inside the work dir', () => {
    for (const directive of ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path', 'proxy_cache_path']) {
      assert.match(config, new RegExp(`${directive} /tmp/bench-x/`), directive)
    }
  })

  it('caches with collapsing, sendfile off, no access log and HTTP/1.1 keep-alive upstream', () => {
    assert.match(config, /proxy_cache edge;/)
    assert.match(config, /proxy_cache_lock on;/)
    assert.match(config, /sendfile off;/)
    assert.match(config, /access_log off;/)
    assert.match(config, /proxy_http_version 1\.1;/)
    assert.match(config, /proxy_set_header Connection "";/)
    assert.match(config, /server 127\.0\.0\.1:42000;\s+keepalive 64;/)
  })

  it('listens on loopback only and reports the cache status', () => {
    assert.match(config, /listen 127\.0\.0\.1:41000;/)
    assert.match(config, /add_header X-Cache-Status \$upstream_cache_status always;/)
  })

  it('has no user line, because it is started unprivileged', () => {
    assert.doesNotMatch(config, /^user /m)
  })
})
