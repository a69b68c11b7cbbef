import { ErrorCode, type AppError } from '../../contract';

/** Counts of one campaign, printed for the closing note. */
export interface CampaignCounts {
  runs: number;
  budgetReached?: boolean;
  ok: number;
  refused: Partial<Record<string, number>>;
}

export function newCounts(): CampaignCounts {
  return { runs: 0, ok: 0, refused: {} };
}

/**
 * The campaign's one network rule: only loopback. A generated `tools:download` must not
 * reach the internet (the project's machines may only talk to loopback and their own
 * containers), so fetch to anything else fails as a cut connection would.
 */
export function loopbackOnlyFetch(real: typeof fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
      return Promise.reject(new TypeError(`fetch failed: the campaign allows only loopback (${url.hostname})`));
    return real(input, init);
  };
}

/** What every refusal must be: a known code, a message, a hint — and readable (a refusal does not echo 2 MB back). */
export function refusalProblem(error: AppError | undefined): string | undefined {
  if (!error || typeof error !== 'object') return 'no error object';
  if (!ErrorCode.safeParse(error.code).success) return `unknown code ${String(error.code)}`;
  if (error.code === 'INTERNAL') return `INTERNAL: ${error.message}`;
  if (typeof error.message !== 'string' || error.message.trim() === '') return 'empty message';
  if (typeof error.hint !== 'string' || error.hint.trim() === '') return 'empty hint';
  if (error.message.length > 2_000 || error.hint.length > 2_000) return `message of ${error.message.length} characters`;
  return undefined;
}

/**
 * `field: …`, `input.field: …`, `kind path: …`, or — the plan's one message style (issue 28) —
 * a sentence ending with the field in parentheses (`… (cluster.name).`): a refusal that says
 * which value it means.
 */
const namesAField =
  /(^|[\s(])(input(\.[\w-]+)*|[A-Za-z][\w. -]{0,40}|--[a-z-]+):\s|\((?:[A-Za-z][\w-]*)(?:\.[\w-]+|\[\d+\])*\)\.$/;

/**
 * An INVALID_INPUT refusal must name what was wrong. The schema's own refusal of an input
 * whose only fault is the mutation names that field (or the stray key, or the input
 * itself); a handler's refusal, or one of an input with several faults, names a field.
 */
export function namesTheField(error: AppError, mutation: string, baseValid = true): boolean {
  if (error.code !== 'INVALID_INPUT' || mutation === 'none') return true;
  if (!error.message.startsWith('Invalid input for ') || !baseValid) return namesAField.test(error.message);
  if (mutation === 'root') return /\binput\b/.test(error.message);
  if (mutation.startsWith('extra:'))
    return (
      error.message.includes(mutation.slice('extra:'.length).slice(0, 20)) || /Unrecognized key/.test(error.message)
    );
  return error.message.includes(mutation);
}
