import type { Locator, Page } from '@playwright/test';

/** The first-run welcome, by roles and accessible names only. */
export class WelcomeDialog {
  readonly dialog: Locator;
  readonly creates: Locator;
  readonly engine: Locator;
  readonly tools: Locator;
  readonly start: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog', { name: 'Welcome to Kindscope' });
    this.creates = this.dialog.getByRole('list', { name: 'What Kindscope creates' });
    this.engine = this.dialog.getByRole('region', { name: 'Docker engine' });
    this.tools = this.dialog.getByRole('list', { name: 'Tools found' });
    this.start = this.dialog.getByRole('button', { name: 'Start using Kindscope' });
  }

  tool(name: string): Locator {
    return this.tools.getByRole('listitem', { name: `Tool ${name}`, exact: true });
  }
}
