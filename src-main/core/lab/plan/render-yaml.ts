/** The one way the plan's manifests and files become YAML text (render.ts, render-bgp.ts). */
import { stringify } from 'yaml';

// YAML 1.1 quoting: kubectl's and helm's parsers read a bare No or on as a boolean.
export const yaml = (value: unknown) =>
  stringify(value, { lineWidth: 0, version: '1.1', aliasDuplicateObjects: false });
