// `npm test`'s pretest: one clear line, not a crash inside vitest, on a Node.js that is too old.
import { nodeVersionProblem } from '../bin/node-version.mjs';

const problem = nodeVersionProblem(process.versions.node, process.argv[2] || 'this command');
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
