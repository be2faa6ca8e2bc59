import packageJson from '../package.json' with { type: 'json' };

/** The package version `--version` prints; the bundle inlines it at build time. */
export const VERSION: string = packageJson.version;
