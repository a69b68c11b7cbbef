import type { Locator, Page } from '@playwright/test';

/** The Topology area, by roles and accessible names only. */
export class TopologyPage {
  readonly heading: Locator;
  readonly cluster: Locator;
  readonly host: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Topology' });
    this.cluster = page.getByRole('combobox', { name: 'Cluster' });
    this.host = page.getByRole('region', { name: 'This machine' });
  }

  bridge(name: string): Locator {
    return this.page.getByRole('region', { name: `Bridge ${name}`, exact: true });
  }

  node(name: string): Locator {
    return this.page.getByRole('listitem', { name: `Node ${name}`, exact: true });
  }
}
