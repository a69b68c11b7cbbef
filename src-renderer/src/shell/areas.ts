/** The app's areas, in the sidebar's order, and their labels (page labels users and specs rely on). */
export const areas = ['home', 'clusters', 'create-lab', 'topology', 'troubleshoot', 'names', 'settings'] as const;
export type Area = (typeof areas)[number];

export function isArea(value: string): value is Area {
  return (areas as readonly string[]).includes(value);
}

export const areaLabels: Record<Area, string> = {
  home: 'Home',
  clusters: 'Clusters',
  'create-lab': 'Create lab',
  topology: 'Topology',
  troubleshoot: 'Troubleshoot',
  names: 'Names',
  settings: 'Settings',
};
