import type { Locator, Page } from '@playwright/test';

/** The home screen, by roles and accessible names only. */
export class HomePage {
  readonly heading: Locator;
  readonly engine: Locator;
  readonly refresh: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Home' });
    this.engine = page.getByRole('region', { name: 'Docker engine' });
    this.refresh = this.engine.getByRole('button', { name: 'Check again' });
  }

  /** The value cell of the fact whose row header is `label`. */
  fact(label: string): Locator {
    return this.engine
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: label, exact: true }) })
      .getByRole('cell');
  }

  status(): Locator {
    return this.engine.getByRole('status');
  }

  problem(): Locator {
    return this.engine.getByRole('alert');
  }

  navigation(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' });
  }
}
