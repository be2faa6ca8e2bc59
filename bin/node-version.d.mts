/** The oldest Node.js major the CLI and the test suite run on (package.json `engines`). */
export declare const REQUIRED_NODE_MAJOR: number;
/** Why this Node.js cannot run `what`, in one line, or undefined when it can. */
export declare function nodeVersionProblem(version: string, what: string): string | undefined;
