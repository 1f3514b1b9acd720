// Turns one knowledge-base item into the neutral item card (and short texts for follow-ups).
// Renderers decide the layout; this decides the content and its honesty labels.
import type { Choice, ItemCard, ItemCardSection, Lang } from "../core/reply.ts";
import { tr } from "../core/reply.ts";
import type { Item, Knowledge } from "./knowledge.ts";

export type ItemSection = "asks" | "achieved" | "why" | "measures" | "evidence" | "related" | "official";

export function levelLabel(level: number | undefined, lang: Lang): string | undefined {
  if (!level) return undefined;
  return tr(lang, `レベル${level}`, `Level ${level}`);
}

export function sectionLabel(section: ItemSection, lang: Lang): string {
  const labels: Record<ItemSection, [string, string]> = {
    asks: ["何を求めているか", "What it asks"],
    achieved: ["達成とみなせる状態(当方の解釈)", "What counts as achieved (our reading)"],
    why: ["なぜ重要か", "Why it matters"],
    measures: ["対策の例", "Typical measures"],
    evidence: ["証跡の例", "Examples of evidence"],
    related: ["関連する項目", "Related items"],
    official: ["公式の文言(読み込んだチェックシートより)", "Official wording (from the imported check sheet)"],
  };
  const [ja, en] = labels[section];
  return tr(lang, ja, en);
}

function sectionBody(item: Item, section: ItemSection, lang: Lang): string | string[] | undefined {
  const e = item.entry;
  switch (section) {
    case "asks":
      return e?.asks[lang];
    case "achieved":
      return e?.achieved_when[lang];
    case "why":
      return e?.why[lang];
    case "measures":
      return e?.measures[lang];
    case "evidence":
      return e?.evidence[lang];
    case "official": {
      const o = item.official;
      if (!o) return undefined;
      return [o.requirement, o.condition].filter((s): s is string => Boolean(s)).join("\n") || undefined;
    }
    case "related":
      return undefined;
  }
}

export function itemHeading(kb: Knowledge, no: number, lang: Lang): string {
  return `No.${no} ${kb.title(no, lang)}`;
}

export function footerText(kb: Knowledge, item: Item, lang: Lang): string {
  if (item.status === "unknown" && !item.official)
    return tr(lang, `ガイドライン v${kb.version}`, `Guideline v${kb.version}`);
  // No.34 and No.146 are cited only by METI's older (2025) list
  const olderOnly = item.entry !== undefined && item.entry.meti.length === 0 && item.entry.sources.includes("meti-sc-older");
  const basis = olderOnly
    ? tr(
        lang,
        "番号とレベルは経産省SC評価基準一覧の旧版(2025年)の引用に基づきます(2026年3月版には引用がありません)。説明は経産省の基準を当チームが読んだもので、公式の文言ではありません。提出前に公式チェックシートで照合してください",
        "Number and level from the citations in METI's older criteria list (2025; the March 2026 list does not cite this item). The description is our reading of METI's criteria, not the official wording. Check against the official sheet before you submit",
      )
    : tr(
        lang,
        "番号とレベルは経産省SC評価基準一覧(2026年3月版)の引用に基づきます。説明は経産省の基準を当チームが読んだもので、公式の文言ではありません。提出前に公式チェックシートで照合してください",
        "Number and level from the citations in METI's criteria list (March 2026). The description is our reading of METI's criteria, not the official wording. Check against the official sheet before you submit",
      );
  const official = item.official ? tr(lang, ` / 公式文言: ${item.official.sheet}`, ` / official wording: ${item.official.sheet}`) : "";
  return `${basis}${official} / v${kb.version}`;
}

/** The full card for one item. `actions` come from the caller (answer buttons, navigation). */
export function buildItemCard(kb: Knowledge, no: number, lang: Lang, actions: Choice[] = []): ItemCard | undefined {
  const item = kb.item(no);
  if (!item) return undefined;
  const area = kb.area(item.entry?.area);
  const sections: ItemCardSection[] = [];
  const add = (s: ItemSection) => {
    const body = sectionBody(item, s, lang);
    if (body && (typeof body === "string" ? body.trim() : body.length)) sections.push({ label: sectionLabel(s, lang), body });
  };
  if (item.status === "known") {
    add("asks");
    add("achieved");
    add("why");
    add("measures");
    add("evidence");
    add("official");
    const e = item.entry!;
    const notes = [e.level_note?.[lang], e.uncertainty?.[lang]].filter((s): s is string => Boolean(s));
    if (notes.length) sections.push({ label: tr(lang, "不確かな点", "What we are unsure of"), body: notes.join("\n") });
  } else {
    add("official");
    sections.push({ label: tr(lang, "この項目について", "About this item"), body: unknownItemText(kb, no, lang, Boolean(item.official)) });
  }
  const related = (item.entry?.related ?? []).map((r) => ({ no: r, title: kb.title(r, lang) }));
  return {
    no,
    status: item.status,
    title: kb.title(no, lang),
    levelLabel: levelLabel(item.level, lang) ?? (item.status === "unknown" ? tr(lang, "レベル未確認", "level unknown") : undefined),
    areaLabel: area ? tr(lang, `${area.name.ja}(当方の分類)`, `${area.name.en} (our grouping)`) : item.official?.area,
    sections,
    related,
    footer: footerText(kb, item, lang),
    actions,
  };
}

export function unknownItemText(kb: Knowledge, no: number, lang: Lang, hasOfficial: boolean): string {
  if (hasOfficial)
    return tr(
      lang,
      "この項目は当方の解説がまだありません。上の公式の文言をご確認ください。",
      "We have not written our own explanation of this item yet; see the official wording above.",
    );
  return tr(
    lang,
    `No.${no} の内容とレベルは、このナレッジベースにはまだ登録されていません(公開資料で確認できなかったため、推測では書いていません)。` +
      `公式チェックシート(Excel)は自工会のサイトから入手でき、管理者が \`npm run kb:import -- <ファイル>\` で読み込むと公式の文言で表示できます。`,
    `The content and level of No.${no} are not in this knowledge base yet (we could not confirm them from public material, so we do not guess). ` +
      `The official check sheet (Excel) is on JAMA's site; an administrator can load it with \`npm run kb:import -- <file>\` to show the official wording.`,
  );
}

/** Nearest described items before and after an unknown one, to help the user orient. */
export function neighbours(kb: Knowledge, no: number): number[] {
  const out: number[] = [];
  for (let n = no - 1; n >= 1; n--) if (kb.item(n)?.status === "known") { out.push(n); break; }
  for (let n = no + 1; n <= kb.totalItems; n++) if (kb.item(n)?.status === "known") { out.push(n); break; }
  return out;
}

/** Just one part of an item, for follow-ups like "その達成条件は?". */
export function itemSectionText(kb: Knowledge, no: number, section: ItemSection, lang: Lang): string {
  const item = kb.item(no);
  if (!item) return "";
  if (section === "related") {
    const rel = item.entry?.related ?? [];
    if (!rel.length) return tr(lang, `No.${no} に関連づけた項目はありません。`, `No related items are recorded for No.${no}.`);
    return rel.map((r) => `・No.${r} ${kb.title(r, lang)}`).join("\n");
  }
  const body = sectionBody(item, section, lang);
  if (!body) {
    return item.status === "unknown"
      ? unknownItemText(kb, no, lang, Boolean(item.official))
      : tr(lang, "その情報は登録されていません。", "That is not recorded for this item.");
  }
  return Array.isArray(body) ? body.map((b) => `・${b}`).join("\n") : body;
}
