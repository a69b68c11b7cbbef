/**
 * Module hooks that load `electron.fake.ts` wherever the built main bundle imports
 * `electron`: `node --import ./electron.fake-hooks.ts out/main/index.js`.
 */
import { register } from 'node:module';

const fake = new URL('./electron.fake.ts', import.meta.url).href;

const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(fake)}, shortCircuit: true };
  return next(specifier, context);
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);
