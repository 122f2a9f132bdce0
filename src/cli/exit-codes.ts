/**
 * Exit codes of the `longrun` command, documented in docs/cli.md. `jobs watch` and
 * `jobs create --watch` end with the job's outcome; scripts branch on these numbers.
 */
export const EXIT = {
  /** The command succeeded; for a watch, the job completed. */
  ok: 0,
  /** The job failed, or a request failed (an API error, an unreachable server). */
  failed: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** The watched job was cancelled. */
  cancelled: 3,
  /** The event stream was lost and could not be resumed: the job's outcome is unknown. */
  streamLost: 4,
  /** Interrupted (Ctrl-C) and detached: the job itself goes on. */
  interrupted: 130,
} as const;
