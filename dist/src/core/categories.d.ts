/** The seed's categories. A deployment may configure its own set (`createLongrun({ categories })`). */
export declare const DEFAULT_CATEGORIES: readonly ["seo", "ai", "sync", "export"];
export type Category = string;
//# sourceMappingURL=categories.d.ts.map