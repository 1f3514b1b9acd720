// "EDRって何?", "RPOとは", "What does CSIRT mean?": a definition question names its subject, and
// when the subject is a glossary term (its name or an alias, folded), the term is the answer,
// ahead of the items that merely use the word (No.136 mentions EDR; the EDR term defines it).
import type { Knowledge } from "./knowledge.ts";
import { normalize } from "../nlu/normalize.ts";
import { foldText } from "./search-text.ts";

const JA = /^(.{1,40}?)\s*(?:とは|って(?:何|なに|なん)|ってどういう(?:意味|こと)|の意味(?:は|を|って|が)?|は何の略|の略)/;
const EN = /^(?:what(?:'s| is| are)\s+(?:an?\s+|the\s+)?(.{1,40}?)|what does\s+(.{1,40}?)\s+(?:mean|stand for)|define\s+(.{1,40}?)|meaning of\s+(.{1,40}?))\s*[?.!]*$/;

/** The subject of a definition question, normalised, or undefined when it is not one. */
export function definitionSubject(question: string): string | undefined {
  const q = normalize(question).replace(/^(?:ところで|すみません|あの|ねえ)[、,\s]*/, "");
  const m = JA.exec(q) ?? EN.exec(q);
  if (!m) return undefined;
  const subject = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? "").replace(/^[「『"']|[」』"']$/g, "").trim();
  return subject.length > 0 ? subject : undefined;
}

export class DefinitionIndex {
  /** Folded name or alias -> glossary id. */
  private readonly byName = new Map<string, string>();

  constructor(kb: Knowledge) {
    for (const g of kb.glossary) {
      // "UTM(統合脅威管理)" is found as "UTM", as "統合脅威管理" and as the whole
      const names = [g.term.ja, g.term.en, ...g.aliases].flatMap((n) => [n, ...n.split(/[()()/・]/)]);
      for (const n of names) {
        const k = foldText(n);
        if (k.length >= 2 && !this.byName.has(k)) this.byName.set(k, g.id);
      }
    }
  }

  /** The glossary term a definition question asks about, if its subject names one. */
  termFor(question: string): string | undefined {
    const s = definitionSubject(question);
    if (!s) return undefined;
    const k = foldText(s);
    return this.byName.get(k) ?? this.byName.get(foldText(s.replace(/\s*(?:サービス|service)$/, "")));
  }
}
