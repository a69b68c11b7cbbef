/** The logger every service takes in its constructor. */
export interface Logger {
  debug(message: string, details?: unknown): void;
  info(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Writes to stderr (stdout belongs to the CLI's output and serve mode's URL line).
 * `KINDSCOPE_LOG=debug|info|warn|error` sets the threshold; default `info`.
 */
export function createStderrLogger(scope: string, threshold: Level = readThreshold()): Logger {
  const write = (level: Level, message: string, details?: unknown) => {
    if (order[level] < order[threshold]) return;
    const suffix = details === undefined ? '' : ` ${formatDetails(details)}`;
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${message}${suffix}\n`);
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

/** A logger that keeps what it is told, for tests and for a UI log view. */
export function createMemoryLogger(): Logger & { entries: { level: Level; message: string; details?: unknown }[] } {
  const entries: { level: Level; message: string; details?: unknown }[] = [];
  const push = (level: Level) => (message: string, details?: unknown) => void entries.push({ level, message, details });
  return { entries, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

function readThreshold(): Level {
  const value = process.env.KINDSCOPE_LOG;
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error' ? value : 'info';
}

function formatDetails(details: unknown): string {
  if (details instanceof Error) return details.stack ?? details.message;
  try {
    return JSON.stringify(details);
  } catch {
    return String(details);
  }
}
