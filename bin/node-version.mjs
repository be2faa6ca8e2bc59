// Plain JavaScript that old Node.js versions can still parse: it runs before
// anything that needs a newer one, so they get one clear line instead of a stack trace.

/** The oldest Node.js major the CLI and the test suite run on (package.json `engines`). */
export const REQUIRED_NODE_MAJOR = 22;

/**
 * Why this Node.js cannot run `what`, in one line, or undefined when it can.
 *
 * @param {string} version `process.versions.node`, e.g. `20.11.1`
 * @param {string} what what needs it, e.g. `finops-guardrails`
 * @returns {string | undefined}
 */
export function nodeVersionProblem(version, what) {
  const major = Number(String(version).split('.')[0]);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return `${what} needs Node.js ${REQUIRED_NODE_MAJOR} or later, and this is Node.js v${version}: install Node.js 24 LTS from https://nodejs.org/en/download (or \`nvm install 24\`), then run it again.`;
}
