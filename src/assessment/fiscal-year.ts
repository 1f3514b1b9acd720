// Japanese fiscal years start in April (config.fiscalYearStartMonth): FY2026 runs from
// 2026-04-01 to 2027-03-31. The boundary is taken in Japan time, where the users are.
const JST_OFFSET_MS = 9 * 3_600_000;

export function fiscalYearOf(date: Date, startMonth = 4): number {
  const jst = new Date(date.getTime() + JST_OFFSET_MS);
  const y = jst.getUTCFullYear();
  return jst.getUTCMonth() + 1 >= startMonth ? y : y - 1;
}

/** "2026-05-01 10:00" in Japan time (the audit trail and exports show times this way). */
export function formatJst(date: Date): string {
  const j = new Date(date.getTime() + JST_OFFSET_MS).toISOString();
  return `${j.slice(0, 10)} ${j.slice(11, 16)}`;
}

/** "FY2026" / "2026年度" */
export function fyLabel(fy: number, lang: "ja" | "en"): string {
  return lang === "en" ? `FY${fy}` : `${fy}年度`;
}
