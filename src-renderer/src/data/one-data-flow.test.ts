import { describe, expect, it } from 'vitest';

// Every feature and shared component, as text (Vite's glob: the files the bundle is built from).
const sources = import.meta.glob(['../features/**/*.{ts,tsx}', '../components/**/*.{ts,tsx}', '../App.tsx'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const production = Object.entries(sources).filter(([path]) => !/\.test\.tsx?$/.test(path));

describe('one renderer data flow (data/README.md)', () => {
  it('finds the sources it guards', () => {
    expect(production.length).toBeGreaterThan(40);
    expect(production.some(([path]) => path.endsWith('TopologyPage.tsx'))).toBe(true);
  });

  it('no view calls the client: reads go through useQuery or a feature loader, writes through useAction or a command', () => {
    const offenders = production.filter(([path, text]) => /\.(tsx)$/.test(path) && /\bclient\b/.test(text));
    expect(offenders.map(([path]) => path)).toEqual([]);
  });

  it('invoke and subscribe appear only in loaders and commands (files named *-loader.ts or *-commands.ts)', () => {
    const offenders = production.filter(
      ([path, text]) => /\.(invoke|subscribe)\(/.test(text) && !/-(loader|commands)\.ts$/.test(path),
    );
    expect(offenders.map(([path]) => path)).toEqual([]);
  });

  it('commands/ holds user operations only: no loader (follow…) lives there', () => {
    const commands = import.meta.glob('../commands/**/*.ts', { query: '?raw', import: 'default', eager: true });
    const loaders = Object.entries(commands as Record<string, string>).filter(([, text]) =>
      /export function follow|export async function load/.test(text),
    );
    expect(loaders.map(([path]) => path)).toEqual([]);
  });
});
