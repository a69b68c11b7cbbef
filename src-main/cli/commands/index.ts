import type { CliCommand } from '../cli-command';
import { checkCommand } from './check';
import { dnsCommand } from './dns';
import { captureCommand, failoverCommand, pcapCommand, pingCommand } from './capture-verbs';
import { dockerCommand } from './docker';
import { statusCommand } from './status';
import { doctorCommand } from './doctor';
import { toolsCommand } from './tools';
import { topologyCommand } from './topology';
import { versionCommand } from './version';
import { planCommand } from './plan';
import { scriptCommand } from './script';
import { createCommand } from './create';
import { runsCommand } from './runs';
import { cleanupCommand } from './cleanup';
import { deleteCommand, fixCommand, startCommand, stopCommand } from './lifecycle';
import { connectivityCommand } from './connectivity';
import { bgpCommand } from './bgp';
import { rebuildCommand, rollbackCommand, upgradeCommand } from './upgrade';

/**
 * Every `kindscope` verb, in the order the global help lists them. A new verb is one file
 * in this folder and one line here.
 */
export const commands: readonly CliCommand[] = [
  dockerCommand,
  toolsCommand,
  topologyCommand,
  statusCommand,
  doctorCommand,
  checkCommand,
  planCommand,
  scriptCommand,
  createCommand,
  runsCommand,
  cleanupCommand,
  fixCommand,
  upgradeCommand,
  rollbackCommand,
  rebuildCommand,
  stopCommand,
  startCommand,
  deleteCommand,
  captureCommand,
  pcapCommand,
  pingCommand,
  failoverCommand,
  dnsCommand,
  connectivityCommand,
  bgpCommand,
  versionCommand,
];
