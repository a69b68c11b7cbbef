import type { Locator, Page } from '@playwright/test';

/**
 * The Topology area, by roles and accessible names only. Graph boxes and lines are `group`s
 * named for what they are ("Node demo-worker", "172.18.250.1 — lease held by demo-worker"),
 * looked up inside the graph region so a relation is asserted in the picture itself.
 */
export class TopologyPage {
  readonly heading: Locator;
  readonly cluster: Locator;
  readonly graph: Locator;
  readonly details: Locator;
  readonly exportSvg: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Topology' });
    this.cluster = page.getByRole('combobox', { name: 'Cluster' });
    this.graph = page.getByRole('region', { name: 'Topology graph' });
    this.details = page.getByRole('complementary', { name: 'Details' });
    this.exportSvg = page.getByRole('button', { name: 'Export SVG' });
  }

  /** A box or a line of the graph, by its accessible name. */
  item(name: string | RegExp): Locator {
    return this.graph.getByRole('group', { name, exact: typeof name === 'string' });
  }

  host(): Locator {
    return this.item('This machine');
  }

  bridge(name: string): Locator {
    return this.item(`Bridge ${name}`);
  }

  node(name: string): Locator {
    return this.item(`Node ${name}`);
  }

  /** The lease line of an IP: the claim, and the measurement once a probe made one. */
  lease(ip: string, holder: string): Locator {
    return this.item(new RegExp(`^${ip.replaceAll('.', '\\.')} — lease held by ${holder}( · answered ARP: .*)?$`));
  }

  view(name: 'Graph' | 'Tables'): Locator {
    return this.page.getByRole('group', { name: 'View' }).getByRole('button', { name });
  }

  table(title: string): Locator {
    return this.page.getByRole('region', { name: title, exact: true });
  }
}
