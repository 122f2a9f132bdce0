import { createApp } from "./app.js";
import { nodeRequestListener } from "./direct.js";
export { API_VERSION, createApp } from "./app.js";
export { createApiKey } from "./auth.js";
export { answerClientErrors } from "./client-errors.js";
export { nodeRequestListener } from "./direct.js";
export function createApiHandler(opts) {
    const app = createApp(opts);
    return {
        fetch: async (request) => app.fetch(request),
        listener: nodeRequestListener(app),
        app,
    };
}
//# sourceMappingURL=index.js.map