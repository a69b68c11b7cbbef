import { randomBytes } from 'node:crypto';

/** Every container Kindscope itself starts carries this label (value: what it is for). */
export const helperLabel = 'io.kindscope.helper';
/** And the PID of the Kindscope process that owns it, so a later run can remove orphans. */
export const ownerLabel = 'io.kindscope.owner-pid';

/**
 * A helper's Docker name says what it is (`kindscope-helper-netns-4242-a1b2c3`), instead of
 * Docker's random `clever_chatterjee`, so a user who sees it in `docker ps` knows whose it is.
 */
export function helperName(purpose: string): string {
  return `kindscope-helper-${purpose}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
