// knowledge/off-topic.yaml: topics people ask a workplace bot about that this knowledge base does
// not cover (pay and leave, invoices, production planning, driving, printers, lunch). A lexical
// search cannot tell 退職金 from the leavers item or 会議室の予約 from booking a consultation:
// every word of such a question is a word we use somewhere. Naming the topics we do NOT cover,
// and the anchor words that tie a question back to what we do cover, lets the bot say plainly
// "that is outside what I cover" and where to ask instead.
import { join } from "node:path";
import { readYamlFile } from "./yaml-file.ts";
import { z } from "zod";
import { KNOWLEDGE_DIR, KnowledgeError } from "./load.ts";
import { foldText, stem } from "./search-text.ts";

const Bi = z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict();

export const OffTopicFile = z
  .object({
    topics: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z][a-z0-9-]*$/),
            label: Bi,
            where: Bi,
            words: z.array(z.coerce.string().trim().min(2)).min(1),
          })
          .strict(),
      )
      .min(1),
    anchors: z.array(z.coerce.string().trim().min(2)).min(1),
  })
  .strict();

export type OffTopicData = z.infer<typeof OffTopicFile>;
export type OffTopic = OffTopicData["topics"][number];

/** Reads and validates knowledge/off-topic.yaml (or another file); throws KnowledgeError. */
export function loadOffTopic(file = join(KNOWLEDGE_DIR, "off-topic.yaml")): OffTopicData {
  let data: unknown;
  try {
    data = readYamlFile(file);
  } catch (e) {
    throw new KnowledgeError([`${file}: ${(e as Error).message.split("\n")[0]}`]);
  }
  const r = OffTopicFile.safeParse(data);
  if (!r.success) throw new KnowledgeError(r.error.issues.map((i) => `${file} ${i.path.join(".")}: ${i.message}`));
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const t of r.data.topics) {
    if (ids.has(t.id)) problems.push(`${file}: topic id "${t.id}" appears twice`);
    ids.add(t.id);
  }
  if (problems.length) throw new KnowledgeError(problems);
  return r.data;
}

/** Folded text with English words stemmed, padded with spaces: "Oil changes" -> " oil chang ". */
function key(text: string): string {
  return " " + foldText(text).split(" ").map((w) => (/^[a-z0-9]+$/.test(w) ? stem(w) : w)).join(" ") + " ";
}

const LATIN = /[a-z0-9]/;

/** `part` occurs in `q`; where it starts or ends with a Latin letter, on a word boundary there. */
function contains(q: string, part: string): boolean {
  for (let i = q.indexOf(part); i >= 0; i = q.indexOf(part, i + 1)) {
    const okStart = !LATIN.test(part[0]) || !LATIN.test(q[i - 1]);
    const okEnd = !LATIN.test(part.at(-1)!) || !LATIN.test(q[i + part.length] ?? " ");
    if (okStart && okEnd) return true;
  }
  return false;
}

export class OffTopicLexicon {
  private readonly topics: { topic: OffTopic; words: string[] }[];
  private readonly anchors: string[];

  /** `extraAnchors`: more words that tie a question to us (the glossary's terms and aliases). */
  constructor(data: OffTopicData, extraAnchors: string[] = []) {
    const keys = (ws: string[]) => [...new Set(ws.map((w) => key(w).trim()).filter((w) => w.length >= 2))];
    this.topics = data.topics.map((topic) => ({ topic, words: keys(topic.words) }));
    this.anchors = keys([...data.anchors, ...extraAnchors]);
  }

  /** The topic a question is about when it names one of ours-not topics and nothing we cover. */
  topicOf(question: string): OffTopic | undefined {
    const q = key(question);
    const hit = this.topics.find((t) => t.words.some((w) => contains(q, w)));
    if (!hit) return undefined;
    return this.anchors.some((a) => contains(q, a)) ? undefined : hit.topic;
  }

  /** The question names an anchor: a word or glossary term that ties it to what we cover. */
  anchored(question: string): boolean {
    const q = key(question);
    return this.anchors.some((a) => contains(q, a));
  }
}
