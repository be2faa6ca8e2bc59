#!/usr/bin/env node
// Checks the Node.js version, then runs the CLI bundle (dist/cli, built from cli/ by scripts/build-cli.mjs).
// Kept to syntax old Node.js versions parse, so they reach the version check.
import * as nodeModule from 'node:module';
import { nodeVersionProblem } from './node-version.mjs';

const BUNDLE = '../dist/cli/main.mjs';
const problem = nodeVersionProblem(process.versions.node, 'finops-guardrails');
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 2;
} else {
  // V8's code cache for the bundle, kept in the OS temp directory: later starts skip compiling it.
  if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
  import(BUNDLE).then(
    (cli) =>
      cli.main(process.argv).then((code) => {
        process.exitCode = code;
      }),
    (error) => {
      if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).indexOf('dist/cli') >= 0) {
        process.stderr.write(
          'finops-guardrails is not built yet: run `npm run build` (npm ci and npm start build it too).\n',
        );
        process.exitCode = 2;
      } else throw error;
    },
  );
}
