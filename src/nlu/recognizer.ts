// Picks the intent for a turn, in a fixed order: a structured action (button, card submit),
// then each intent's patterns in registry order, then a fuzzy match of short messages against
// the intents' examples, then (only when configured) an LLM with tool calling. What none of them
// claims goes to the fallback intent (a question for the knowledge base).
import Fuse from "fuse.js";
import type { Intent, MatchContext } from "../core/intent.ts";
import type { ConversationData } from "../core/conversation-state.ts";
import type { Lang } from "../core/reply.ts";
import type { ActionRef, TurnInput } from "../core/turn.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import { normalize, stripChatNoise } from "./normalize.ts";
import { readYesNo } from "./yes-no.ts";
import { pendingYesNo } from "../core/confirm.ts";

export interface Recognition {
  intent: Intent;
  /** Not yet validated: the pipeline runs the intent's zod schema over them. */
  params: Record<string, unknown>;
  via: "action" | "confirm" | "label" | "pattern" | "fuzzy" | "llm" | "fallback" | "invalid-action";
  /** The button this turn amounts to (clicked, a typed yes/no, or a typed button label). */
  action?: ActionRef;
  score?: number;
}

/** Optional last stage: an LLM that picks an intent by tool calling. */
export interface IntentPicker {
  pick(text: string, intents: Intent[], ctx: MatchContext): Promise<{ intent: string; params: Record<string, unknown> } | null>;
}

interface ExampleDoc {
  text: string;
  intent: string;
}

/** Messages longer than this are questions, not commands: fuzzy matching would only guess. */
const FUZZY_MAX_LENGTH = 24;
const FUZZY_THRESHOLD = 0.25;
/** One or two letters are never guessed into an intent (issue 9: "D" undid an answer). */
const FUZZY_MIN_LENGTH = 2;

export class Recognizer {
  private readonly byName = new Map<string, Intent>();
  private readonly exact = new Map<string, string>();
  private readonly fuse: Fuse<ExampleDoc>;

  constructor(
    private readonly intents: Intent[],
    private readonly fallback: Intent,
    private readonly picker?: IntentPicker,
    private readonly kb?: Knowledge,
  ) {
    const docs: ExampleDoc[] = [];
    for (const it of [...intents, fallback]) {
      if (this.byName.has(it.name)) throw new Error(`duplicate intent name ${it.name}`);
      if (it.llm && !it.readOnly) throw new Error(`intent ${it.name} is offered to the LLM but is not read-only`);
      this.byName.set(it.name, it);
      // only read-only intents are guessed from their examples (see recognize)
      if (!it.readOnly) continue;
      for (const ex of [...it.examples.ja, ...it.examples.en]) {
        const text = stripChatNoise(normalize(ex));
        docs.push({ text, intent: it.name });
        if (!this.exact.has(text)) this.exact.set(text, it.name);
      }
    }
    this.fuse = new Fuse(docs, { keys: ["text"], includeScore: true, ignoreLocation: true, threshold: FUZZY_THRESHOLD });
  }

  intent(name: string): Intent | undefined {
    return this.byName.get(name);
  }

  list(): Intent[] {
    return [...this.intents];
  }

  async recognize(
    input: TurnInput,
    state: ConversationData,
    lang: Lang,
    opts: { now: Date; hasFiles?: boolean; userId?: string },
  ): Promise<Recognition> {
    if (input.kind === "action") return this.fromAction(input.action);

    const hasFiles = Boolean(opts.hasFiles);
    const normalized = normalize(input.text);
    // a typed yes or no answers the open question exactly as its button would
    const question = pendingYesNo(state, opts.now);
    const yn = question && !hasFiles ? readYesNo(input.text) : undefined;
    if (question && yn) return { ...this.fromAction(question[yn]), via: "confirm" };
    // a button's label typed out does what the button does
    const label = stripChatNoise(normalized);
    const button = label ? state.lastChoices?.find((c) => c.label === label) : undefined;
    if (button && !hasFiles) {
      const r = this.fromAction(button.action);
      if (r.via === "action") return { ...r, via: "label" };
    }
    const ctx: MatchContext = { state, lang, normalized, hasFiles, userId: opts.userId, kb: this.kb, now: opts.now };
    const order = hasFiles ? [...this.intents.filter((i) => i.acceptsFiles), ...this.intents.filter((i) => !i.acceptsFiles)] : this.intents;
    for (const it of order) {
      const params = it.match?.(input.text, ctx);
      if (params) return { intent: it, params, via: "pattern" };
    }

    // A guess may only show something: the fuzzy stage picks read-only intents, and never from one
    // or two letters ("D", "OK", "PC"), which go to the fallback's "did you mean" instead.
    const short = stripChatNoise(normalized);
    if (short.length > FUZZY_MIN_LENGTH && short.length <= FUZZY_MAX_LENGTH) {
      const exact = this.exact.get(short);
      const [best] = exact ? [{ item: { intent: exact }, score: 0 }] : this.fuse.search(short, { limit: 1 });
      if (best && (best.score ?? 1) <= FUZZY_THRESHOLD) {
        const it = this.byName.get(best.item.intent)!;
        const params = it.extract ? it.extract(input.text, ctx) : {};
        // a guess whose parameters the intent would refuse ("履歴" alone for the history of an
        // item, "目標レベル" with no level) lacks what the intent needs: the fallback takes it,
        // instead of an answer about an unreadable button nobody pressed
        if (params && it.params.safeParse(params).success) return { intent: it, params, via: "fuzzy", score: best.score };
      }
    }

    if (this.picker) {
      const picked = await this.picker.pick(input.text, this.intents, ctx).catch(() => null);
      const it = picked && this.byName.get(picked.intent);
      // only intents offered to the model count: a made-up or state-changing choice is ignored
      if (it && it.llm && it.readOnly) return { intent: it, params: picked.params, via: "llm" };
    }
    return { intent: this.fallback, params: {}, via: "fallback" };
  }

  private fromAction(action: ActionRef | null): Recognition {
    const it = action ? this.byName.get(action.intent) : undefined;
    if (!action || !it) return { intent: this.fallback, params: {}, via: "invalid-action" };
    return { intent: it, params: action.params ?? {}, via: "action", action };
  }
}
