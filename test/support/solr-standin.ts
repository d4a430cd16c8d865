import { execa } from 'execa';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A Solr release tarball with Solr's layout (solr-VERSION/bin/solr, server/solr/solr.xml) whose
 * bin/solr starts a real listener, python3's http.server serving SOLR_HOME, the way Solr's does:
 * settings from SOLR_INCLUDE, in the background, its pid in SOLR_PID_DIR/solr-PORT.pid, bound to
 * SOLR_JETTY_HOST. Returns the tarball's path (in `dir`).
 */
export async function solrStandIn(dir: string, version = '9.4.0'): Promise<string> {
  const release = join(dir, `solr-${version}`);
  await mkdir(join(release, 'bin'), { recursive: true });
  await mkdir(join(release, 'server', 'solr'), { recursive: true });
  await writeFile(join(release, 'server', 'solr', 'solr.xml'), '<solr>stand-in</solr>\n');
  await writeFile(
    join(release, 'bin', 'solr'),
    `#!/bin/sh
set -e
[ -z "$SOLR_INCLUDE" ] || . "$SOLR_INCLUDE"
pidfile="$SOLR_PID_DIR/solr-$SOLR_PORT.pid"
case "$1" in
  start)
    cd "$SOLR_HOME"
    python3 -m http.server "$SOLR_PORT" --bind "\${SOLR_JETTY_HOST:-127.0.0.1}" >>"$SOLR_LOGS_DIR/solr.log" 2>&1 </dev/null &
    echo $! >"$pidfile" ;;
  stop) [ ! -f "$pidfile" ] || { kill "$(cat "$pidfile")" || :; rm -f "$pidfile"; } ;;
  *) echo "usage: solr start|stop" >&2; exit 1 ;;
esac
`,
  );
  await chmod(join(release, 'bin', 'solr'), 0o755);
  const archive = join(dir, `solr-${version}.tgz`);
  await execa('tar', ['-czf', archive, '-C', dir, '--owner=0', '--group=0', `solr-${version}`]);
  return archive;
}
