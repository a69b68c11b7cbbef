import { expect, type Locator, type Page } from '@playwright/test';

/** The Create-lab wizard and the run view, by roles and accessible names only. */
export class CreateLabPage {
  readonly next: Locator;
  readonly back: Locator;
  readonly create: Locator;
  readonly name: Locator;
  readonly poolCidr: Locator;
  readonly runState: Locator;
  readonly result: Locator;
  readonly steps: Locator;

  constructor(readonly page: Page) {
    this.next = page.getByRole('button', { name: 'Next', exact: true });
    this.back = page.getByRole('button', { name: 'Back', exact: true });
    this.create = page.getByRole('button', { name: 'Create lab', exact: true });
    this.name = page.getByRole('textbox', { name: 'Cluster name' });
    this.poolCidr = page.getByRole('textbox', { name: 'Pool CIDR' });
    this.runState = page.getByRole('status', { name: 'Run state' });
    this.result = page.getByRole('region', { name: 'Result' });
    this.steps = page.getByRole('list', { name: 'Steps' });
  }

  async open() {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Create lab' }).click();
    await expect(this.name).toBeVisible();
  }

  stepHeading(label: string): Locator {
    return this.page.getByRole('heading', { level: 2, name: label, exact: true });
  }

  /** Next, once the plan check for the current draft is back and the step is valid. */
  async goNext(to: string) {
    await expect(this.next).toBeEnabled();
    await this.next.click();
    await expect(this.stepHeading(to)).toBeVisible();
  }

  /** The step button in the run view's list, e.g. "Install Cilium 1.18.14". */
  step(title: RegExp | string): Locator {
    return this.steps.getByRole('button', { name: typeof title === 'string' ? new RegExp(`^${title}`) : title });
  }

  runRow(ip: string): Locator {
    return this.result.getByRole('group', { name: `IP ${ip}` });
  }
}
