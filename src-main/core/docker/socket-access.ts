import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';

/** Who may open a unix socket, and where this process stands. */
export interface SocketAccess {
  /** The socket's group by name (`docker` on Docker Engine for Linux), when /etc/group names it. */
  group: string | undefined;
  /** /etc/group lists this user in that group (added, perhaps after this login). */
  listedInGroup: boolean;
  /** This process carries the group (the login that started it saw the membership). */
  processHasGroup: boolean;
  user: string | undefined;
}

/**
 * Reads why a socket refused us (EACCES): Docker Engine on Linux makes
 * `/var/run/docker.sock` `root:docker 0660`, so a user outside the `docker` group cannot
 * open it — and one just added by `usermod -aG` cannot either until a new login, because
 * group membership is fixed when the session starts.
 */
export function socketAccess(path: string, groupFile = '/etc/group'): SocketAccess {
  let gid: number | undefined;
  try {
    gid = statSync(path).gid;
  } catch {
    gid = undefined;
  }
  const user = safeUser();
  let group: string | undefined;
  let members: string[] = [];
  try {
    for (const line of readFileSync(groupFile, 'utf8').split('\n')) {
      const [name, , id, list] = line.split(':');
      if (name && Number(id) === gid) {
        group = name;
        members = (list ?? '').split(',').filter(Boolean);
      }
    }
  } catch {
    // No /etc/group (macOS uses Directory Services): the group stays unnamed.
  }
  const groups = typeof process.getgroups === 'function' ? process.getgroups() : [];
  return {
    group,
    listedInGroup: user !== undefined && members.includes(user),
    processHasGroup: gid !== undefined && groups.includes(gid),
    user,
  };
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER;
  }
}

/** The hint for a permission-denied socket, naming the group and the fix. */
export function permissionHint(path: string, access: SocketAccess): string {
  const group = access.group ?? 'docker';
  if (access.listedInGroup && !access.processHasGroup) {
    return (
      `You are in the \`${group}\` group, but this session started before you were added: ` +
      'log out and back in (or reboot) so it applies, then start Kindscope again.'
    );
  }
  return (
    `${path} belongs to the \`${group}\` group. ` +
    `Add yourself: \`sudo usermod -aG ${group} $USER\`, then log out and back in ` +
    '(a new login) so the group applies. ' +
    `Rootless Docker listens at \`$XDG_RUNTIME_DIR/docker.sock\` instead: ` +
    `select it with \`docker context use rootless\` or ` +
    'DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock.'
  );
}
