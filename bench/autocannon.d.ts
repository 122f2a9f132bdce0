/** The part of autocannon's API the HTTP benchmark uses (the package ships no types). */
declare module 'autocannon' {
  export interface AutocannonResult {
    requests: { total: number; average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
    /** Seconds. */
    duration: number;
  }
  export default function autocannon(opts: Record<string, unknown>): Promise<AutocannonResult>;
}
