// Every turn from every channel goes through here: dedupe, identity, state, recognition,
// validation, permission, handler, state again. Adapters only translate and render.
import type { Intent, IntentContext } from "./intent.ts";
import type { Logger } from "./logger.ts";
import { both, replyChoices, tr, type Lang, type Reply, textReply } from "./reply.ts";
import type { Services } from "./services.ts";
import type { Turn } from "./turn.ts";
import { APOLOGY, UserFacingError } from "./errors.ts";
import { isTransientDbError } from "../db/transient.ts";
import { TurnEffects } from "../db/turn-effects.ts";
import { cleanText, cleanValues } from "./clean-text.ts";
import { knownCaller, resolveCaller, setPreferredLang } from "./identity.ts";
import { loadState } from "./conversation-state.ts";
import { TurnRows } from "./turn-rows.ts";
import { answersYesNo } from "./confirm.ts";
import { normalize, stripChatNoise } from "../nlu/normalize.ts";
import { detectLang } from "../nlu/language.ts";
import type { Recognizer } from "../nlu/recognizer.ts";

/** Longer messages are refused politely: no real question needs more, and it bounds the work. */
export const MAX_TEXT_LENGTH = 2000;
/** Attempts of a turn that meets transient database errors (about 8 s of pauses in all). */
const TRANSIENT_ATTEMPTS = 6;
const TRANSIENT_BASE_MS = 250;

export interface PipelineResult {
  reply: Reply;
  intent: string;
  via: string;
  /** The person the reply is for, once known (a reply that cannot be delivered now is kept for them). */
  userId?: string;
  /** Their organisation, once known (the inbox walls the stored delivery with it). */
  orgId?: string;
}

export class Pipeline {
  /** the rows around every turn, one statement for the turns arriving together */
  private readonly rows: TurnRows;

  constructor(
    private readonly services: Services,
    private readonly recognizer: Recognizer,
  ) {
    this.rows = new TurnRows(services.db);
  }

  /** Handles one turn; null when it was a duplicate delivery (already answered). */
  handle(incoming: Turn): Promise<PipelineResult | null> {
    return this.work(incoming, { dedupe: true });
  }

  /**
   * A turn the inbox stored (and so deduplicated) already: worked out without claiming its
   * delivery again, and a transient database error that outlasts the retries is thrown (the inbox
   * takes the turn again later) rather than answered with an apology.
   */
  async handleAccepted(incoming: Turn): Promise<PipelineResult> {
    return (await this.work(incoming, { dedupe: false, throwTransient: true }))!;
  }

  private async work(incoming: Turn, opts: { dedupe: boolean; throwTransient?: boolean }): Promise<PipelineResult | null> {
    // invisible and control characters out before anything reads or stores the input (clean-text.ts)
    const turn: Turn = { ...incoming, input: cleanInput(incoming.input) };
    const log = this.services.log.child({ platform: turn.platform, conversation: turn.conversation.key, delivery: turn.deliveryId });
    // A transient database error (the pool busy in a burst: a transaction that could not start in
    // time; a lost race) is not the person's problem: the turn is worked out again after a pause,
    // rather than answered with an apology. Once its delivery is claimed, no one else will.
    let claimed = !opts.dedupe || !turn.deliveryId;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!claimed) {
          if (!(await this.rows.claim(turn.platform, turn.deliveryId!, turn.receivedAt))) {
            log.info("duplicate delivery dropped");
            return null;
          }
          claimed = true;
        }
        return await this.process(turn, log);
      } catch (err) {
        if (isTransientDbError(err) && attempt < TRANSIENT_ATTEMPTS) {
          log.warn("transient database error, turn retried", { attempt, error: (err as Error).message?.slice(0, 200) });
          await new Promise((r) => setTimeout(r, Math.round(TRANSIENT_BASE_MS * 2 ** (attempt - 1) * (0.5 + Math.random()))));
          continue;
        }
        if (opts.throwTransient && isTransientDbError(err)) throw err;
        log.error("turn failed", { err });
        return { reply: textReply(APOLOGY), intent: "error", via: "error" };
      }
    }
  }

  private async process(turn: Turn, log: Logger): Promise<PipelineResult> {
    const { db, config } = this.services;
    {
      const text = turn.input.kind === "text" ? turn.input.text : undefined;
      if (text !== undefined && text.length > MAX_TEXT_LENGTH) {
        return {
          reply: textReply(
            both(
              `メッセージが長すぎます(${MAX_TEXT_LENGTH}文字まで)。質問を短くして送ってください。`,
              `That message is too long (the limit is ${MAX_TEXT_LENGTH} characters). Please send a shorter question.`,
            ),
          ),
          intent: "none",
          via: "too-long",
        };
      }

      // A delivery worked out again (the process died after its turn changed data and before the
      // answer was stored, or a transient error came after the change): the change is not made twice.
      const effectKey = turn.deliveryId ? TurnEffects.key(turn.platform, turn.deliveryId) : undefined;
      // who is speaking, their conversation and an earlier attempt, in one statement with the
      // other turns arriving now; someone new, or a changed name, goes the longer way
      const found = await this.rows.lookup({
        orgKey: turn.org.externalKey,
        platform: turn.platform,
        platformUserId: turn.user.platformUserId,
        conversationKey: turn.conversation.key,
        effectKey,
      });
      const known = knownCaller(found, turn, config.secretariatUsers);
      const caller = known ?? (await resolveCaller(db, turn, config.secretariatUsers));
      if (turn.conversation.reference) await this.rememberReference(turn, caller.userId, caller.orgId);
      const state = known ? (found.state ?? {}) : await loadState(db, turn.conversation.key, caller.userId);
      // a question asked in an earlier sitting (the terminal chat was restarted) waits no more
      if (state.pending && state.pending.session !== turn.conversation.session) delete state.pending;
      // the person's language, changed only by a clear sentence in the other one (src/nlu/language.ts)
      const detected = text ? detectLang(text, { known: caller.lang !== undefined }) : undefined;
      const lang: Lang = detected ?? caller.lang ?? "ja";
      // the person's own row, behind the walls (rare: a change of language)
      if (detected && detected !== caller.lang) await this.services.walls.forOrg(caller.orgId, () => setPreferredLang(db, caller.userId, detected));
      delete state.lang; // once kept per conversation; now per person

      const earlier = found.earlierEffect;
      if (earlier) {
        log.warn("delivery worked out again after its data change: not changed twice", { intent: earlier });
        return { reply: textReply(alreadyDone()), intent: earlier, via: "replay", userId: caller.userId, orgId: caller.orgId };
      }

      const rec = await this.recognizer.recognize(turn.input, state, lang, { now: turn.receivedAt, hasFiles: Boolean(turn.files?.length), userId: caller.userId });
      const tlog = log.child({ intent: rec.intent.name, via: rec.via, user: caller.userId, org: caller.orgId });
      if (rec.via === "invalid-action") {
        tlog.warn("unreadable action payload");
        return { reply: textReply(unreadableAction()), intent: rec.intent.name, via: rec.via };
      }

      const parsed = rec.intent.params.safeParse(rec.params);
      if (!parsed.success) {
        tlog.warn("invalid intent parameters", { issues: parsed.error.issues.map((i) => i.path.join(".") + ": " + i.message) });
        return { reply: textReply(unreadableAction()), intent: rec.intent.name, via: rec.via };
      }
      if (!allowed(rec.intent, caller.roles)) {
        tlog.warn("permission denied");
        return { reply: textReply(forbidden(rec.intent, lang)), intent: rec.intent.name, via: rec.via };
      }

      const ctx: IntentContext = {
        turn,
        lang,
        caller,
        state,
        services: this.services,
        log: tlog,
        now: turn.receivedAt,
        text,
      };
      const started = performance.now();
      const pendingBefore = state.pending;
      // the handler runs behind the tenant walls unless it says why it spans companies
      const runIntent = () =>
        rec.intent.spansCompanies ? this.run(rec.intent, parsed.data, ctx) : this.services.walls.forOrg(caller.orgId, () => this.run(rec.intent, parsed.data, ctx));
      // an intent that may change data writes its changes with the mark of this delivery (turn-effects.ts)
      const reply =
        effectKey && !rec.intent.readOnly
          ? await this.services.effects.during({ key: effectKey, intent: rec.intent.name, orgId: caller.orgId, at: turn.receivedAt }, runIntent)
          : await runIntent();
      if (rec.intent.personal) reply.private = true;
      // the bot's question is over once a message went to another intent (ConversationData.pending);
      // a yes/no question stays open through other messages, and closes when it is answered
      if (pendingBefore?.answeredBy && state.pending === pendingBefore && rec.intent.name !== pendingBefore.answeredBy) delete state.pending;
      // a yes/no question stays open through questions (read-only turns) and closes when answered
      // or when a command went elsewhere
      if (pendingBefore?.confirm && state.pending === pendingBefore && (answersYesNo(pendingBefore.confirm, rec.action) || !rec.intent.readOnly)) delete state.pending;
      // what typing a button's label does next time (see Recognizer)
      const buttons = replyChoices(reply).slice(0, 30);
      if (buttons.length) state.lastChoices = buttons.map((c) => ({ label: stripChatNoise(normalize(c.label)), action: c.action }));
      else delete state.lastChoices;
      if (state.pending && turn.conversation.session) state.pending.session = turn.conversation.session;
      await this.rows.save(turn.conversation.key, caller.userId, caller.orgId, state, turn.receivedAt);
      // the company's download links, behind the walls. The state above and the reference before
      // the handler run on every turn and stay on the owner's path: walled, each statement would
      // need its own BEGIN/COMMIT (two more round trips each, about 8 % of a turn, measured)
      if (turn.filesAsLinks) await this.services.walls.forOrg(caller.orgId, () => this.linkFiles(reply, caller, lang, turn.receivedAt));
      tlog.info("turn handled", { ms: Math.round(performance.now() - started) });
      return { reply, intent: rec.intent.name, via: rec.via, userId: caller.userId, orgId: caller.orgId };
    }
  }

  private async run(intent: Intent, params: unknown, ctx: IntentContext): Promise<Reply> {
    try {
      return await intent.handle(params as never, ctx);
    } catch (err) {
      if (err instanceof UserFacingError) return textReply(err.userMessage);
      throw err;
    }
  }

  /**
   * For channels that cannot carry a file in a bot message: each file becomes a signed link the
   * bot serves for a short while (GET /files/:token), kept in the database so any instance can.
   */
  private async linkFiles(reply: Reply, caller: { orgId: string; userId: string }, lang: Lang, now: Date): Promise<void> {
    const files = reply.blocks.flatMap((b) => (b.type === "file" && !b.file.url ? [b.file] : []));
    if (!files.length) return;
    const links = this.services.fileLinks;
    if (!links.baseUrl) {
      reply.blocks.push({
        type: "context",
        text: tr(
          lang,
          "ファイルはダウンロード用リンクでお送りしますが、ボットの公開URL(PUBLIC_BASE_URL)が設定されていないため作れませんでした。運用者に設定を依頼してください。",
          "Files come as a download link here, which needs the bot's public URL (PUBLIC_BASE_URL); it is not configured. Please ask the operator to set it.",
        ),
      });
      return;
    }
    for (const f of files) f.url = (await links.create(caller.orgId, caller.userId, f, now)).url;
    reply.blocks.push({ type: "context", text: tr(lang, "ダウンロード用リンクは15分間有効です。", "The download links work for 15 minutes.") });
  }

  private async rememberReference(turn: Turn, userId: string, orgId: string): Promise<void> {
    const ref = turn.conversation.reference!;
    const data = JSON.parse(JSON.stringify(ref.data ?? null));
    await this.services.db.conversationRef.upsert({
      where: { userId_platform_conversationKey: { userId, platform: turn.platform, conversationKey: ref.key } },
      create: { userId, orgId, platform: turn.platform, conversationKey: ref.key, reference: data },
      update: { reference: data, active: true },
    });
  }
}

function cleanInput(input: Turn["input"]): Turn["input"] {
  if (input.kind === "text") return { kind: "text", text: cleanText(input.text) };
  return input.action ? { kind: "action", action: { intent: input.action.intent, params: cleanValues(input.action.params) } } : input;
}

function allowed(intent: Intent, roles: ReadonlySet<string>): boolean {
  return !intent.role || roles.has(intent.role);
}

/** The answer to a delivery whose change was made by an earlier attempt whose reply was lost. */
export function alreadyDone(): string {
  return both(
    "このメッセージのご依頼は、システムの再起動の前にすでに処理されています(変更は一度だけ行われました)。その時の返信をお送りできなかったため、結果は「進捗」や「予約の確認」などでご確認ください。",
    "Your request in this message had already been carried out before a restart (the change was made once). Its reply could not be sent then: please check the result, for example with \"progress\" or \"my bookings\".",
  );
}

function unreadableAction(): string {
  return both(
    "そのボタン(または入力)の内容を読み取れませんでした。何も変更していません。もう一度お試しいただくか、文章で送ってください。",
    "Sorry, I could not read that button or input. Nothing was changed. Please try again, or type your request.",
  );
}

function forbidden(intent: Intent, lang: Lang): string {
  const who =
    intent.role === "admin"
      ? { ja: "組織の管理者", en: "an organisation admin" }
      : { ja: "事務局", en: "the secretariat" };
  return lang === "en"
    ? `Only ${who.en} can do that. Nothing was changed.`
    : `この操作は${who.ja}のみ行えます。何も変更していません。`;
}
