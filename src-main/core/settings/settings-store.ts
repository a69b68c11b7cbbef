import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../util/logger';

const Settings = z.object({
  /** Per-tool path chosen by the user ("Choose…"), absolute. */
  toolPaths: z.record(z.string(), z.string()).default({}),
  /** ISO time the first-run welcome was dismissed; absent until then. */
  welcomeSeenAt: z.string().optional(),
  /** The capture image chosen in Settings (KINDSCOPE_CAPTURE_IMAGE, when set, still wins). */
  captureImage: z.string().optional(),
});
export type Settings = z.infer<typeof Settings>;

/** Settings in `<data dir>/settings.json`, written atomically; a broken file is set aside, not lost. */
export class SettingsStore {
  private settings: Settings;
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.file = join(dataDir, 'settings.json');
    this.settings = this.load();
  }

  get(): Settings {
    return this.settings;
  }

  update(change: (settings: Settings) => Settings): Settings {
    this.settings = Settings.parse(change(structuredClone(this.settings)));
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.settings, null, 2));
    renameSync(temporary, this.file);
    return this.settings;
  }

  private load(): Settings {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return Settings.parse({});
    }
    const parsed = Settings.safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
    const aside = `${this.file}.broken-${Date.now()}`;
    this.log.warn(`${this.file} is not valid; kept it as ${aside} and started from defaults`);
    try {
      renameSync(this.file, aside);
    } catch {
      // Read-only: defaults for this run.
    }
    return Settings.parse({});
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
