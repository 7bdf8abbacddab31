// UTC calendar helpers over epoch seconds.

export const DAY = 86_400;

export const hourOf = (ts: number): number => new Date(ts * 1000).getUTCHours();
/** Monday = 0 … Sunday = 6 (SPEC §5). */
export const weekdayOf = (ts: number): number => (new Date(ts * 1000).getUTCDay() + 6) % 7;
/** 1–12. */
export const monthOf = (ts: number): number => new Date(ts * 1000).getUTCMonth() + 1;
export const dayStart = (ts: number): number => Math.floor(ts / DAY) * DAY;
