import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTypedClient } from '../contract';
import { createMemoryLogger } from '../core/util/logger';
import { createApp, type App } from './compose';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The app as each transport builds it, over the real router and typed client. */
function start(transport: 'electron' | 'serve', options: { dataDir?: string; bundledCliPath?: string } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kindscope-welcome-'));
  const app: App = createApp({
    transport,
    live: false,
    dataDir,
    log: createMemoryLogger(),
    ...(options.bundledCliPath ? { bundledCliPath: options.bundledCliPath } : {}),
  });
  cleanup.push(() => app.dispose());
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return { client: createTypedClient(app.router), dataDir };
}

describe('welcome', () => {
  it('shows once in the desktop app, says what it creates where, and remembers the dismissal in settings.json', async () => {
    const { client, dataDir } = start('electron');
    const first = await client.invoke('welcome:state', {});
    expect(first.ok && first.value.show).toBe(true);
    expect(first.ok && first.value.creates.map((item) => item.where)).toContain(dataDir);
    const dismissed = await client.invoke('welcome:dismiss', {});
    expect(dismissed.ok).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).welcomeSeenAt).toEqual(
      dismissed.ok && dismissed.value.seenAt,
    );
    // A later start of the app, with the same data folder, does not show it again.
    const again = await start('electron', { dataDir }).client.invoke('welcome:state', {});
    expect(again.ok && again.value.show).toBe(false);
  });

  it('is not shown in serve mode, which starts from a terminal', async () => {
    const state = await start('serve').client.invoke('welcome:state', {});
    expect(state.ok && state.value.show).toBe(false);
  });

  it('links the bundled CLI on request and reports it linked', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kindscope-welcome-home-'));
    const previousHome = process.env.HOME;
    process.env.HOME = home;
    cleanup.push(() => {
      process.env.HOME = previousHome;
      rmSync(home, { recursive: true, force: true });
    });
    const bundledCliPath = join(home, 'app/resources/bin/kindscope');
    mkdirSync(join(bundledCliPath, '..'), { recursive: true });
    writeFileSync(bundledCliPath, '#!/bin/sh\n');
    const { client } = start('electron', { bundledCliPath });
    const state = await client.invoke('welcome:state', {});
    expect(state.ok && state.value.cli).toMatchObject({
      state: 'not-linked',
      command: expect.stringContaining(`ln -s '${bundledCliPath}'`),
    });
    const linked = await client.invoke('cli:link', {});
    expect(linked.ok && linked.value.state).toBe('linked');
    expect(readlinkSync(join(home, '.local/bin/kindscope'))).toBe(bundledCliPath);
  });
});
