/** The `--log-format` values, apart from logger.ts so commands can check them without loading pino. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
