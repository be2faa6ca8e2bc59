import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * English error messages for the schemas written with `zod/mini`.
 *
 * Classic zod sets its English locale when its first schema is built;
 * `zod/mini` sets none, so every issue would read "Invalid input". The Lambda
 * runtime's schemas use `zod/mini` (classic zod loads about 100 KB more at
 * every cold start), and each of their modules imports this one for its
 * effect, so messages read the same whichever flavour built the schema: the
 * locale lives in the core both flavours share. The locale is imported by
 * name: `z.locales.en()` would keep every language in the bundle.
 *
 * @example
 * import * as z from 'zod/mini';
 * import '../core/zod-locale.js';
 */
config(en());
