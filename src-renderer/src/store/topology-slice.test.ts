import { describe, expect, it } from 'vitest';
import type { KindClusterSummary } from '@contract';
import { createStore } from './index';

const cluster = (name: string): KindClusterSummary => ({ name, nodes: 3, running: 3, networks: ['kind'] });

function memory(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

describe('the selected cluster', () => {
  it('is remembered across a reload (a new store over the same storage) and kept when the list arrives', () => {
    const storage = memory();
    const first = createStore({ memory: storage });
    first.getState().setClusters([cluster('alpha'), cluster('beta')]);
    expect(first.getState().selectedCluster).toBe('alpha');
    first.getState().selectCluster('beta');

    const reloaded = createStore({ memory: storage });
    expect(reloaded.getState().selectedCluster).toBe('beta');
    reloaded.getState().setClusters([cluster('alpha'), cluster('beta')]);
    expect(reloaded.getState().selectedCluster).toBe('beta');
  });

  it('is never silently replaced: a missing choice is named, and selected again when it comes back', () => {
    const storage = memory({ 'kindscope.selectedCluster': 'gone' });
    const store = createStore({ memory: storage });
    store.getState().setClusters([cluster('alpha')]);
    expect(store.getState()).toMatchObject({ selectedCluster: 'alpha', missingSelection: 'gone' });
    // Showing another cluster meanwhile does not overwrite what the user chose.
    expect(storage.items.get('kindscope.selectedCluster')).toBe('gone');
    store.getState().setClusters([cluster('alpha'), cluster('gone')]);
    expect(store.getState()).toMatchObject({ selectedCluster: 'gone', missingSelection: undefined });
  });

  it('a choice the user makes replaces the remembered one and clears the notice', () => {
    const storage = memory({ 'kindscope.selectedCluster': 'gone' });
    const store = createStore({ memory: storage });
    store.getState().setClusters([cluster('alpha'), cluster('beta')]);
    store.getState().selectCluster('beta');
    expect(store.getState()).toMatchObject({ selectedCluster: 'beta', missingSelection: undefined });
    expect(storage.items.get('kindscope.selectedCluster')).toBe('beta');
  });
});
