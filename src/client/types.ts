/**
 * The API's JSON shapes as a client sees them. Declared here rather than imported from the server
 * so the client (used by the CLI and the dashboard) has no server code in its dependency graph.
 */
export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type LogLevel = 'info' | 'warn' | 'error';
export type Scope = 'read' | 'write' | 'admin';

export interface Job {
  id: string;
  name: string;
  type: string;
  category: string;
  status: JobStatus;
  progress: { total: number; completed: number; failed: number };
  createdAt: number;
  completedAt: number | null;
  startedAt: number | null;
  updatedAt: number;
  attempt: number;
  maxAttempts: number;
  currentStep: string | null;
  cancelRequestedAt: number | null;
  /** The name of the API key that cancelled the job. */
  cancelledBy: string | null;
  error: { code: string; message: string } | null;
}

export interface LogEntry {
  id: number;
  timestamp: number;
  level: LogLevel;
  message: string;
  step: string | null;
  attempt: number;
}

export interface JobDetail extends Job {
  input: unknown;
  result: unknown;
  logs: LogEntry[];
  logsTotal: number;
  steps: { name: string; status: string; attempt: number; startedAt: number; completedAt: number | null }[];
  attempts: {
    attempt: number;
    workerId: string | null;
    startedAt: number;
    endedAt: number | null;
    outcome: string | null;
    error: string | null;
  }[];
}

export interface Item {
  step: string;
  key: string;
  status: 'completed' | 'failed';
  error: string | null;
  attempt: number;
  updatedAt: number;
}

export interface JobType {
  type: string;
  category: string;
  description: string | null;
  inputSchema: unknown;
  maxAttempts: number;
  timeoutMs: number | null;
}

export interface Stats {
  total: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, Record<string, number>>;
}

export interface ApiKey {
  id: string;
  name: string;
  workspace: string;
  scope: Scope;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface ListJobsParams {
  status?: JobStatus | JobStatus[];
  category?: string | string[];
  type?: string | string[];
  /** Name prefix (case-sensitive). */
  q?: string;
  /** Input values by dotted path (`{ bucketId: 'b1', 'target.site': 'x' }`), all of which must match. */
  input?: Record<string, string>;
  limit?: number;
  cursor?: string;
}

/** `GET /api/v1/stats/timeseries`: jobs finished per bucket, only buckets with jobs. */
export interface Timeseries {
  window: '1h' | '24h';
  bucketMs: number;
  since: number;
  buckets: { start: number; completed: number; failed: number; cancelled: number }[];
}

export interface CreateJobParams {
  type: string;
  input?: unknown;
  name?: string;
  runAt?: number;
  priority?: number;
  maxAttempts?: number;
}

/** One event of a stream: `snapshot` (data is a JobDetail), `status`, `progress`, `step` or `log`. */
export interface StreamEvent {
  event: string;
  id: number | null;
  data: Record<string, unknown>;
}
