// "目標レベルを2に" / "set target level to 3" (organisation admin): the level the company aims for
// this fiscal year (default 2). Recorded in the audit trail.
import { z } from "zod";
import { defineIntent } from "../src/core/intent.ts";
import { tr, type Reply } from "../src/core/reply.ts";
import { fyLabel } from "../src/assessment/fiscal-year.ts";
import { actorOf, mod, sourceOf, textOnly } from "../src/assessment/ui.ts";

// any number is read, so 「目標レベルを4に」 gets "levels are 1 to 3" rather than a guess elsewhere
const JA = /目標(レベル)?\s*(を|は)?\s*(レベル|lv\.?)?\s*(\d{1,3})\s*(に|へ)(する|して|変更|設定)?/i;
const EN = /\b(set|change)\s+(the\s+|our\s+)?target(\s+level)?\s+to\s+(level\s+)?(\d{1,3})\b|\btarget level\s*[:=]?\s*(\d{1,3})$/i;

export const setTargetLevel = defineIntent({
  name: "set_target_level",
  description: { ja: "目標レベルを設定する(管理者)", en: "Set the target level (admin)" },
  examples: { ja: ["目標レベルを2に", "目標をレベル3にする"], en: ["set target level to 3"] },
  /** checked in the handler, so an out-of-range level typed or clicked gets a plain answer */
  params: z.object({ level: z.number().int() }).strict(),
  role: "admin",
  match(_text, { normalized }) {
    const ja = JA.exec(normalized);
    if (ja) return { level: Number(ja[4]) };
    const en = EN.exec(normalized);
    if (en) return { level: Number(en[5] ?? en[6]) };
    return null;
  },
  async handle({ level }, ctx): Promise<Reply> {
    const m = mod(ctx);
    const { lang } = ctx;
    if (level !== 1 && level !== 2 && level !== 3)
      return textOnly(tr(lang, "目標レベルは 1〜3 のどれかです(例:「目標レベルを2に」)。何も変更していません。", 'The target level is 1, 2 or 3 (e.g. "set target level to 2"). Nothing was changed.'));
    const a = await m.service.current(ctx.caller.orgId, ctx.now);
    const r = await m.service.setTargetLevel(a, actorOf(ctx), sourceOf(ctx), level);
    const text = r.changed
      ? tr(lang, `${fyLabel(a.fiscalYear, lang)}の目標レベルを ${r.old} から ${level} に変更しました。`, `Target level for ${fyLabel(a.fiscalYear, lang)} changed from ${r.old} to ${level}.`)
      : tr(lang, `${fyLabel(a.fiscalYear, lang)}の目標レベルはすでに ${level} です。`, `The target level for ${fyLabel(a.fiscalYear, lang)} is already ${level}.`);
    return textOnly(text, { private: true, extra: [{ type: "choices", choices: [{ label: tr(lang, "重点課題を見る", "Show gaps"), action: { intent: "show_gaps", params: {} } }] }] });
  },
});
