import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ToolsReport } from '../../contract';
import { writeStandInWrappers } from '../../../e2e/lab/wrappers.ts';
import { SettingsStore } from '../settings/settings-store';
import { createMemoryLogger } from '../util/logger';
import { downloadTool } from './tool-download';
import { GuiEnvironment } from './gui-environment';
import { ToolsService } from './tools-service';
import { toolSpecs, type ToolSpec } from './tool-specs';
import { defaultKindVersion } from '../../contract/lab';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../../..');

/** `kindscope tools --json` in an environment like a GUI app's: PATH=/usr/bin:/bin and nothing else. */
function toolsAsGuiApp(home: string, extraEnv: Record<string, string> = {}): ToolsReport {
  const result = spawnSync(
    'env',
    [
      '-i',
      'PATH=/usr/bin:/bin',
      `HOME=${home}`,
      'SHELL=/bin/bash',
      ...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`),
      process.execPath,
      ...kindscopeEntry,
      'tools',
      '--json',
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  if (!result.stdout) throw new Error(`kindscope tools printed nothing: ${result.stderr}`);
  return JSON.parse(result.stdout) as ToolsReport;
}

describe('finding tools the way a desktop app must', () => {
  it('finds tools in ~/.local/bin and on a PATH only the login shell sets, and says where each came from', () => {
    const home = mkdtempSync(join(tmpdir(), 'kindscope-home-'));
    // kind in ~/.local/bin (the lab's kind, a real program answering `kind version`).
    mkdirSync(join(home, '.local/bin'), { recursive: true });
    copyFileSync(join(writeStandInWrappers(), 'kind'), join(home, '.local/bin/kind'));
    chmodSync(join(home, '.local/bin/kind'), 0o755);
    // cilium only on the PATH that ~/.bash_profile sets for login shells. A version-printing
    // double: discovery and version parsing are under test, not cilium (the lab's stand-in
    // comes with the simulated Cilium).
    mkdirSync(join(home, 'shell-only'));
    writeFileSync(
      join(home, 'shell-only/cilium'),
      '#!/bin/sh\necho "cilium-cli: v0.16.4 compiled with go1.22.1 on linux/amd64"\necho "cilium image (default): v1.15.3"\n',
      { mode: 0o755 },
    );
    writeFileSync(
      join(home, '.bash_profile'),
      'export PATH="$HOME/shell-only:$PATH"\nexport KUBECONFIG="$HOME/.kube/lab-config"\n',
    );

    const report = toolsAsGuiApp(home, { KINDSCOPE_HOME: join(home, 'data') });
    const tool = (name: string) => report.tools.find((t) => t.name === name)!;
    expect(tool('kind')).toMatchObject({
      status: 'ok',
      path: join(home, '.local/bin/kind'),
      source: 'common location',
      version: '0.29.0',
    });
    expect(tool('cilium')).toMatchObject({
      status: 'ok',
      path: join(home, 'shell-only/cilium'),
      source: 'login shell PATH',
      version: '0.16.4',
    });
    expect(tool('kubectl')).toMatchObject({ status: 'ok', path: '/usr/bin/kubectl', source: 'process PATH' });
    expect(report.environment.kubeconfig).toEqual({ value: join(home, '.kube/lab-config'), source: 'login shell' });
    expect(report.environment.loginShell.status).toBe('loaded');
    expect(tool('helm')).toMatchObject({
      status: 'missing',
      fix: expect.stringContaining('kindscope tools download helm'),
    });
  });

  it('reports a tool that is too old, with why and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-old-'));
    writeFileSync(join(dir, 'kind'), '#!/bin/sh\necho "kind v0.11.1 go1.16.4 linux/amd64"\n', { mode: 0o755 });
    const service = new ToolsService({
      environment: new GuiEnvironment({ env: { PATH: dir, HOME: dir } }),
      settings: new SettingsStore(join(dir, 'data'), createMemoryLogger()),
      managedDir: join(dir, 'data/tools'),
      log: createMemoryLogger(),
    });
    await expect(service.status('kind')).resolves.toMatchObject({
      status: 'too-old',
      version: '0.11.1',
      problem: expect.stringContaining('kubeProxyMode: none'),
      fix: expect.stringContaining(defaultKindVersion.replace(/^v/, '')),
    });
    // A path chosen in Settings wins, and must be an executable.
    await expect(service.setPath('kind', join(dir, 'nope'))).rejects.toThrow(/not an executable/);
    await expect(service.setPath('kind', 'relative/kind')).rejects.toThrow(/absolute path/);
  });

  it('refuses a chosen file that is not the tool: by its name, then by its version output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-impostor-'));
    const service = new ToolsService({
      environment: new GuiEnvironment({ env: { PATH: dir, HOME: dir } }),
      settings: new SettingsStore(join(dir, 'data'), createMemoryLogger()),
      managedDir: join(dir, 'data/tools'),
      log: createMemoryLogger(),
    });
    await expect(service.setPath('kind', '/bin/sh')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'kind path: /bin/sh is not kind: its file name is "sh"',
    });
    // Named kind, but a shell: `kind version` does not print a kind version. It must not be kept.
    mkdirSync(join(dir, 'fake'));
    copyFileSync('/bin/sh', join(dir, 'fake/kind'));
    chmodSync(join(dir, 'fake/kind'), 0o755);
    await expect(service.setPath('kind', join(dir, 'fake/kind'))).rejects.toThrow(
      /is not kind: `kind version` printed/,
    );
    expect(existsSync(join(dir, 'data/settings.json'))).toBe(false);
    // The real thing is kept.
    writeFileSync(join(dir, 'fake/kind'), '#!/bin/sh\necho "kind v0.29.0 go1.24.2 linux/amd64"\n', { mode: 0o755 });
    await expect(service.setPath('kind', join(dir, 'fake/kind'))).resolves.toMatchObject({
      status: 'ok',
      source: 'settings',
      version: '0.29.0',
    });
  });

  it('gives up on a login shell that hangs, without blocking', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-hang-'));
    // Named bash: the run policy runs only known shells as the login shell.
    mkdirSync(join(dir, 'slow'));
    writeFileSync(join(dir, 'slow/bash'), '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
    const environment = new GuiEnvironment({
      env: { PATH: '/usr/bin:/bin', HOME: dir },
      shell: join(dir, 'slow/bash'),
      timeoutMs: 300,
    });
    const started = Date.now();
    await environment.loadLoginShell();
    expect(environment.loginShellProblem).toMatch(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(environment.pathEntries().map((e) => e.dir)).toContain(join(dir, '.local/bin'));
  });
});

describe('managed downloads', () => {
  let server: Server;
  let base: string;
  let good: Buffer;

  beforeAll(async () => {
    good = readFileSync(join(writeStandInWrappers(), 'kind'));
    const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
    server = createServer((request, response) => {
      switch (request.url) {
        case '/good':
          response.writeHead(200, { 'content-length': good.length });
          return void response.end(good);
        case '/good.sha256sum':
        case '/tampered.sha256sum':
        case '/truncated.sha256sum':
          return void response.end(`${sha(good)}  kind-linux-amd64\n`);
        // kind's own layout: the binary and its .sha256sum under /dl/v<release>/.
        case '/dl/v0.32.0/kind-linux-amd64':
          response.writeHead(200, { 'content-length': good.length });
          return void response.end(good);
        case '/dl/v0.32.0/kind-linux-amd64.sha256sum':
          return void response.end(`${sha(good)}  kind-linux-amd64\n`);
        case '/tampered':
          return void response.end(Buffer.concat([good, Buffer.from('\necho pwned\n')]));
        case '/truncated':
          response.writeHead(200, { 'content-length': good.length });
          response.write(good.subarray(0, 10));
          return void setTimeout(() => response.socket?.destroy(), 50);
        default:
          response.writeHead(404);
          response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const artifact = (name: string) => ({ url: `${base}/${name}`, checksumUrl: `${base}/${name}.sha256sum` });

  it('refuses a tampered artifact and leaves no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-tools-'));
    await expect(
      downloadTool({ name: 'kind', version: '0.29.0', artifact: artifact('tampered'), dir }),
    ).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', hint: expect.stringContaining('Nothing was installed') });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a truncated artifact and leaves no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-tools-'));
    await expect(
      downloadTool({ name: 'kind', version: '0.29.0', artifact: artifact('truncated'), dir }),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an artifact without a published checksum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-tools-'));
    await expect(
      downloadTool({
        name: 'kind',
        version: '0.29.0',
        artifact: { url: `${base}/good`, checksumUrl: `${base}/missing` },
        dir,
      }),
    ).rejects.toThrow(/No published SHA-256/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('installs a good artifact, which `kindscope tools` then reports as managed', async () => {
    const data = mkdtempSync(join(tmpdir(), 'kindscope-data-'));
    const specs: ToolSpec[] = toolSpecs.map((spec) =>
      spec.name === 'kind' ? { ...spec, download: { version: '0.29.0', artifact: () => artifact('good') } } : spec,
    );
    const progress: number[] = [];
    const service = new ToolsService({
      environment: new GuiEnvironment({ env: { PATH: '/usr/bin:/bin', HOME: data } }),
      settings: new SettingsStore(data, createMemoryLogger()),
      managedDir: join(data, 'tools'),
      log: createMemoryLogger(),
      specs,
    });
    service.onDidProgress((p) => progress.push(p.receivedBytes));
    await expect(service.download('kind')).resolves.toMatchObject({
      status: 'ok',
      source: 'managed',
      version: '0.29.0',
      path: join(data, 'tools/kind'),
    });
    expect(statSync(join(data, 'tools/kind')).mode & 0o111).not.toBe(0);
    expect(progress.at(-1)).toBe(good.length);
    expect(existsSync(join(data, 'tools/kind.json'))).toBe(true);

    const report = toolsAsGuiApp(data, { KINDSCOPE_HOME: data });
    expect(report.tools.find((t) => t.name === 'kind')).toMatchObject({
      status: 'ok',
      source: 'managed',
      path: join(data, 'tools/kind'),
      managed: { installed: true },
    });
  });
  it("kind's download follows the version asked (the plan's kind), checked against that release's .sha256sum", async () => {
    const data = mkdtempSync(join(tmpdir(), 'kindscope-data-'));
    const kind = toolSpecs.find((spec) => spec.name === 'kind')!;
    const asked: string[] = [];
    // The real spec's URLs, moved to the local server: the version must reach both URLs.
    const specs: ToolSpec[] = toolSpecs.map((spec) =>
      spec.name === 'kind'
        ? {
            ...spec,
            download: {
              ...kind.download!,
              artifact: (os, arch, version) => {
                const real = kind.download!.artifact(os, arch, version);
                asked.push(real.url, real.checksumUrl);
                return {
                  url: real.url
                    .replace('https://kind.sigs.k8s.io', base)
                    .replace(/darwin|arm64/g, (w) => (w === 'darwin' ? 'linux' : 'amd64')),
                  checksumUrl: real.checksumUrl
                    .replace('https://kind.sigs.k8s.io', base)
                    .replace(/darwin|arm64/g, (w) => (w === 'darwin' ? 'linux' : 'amd64')),
                };
              },
            },
          }
        : spec,
    );
    const service = new ToolsService({
      environment: new GuiEnvironment({ env: { PATH: '/usr/bin:/bin', HOME: data } }),
      settings: new SettingsStore(data, createMemoryLogger()),
      managedDir: join(data, 'tools'),
      log: createMemoryLogger(),
      specs,
    });
    await expect(service.download('kind', undefined, 'v0.32.0')).resolves.toMatchObject({ source: 'managed' });
    expect(asked[0]).toMatch(/^https:\/\/kind\.sigs\.k8s\.io\/dl\/v0\.32\.0\/kind-(linux|darwin)-(amd64|arm64)$/);
    expect(asked[1]).toBe(`${asked[0]}.sha256sum`);
    expect(JSON.parse(readFileSync(join(data, 'tools/kind.json'), 'utf8'))).toMatchObject({ version: '0.32.0' });
    // Without a version: the default plan's kind release.
    expect(kind.download!.version).toBe(defaultKindVersion.replace(/^v/, ''));
    // Only a release number reaches the URL; a tool pinned to one release takes no other.
    await expect(service.download('kind', undefined, '0.32.0/../../x')).rejects.toThrow(
      /version: .* is not a release number/,
    );
    await expect(service.download('helm', undefined, '3.99.0')).rejects.toThrow(
      /version: Kindscope downloads only helm/,
    );
  });
});

describe('dispose', () => {
  it('ends a tool run in flight (its process too) and refuses nothing else silently', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kindscope-tools-dispose-'));
    const bin = join(home, 'bin');
    mkdirSync(bin);
    const pidFile = join(home, 'kind.pid');
    writeFileSync(
      join(bin, 'kind'),
      `#!/bin/sh\nif [ "$1" = version ]; then echo "kind v0.29.0 go1.24.2 linux/amd64"; exit 0; fi\necho $$ > "${pidFile}.tmp"; mv "${pidFile}.tmp" "${pidFile}"; exec sleep 60\n`,
      { mode: 0o755 },
    );
    const service = new ToolsService({
      environment: new GuiEnvironment({ env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home } }),
      settings: new SettingsStore(home, createMemoryLogger()),
      managedDir: join(home, 'tools'),
      log: createMemoryLogger(),
    });
    const running = service.run('kind', ['get', 'clusters']);
    running.catch(() => undefined);
    await vi.waitFor(() => expect(existsSync(pidFile)).toBe(true), { timeout: 10_000 });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    service.dispose();
    await expect(running).rejects.toMatchObject({ cancelled: true });
    await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), { timeout: 10_000 });
  });
});
