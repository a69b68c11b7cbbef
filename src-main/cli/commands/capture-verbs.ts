/** The capture area's verbs, one file each; re-exported so `index.ts` gains one line. */
export { captureCommand } from './capture';
export { failoverCommand } from './failover';
export { pcapCommand } from './pcap';
export { pingCommand } from './ping';
