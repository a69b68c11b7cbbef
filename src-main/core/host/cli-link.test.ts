import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliLinkStatus, linkCli } from './cli-link';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((home) => rmSync(home, { recursive: true, force: true })));
function context(pathDirs: string[] = []) {
  const home = mkdtempSync(join(tmpdir(), 'kindscope-cli-link-'));
  homes.push(home);
  const bundledPath = join(home, 'Kindscope.app/Contents/Resources/bin/kindscope');
  mkdirSync(join(bundledPath, '..'), { recursive: true });
  writeFileSync(bundledPath, '#!/bin/sh\n');
  return { home, bundledPath, pathDirs };
}

describe('cli link', () => {
  it('shows the exact command, links into ~/.local/bin, and then reports linked', () => {
    const ctx = context();
    const before = cliLinkStatus(ctx);
    expect(before).toMatchObject({
      state: 'not-linked',
      linkPath: join(ctx.home, '.local/bin/kindscope'),
      onPath: false,
    });
    expect(before.command).toBe(
      `mkdir -p '${ctx.home}/.local/bin' && ln -s '${ctx.bundledPath}' '${ctx.home}/.local/bin/kindscope'`,
    );
    expect(linkCli(ctx).state).toBe('linked');
    expect(readlinkSync(join(ctx.home, '.local/bin/kindscope'))).toBe(ctx.bundledPath);
  });

  it('never replaces a file that is not its link, and says what to do', () => {
    const ctx = context();
    mkdirSync(join(ctx.home, '.local/bin'), { recursive: true });
    writeFileSync(join(ctx.home, '.local/bin/kindscope'), 'someone else');
    const result = linkCli(ctx);
    expect(result.state).toBe('occupied');
    expect(result.problem).toMatch(/already exists and is not Kindscope's link.*remove it yourself/);
  });

  it('is unavailable outside an installed app, naming the alternatives', () => {
    const ctx = { ...context(), bundledPath: undefined };
    expect(linkCli(ctx)).toMatchObject({ state: 'unavailable', problem: expect.stringContaining('npm run cli') });
  });

  it('says whether ~/.local/bin is on PATH', () => {
    const ctx = context();
    expect(cliLinkStatus({ ...ctx, pathDirs: ['/usr/bin', join(ctx.home, '.local/bin')] }).onPath).toBe(true);
  });

  it('quotes paths with spaces and quotes for the shown command', () => {
    const ctx = context();
    expect(cliLinkStatus({ ...ctx, bundledPath: "/Applications/Kind scope's.app/kindscope" }).command).toContain(
      `ln -s '/Applications/Kind scope'\\''s.app/kindscope'`,
    );
  });
});
