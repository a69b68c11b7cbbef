import type { EngineFlavour } from '../../contract';

export interface FlavourClues {
  host: string;
  operatingSystem?: string;
  name?: string;
  components?: { Name?: string }[];
  platformName?: string;
}

/**
 * Which product runs the engine. Users' kind networking differs by flavour (a VM or not,
 * docker-mac-net-connect or not), so the UI says it. Clues from `docker info`/`version`
 * first, the socket path last.
 */
export function detectFlavour(clues: FlavourClues): EngineFlavour {
  const os = clues.operatingSystem ?? '';
  const name = (clues.name ?? '').toLowerCase();
  const host = clues.host.toLowerCase();
  if (/docker desktop/i.test(os) || /docker desktop/i.test(clues.platformName ?? '')) return 'Docker Desktop';
  if (/orbstack/i.test(os) || host.includes('/.orbstack/')) return 'OrbStack';
  if (clues.components?.some((c) => /podman/i.test(c.Name ?? '')) || host.includes('podman')) return 'Podman';
  if (name.includes('rancher-desktop') || host.includes('/.rd/')) return 'Rancher Desktop';
  if (name === 'colima' || name.startsWith('colima-') || host.includes('/.colima/')) return 'Colima';
  return 'native';
}
