/** The build's inputs (paths relative to the repository), sorted. */
export function buildInputs(): string[];
/** sha256 over the inputs' paths and contents. */
export function inputsHash(): string;
/** Builds when the inputs changed since the last build; true when it built. */
export function ensureBuilt(): boolean;
