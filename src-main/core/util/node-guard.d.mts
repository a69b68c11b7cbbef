/** Oldest supported Node; equals package.json "engines". */
export declare const MINIMUM_NODE: string;
/** The one-line refusal for this Node version, or undefined when supported. */
export declare function nodeVersionProblem(version: string): string | undefined;
