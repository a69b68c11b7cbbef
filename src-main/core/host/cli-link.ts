import { lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CliLink } from '../../contract';

export interface CliLinkContext {
  /** The single executable inside the installed app (resources/bin/kindscope), if any. */
  bundledPath: string | undefined;
  home: string;
  /** The folders on PATH, login shell's included (GuiEnvironment.pathEntries). */
  pathDirs: string[];
}

/** Single-quoted for a POSIX shell: the command is shown to be copied, never run through one. */
const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * Where `kindscope` would be linked and whether it is: `~/.local/bin/kindscope`, the
 * per-user folder on PATH in most Linux distributions (systemd file-hierarchy), writable
 * without sudo. macOS has no such folder on PATH by default: `onPath` says so.
 */
export function cliLinkStatus({ bundledPath, home, pathDirs }: CliLinkContext): CliLink {
  const linkPath = join(home, '.local', 'bin', 'kindscope');
  const onPath = pathDirs.includes(dirname(linkPath));
  const command = `mkdir -p ${quote(dirname(linkPath))} && ln -s ${quote(bundledPath ?? '<the app>/resources/bin/kindscope')} ${quote(linkPath)}`;
  if (!bundledPath) {
    return {
      linkPath,
      command,
      onPath,
      state: 'unavailable',
      problem:
        'This Kindscope is not an installed app, so it has no bundled CLI. Use `npm run cli --`, or the `kindscope` bin of the npm package.',
    };
  }
  let target: string | undefined;
  try {
    const stat = lstatSync(linkPath);
    target = stat.isSymbolicLink() ? readlinkSync(linkPath) : '';
  } catch {
    return { bundledPath, linkPath, command, onPath, state: 'not-linked' };
  }
  if (target === bundledPath) return { bundledPath, linkPath, command, onPath, state: 'linked' };
  return {
    bundledPath,
    linkPath,
    command,
    onPath,
    state: 'occupied',
    problem:
      `${linkPath} already exists${target ? ` (a link to ${target})` : ''} and is not ` +
      `Kindscope's link. Kindscope will not replace it: remove it yourself, then link again.`,
  };
}

/** Makes the link when the status says `not-linked`; never replaces an existing file. */
export function linkCli(context: CliLinkContext): CliLink {
  const status = cliLinkStatus(context);
  if (status.state !== 'not-linked' || !status.bundledPath) return status;
  mkdirSync(dirname(status.linkPath), { recursive: true });
  symlinkSync(status.bundledPath, status.linkPath);
  return cliLinkStatus(context);
}
