/** The seed's categories. A deployment may configure its own set (`createLongrun({ categories })`). */
export const DEFAULT_CATEGORIES = ['seo', 'ai', 'sync', 'export'];
//# sourceMappingURL=categories.js.map