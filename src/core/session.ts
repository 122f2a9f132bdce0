/**
 * How long a dashboard session lives without a request: a working day of an open tab. The API
 * refuses a session idle longer (api/session-auth.ts) and retention deletes it (engine/retention.ts).
 */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
