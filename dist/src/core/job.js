export const LOG_LEVELS = ['info', 'warn', 'error'];
export const STEP_STATUSES = ['running', 'completed', 'failed'];
export const ITEM_STATUSES = ['completed', 'failed'];
export const EVENT_KINDS = ['status', 'progress', 'step', 'log'];
//# sourceMappingURL=job.js.map