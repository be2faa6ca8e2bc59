/**
 * Runs one scenario in this (child) process and sends its result to the
 * parent over the IPC channel: `child.ts <scenario> [--quick]`.
 */
import { SCENARIOS } from './scenarios.js';

async function main(): Promise<void> {
  const [name, ...flags] = process.argv.slice(2);
  const load = name === undefined ? undefined : SCENARIOS[name];
  if (!load) throw new Error(`unknown scenario ${String(name)}`);
  const run = await load();
  const result = await run({ quick: flags.includes('--quick') });
  await new Promise<void>((resolve, reject) => {
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      resolve();
      return;
    }
    process.send({ result }, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
