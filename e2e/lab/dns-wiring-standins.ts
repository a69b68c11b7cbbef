import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Stand-ins for osascript, pkexec, ip, resolvectl and systemctl: each records its
 * arguments; osascript and pkexec behave as the real prompts (a cancel exits as they do,
 * otherwise the script runs for real with /etc/ moved under a scratch root and the system paths
 * of ip, resolvectl and systemctl pointing at these stand-ins); ip and
 * resolvectl keep state so a rollback can be seen.
 */
const standIn = `#!${process.execPath}
const fs = require('fs'), path = require('path'), { spawnSync } = require('child_process');
const name = path.basename(process.argv[1]), args = process.argv.slice(2), env = process.env;
fs.appendFileSync(env.STANDIN_LOG, JSON.stringify({ name, args }) + '\\n');
const stateFile = path.join(env.STANDIN_ROOT, 'links.json');
const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state));
// The script names ip, resolvectl and systemctl by their system paths (the only ones the run policy allows): those run the stand-ins beside this one.
const rewrite = (script) => script.replaceAll(' /etc/', ' ' + env.STANDIN_ROOT + '/etc/')
  .replace(
    new RegExp("(^|[ {;&|])/(usr/)?s?bin/(ip|resolvectl|systemctl)(?= )", "g"),
    (_, before, usr, tool) => before + path.join(path.dirname(process.argv[1]), tool),
  );
if (name === 'osascript') {
  if (env.STANDIN_DENY) { process.stderr.write('0:120: execution error: User canceled. (-128)\\n'); process.exit(1); }
  const m = /^do shell script "(.*)" with administrator privileges$/s.exec(args[1] || '');
  if (args[0] !== '-e' || !m) { process.stderr.write('syntax error\\n'); process.exit(1); }
  process.exit(spawnSync('/bin/sh', ['-c', rewrite(m[1])], { stdio: 'inherit' }).status);
}
if (name === 'pkexec') {
  if (env.STANDIN_DENY) { process.stderr.write('Error executing command as another user: Request dismissed\\n'); process.exit(126); }
  process.exit(spawnSync(args[0], args.slice(1).map((a, i) => (i === 1 ? rewrite(a) : a)), { stdio: 'inherit' }).status);
}
if (name === 'ip') {
  if (args[0] === 'addr') {
    const link = args[4];
    if (!state[link]) { console.error('Cannot find device "' + link + '"'); process.exit(1); }
    state[link].address = args[2]; save(); process.exit(0);
  }
  const link = args[2];
  if (args[1] === 'add') {
    if (state[link]) { console.error('RTNETLINK answers: File exists'); process.exit(2); }
    state[link] = { up: false }; save(); process.exit(0);
  }
  if (!state[link]) { console.error('Cannot find device "' + link + '"'); process.exit(1); }
  if (args[1] === 'delete') { delete state[link]; save(); process.exit(0); }
  state[link].up = true; save(); process.exit(0);
}
if (name === 'resolvectl') {
  if (args[0] === '--version') { console.log('systemd ' + (env.STANDIN_SYSTEMD || '252') + ' (252.38-1~deb12u1)'); process.exit(0); }
  if (env.STANDIN_RESOLVECTL_FAIL === args[0]) { console.error('Failed to set ' + args[0] + ': Access denied'); process.exit(1); }
  if (!state[args[1]]) { console.error('Failed to resolve interface'); process.exit(1); }
  state[args[1]][args[0]] = args[2]; save(); process.exit(0);
}
process.exit(0);
`;

/** Writes the stand-ins into `<dir>/bin` and returns the environment they read (log, scratch root). */
export function installWiringStandIns(dir: string): {
  bin: string;
  root: string;
  log: string;
  env: Record<string, string>;
} {
  const bin = join(dir, 'bin');
  const root = join(dir, 'root');
  const log = join(dir, 'calls.log');
  mkdirSync(bin, { recursive: true });
  mkdirSync(root, { recursive: true });
  for (const name of ['osascript', 'pkexec', 'ip', 'resolvectl', 'systemctl']) {
    writeFileSync(join(bin, name), standIn);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(log, '');
  return { bin, root, log, env: { STANDIN_LOG: log, STANDIN_ROOT: root } };
}
