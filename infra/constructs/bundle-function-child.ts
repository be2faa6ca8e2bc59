/**
 * Child process of `bundleFunction`: reads a FunctionBundleInput as JSON on
 * stdin, builds the bundle with `buildFunction` and writes its esbuild
 * metafile as JSON on stdout. A build error is printed by esbuild and exits
 * non-zero, which fails the synchronous caller.
 */
import { text } from 'node:stream/consumers';
import { buildFunction, type FunctionBundleInput } from './function-bundle.js';

const input = JSON.parse(await text(process.stdin)) as FunctionBundleInput;
process.stdout.write(JSON.stringify(await buildFunction(input)));
