// A small validator for the Teams messages our renderer sends: the message activity (text,
// summary, attachments) and its Adaptive Card, checked against the Adaptive Cards 1.5 schema
// (microsoft/AdaptiveCards schemas/1.5.0/adaptive-card.json) for the elements and actions we use:
// strict (additionalProperties: false in the schema, so unknown fields are errors), enums
// case-insensitive as the schema's patterns allow, required fields present.
//
// Teams' own rules on top: the whole message stays under about 28 KB ("413 Request Entity Too
// Large" beyond), a card message carries no `text` (Teams would show it above the card as well),
// and a message without a card has non-empty text.
import { wellFormed } from "./block-kit.ts";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => Boolean(v) && typeof v === "object" && !Array.isArray(v);

const ENUMS: Record<string, string[]> = {
  spacing: ["default", "none", "small", "medium", "large", "extraLarge", "padding"],
  size: ["default", "small", "medium", "large", "extraLarge"],
  weight: ["default", "lighter", "bolder"],
  color: ["default", "dark", "light", "accent", "good", "warning", "attention"],
  fontType: ["default", "monospace"],
  horizontalAlignment: ["left", "center", "right"],
  verticalContentAlignment: ["top", "center", "bottom"],
  containerStyle: ["default", "emphasis", "good", "attention", "warning", "accent"],
  textBlockStyle: ["default", "heading"],
  actionStyle: ["default", "positive", "destructive"],
  actionMode: ["primary", "secondary"],
};

/** Fields every element may have (Extendable.Element / ToggleableItem / Item). */
const ELEMENT_COMMON = ["type", "id", "isVisible", "requires", "fallback", "height", "separator", "spacing"];
const ACTION_COMMON = ["type", "title", "iconUrl", "id", "style", "fallback", "tooltip", "isEnabled", "mode", "requires"];

export const MAX_TEAMS_MESSAGE_BYTES = 28_000;

export function adaptiveCardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const bad = (where: string, what: string) => problems.push(`${where}: ${what}`);
  const keys = (where: string, o: Json, allowed: string[]) => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(where, `unknown field "${k}"`);
  };
  const oneOf = (where: string, o: Json, field: string, values: string[]) => {
    if (!(field in o)) return;
    const v = o[field];
    if (typeof v !== "string" || !values.some((x) => x.toLowerCase() === v.toLowerCase())) bad(where, `${field} ${JSON.stringify(v)}`);
  };
  const bool = (where: string, o: Json, ...fields: string[]) => {
    for (const f of fields) if (f in o && typeof o[f] !== "boolean") bad(where, `${f} is not a boolean`);
  };
  const common = (where: string, e: Json) => {
    oneOf(where, e, "spacing", ENUMS.spacing);
    bool(where, e, "separator", "isVisible");
    if ("height" in e) oneOf(where, e, "height", ["auto", "stretch"]);
  };
  const str = (where: string, v: unknown, what: string) => {
    if (typeof v !== "string") return bad(where, `${what} is not a string`);
    if (!wellFormed(v)) bad(where, `${what} has a lone surrogate`);
  };

  const action = (where: string, a: unknown, o: { select?: boolean } = {}) => {
    if (!isObj(a)) return bad(where, "action is not an object");
    oneOf(where, a, "style", ENUMS.actionStyle);
    oneOf(where, a, "mode", ENUMS.actionMode);
    if ("title" in a) str(where, a.title, "title");
    switch (a.type) {
      case "Action.Submit":
        keys(where, a, [...ACTION_COMMON, "data", "associatedInputs"]);
        if ("data" in a && typeof a.data !== "string" && !isObj(a.data)) bad(where, "data must be a string or an object");
        break;
      case "Action.Execute":
        keys(where, a, [...ACTION_COMMON, "verb", "data", "associatedInputs"]);
        if ("verb" in a && typeof a.verb !== "string") bad(where, "verb is not a string");
        if ("data" in a && typeof a.data !== "string" && !isObj(a.data)) bad(where, "data must be a string or an object");
        break;
      case "Action.OpenUrl":
        keys(where, a, [...ACTION_COMMON, "url"]);
        if (typeof a.url !== "string" || !a.url) bad(where, "url is required");
        break;
      case "Action.ShowCard":
        if (o.select) bad(where, "Action.ShowCard cannot be a selectAction");
        keys(where, a, [...ACTION_COMMON, "card"]);
        break;
      default:
        bad(where, `action type ${String(a.type)} is not one we render`);
    }
    if (!o.select && !("title" in a)) bad(where, "a button without a title");
  };

  const element = (where: string, e: unknown) => {
    if (!isObj(e)) return bad(where, "element is not an object");
    common(where, e);
    switch (e.type) {
      case "TextBlock":
        keys(where, e, [...ELEMENT_COMMON, "text", "color", "fontType", "horizontalAlignment", "isSubtle", "maxLines", "size", "weight", "wrap", "style"]);
        str(where, e.text, "text");
        if (typeof e.text === "string" && !e.text.trim()) bad(where, "an empty TextBlock");
        oneOf(where, e, "size", ENUMS.size);
        oneOf(where, e, "weight", ENUMS.weight);
        oneOf(where, e, "color", ENUMS.color);
        oneOf(where, e, "fontType", ENUMS.fontType);
        oneOf(where, e, "horizontalAlignment", ENUMS.horizontalAlignment);
        oneOf(where, e, "style", ENUMS.textBlockStyle);
        bool(where, e, "wrap", "isSubtle");
        break;
      case "FactSet":
        keys(where, e, [...ELEMENT_COMMON, "facts"]);
        if (!Array.isArray(e.facts)) bad(where, "facts is required");
        else
          e.facts.forEach((f, i) => {
            if (!isObj(f)) return bad(`${where}.facts[${i}]`, "not an object");
            keys(`${where}.facts[${i}]`, f, ["type", "title", "value"]);
            str(`${where}.facts[${i}]`, f.title, "title");
            str(`${where}.facts[${i}]`, f.value, "value");
          });
        break;
      case "Container":
        keys(where, e, [...ELEMENT_COMMON, "items", "selectAction", "style", "verticalContentAlignment", "bleed", "backgroundImage", "minHeight", "rtl"]);
        if (!Array.isArray(e.items)) bad(where, "items is required");
        else e.items.forEach((x, i) => element(`${where}.items[${i}]`, x));
        oneOf(where, e, "style", ENUMS.containerStyle);
        oneOf(where, e, "verticalContentAlignment", ENUMS.verticalContentAlignment);
        if ("selectAction" in e) action(`${where}.selectAction`, e.selectAction, { select: true });
        break;
      case "ColumnSet":
        keys(where, e, [...ELEMENT_COMMON, "columns", "selectAction", "style", "bleed", "minHeight", "horizontalAlignment"]);
        if ("columns" in e && !Array.isArray(e.columns)) bad(where, "columns is not an array");
        (Array.isArray(e.columns) ? e.columns : []).forEach((c, i) => {
          const w = `${where}.columns[${i}]`;
          if (!isObj(c)) return bad(w, "column is not an object");
          keys(w, c, ["type", "items", "backgroundImage", "bleed", "fallback", "minHeight", "rtl", "separator", "spacing", "selectAction", "style", "verticalContentAlignment", "width", "id", "isVisible", "requires"]);
          if ("type" in c && c.type !== "Column") bad(w, `type ${String(c.type)}`);
          common(w, c);
          oneOf(w, c, "verticalContentAlignment", ENUMS.verticalContentAlignment);
          if ("width" in c && typeof c.width !== "number" && !(typeof c.width === "string" && /^(auto|stretch|\d+(px)?)$/i.test(c.width)))
            bad(w, `width ${JSON.stringify(c.width)}`);
          (Array.isArray(c.items) ? c.items : []).forEach((x, j) => element(`${w}.items[${j}]`, x));
          if ("selectAction" in c) action(`${w}.selectAction`, c.selectAction, { select: true });
        });
        oneOf(where, e, "style", ENUMS.containerStyle);
        if ("selectAction" in e) action(`${where}.selectAction`, e.selectAction, { select: true });
        break;
      case "ActionSet":
        keys(where, e, [...ELEMENT_COMMON, "actions"]);
        if (!Array.isArray(e.actions)) bad(where, "actions is required");
        else {
          if (e.actions.length === 0) bad(where, "an empty ActionSet");
          e.actions.forEach((a, i) => action(`${where}.actions[${i}]`, a));
        }
        break;
      default:
        bad(where, `element type ${String(e.type)} is not one we render`);
    }
  };

  if (!isObj(card)) return ["card: not an object"];
  keys("card", card, ["type", "version", "$schema", "body", "actions", "selectAction", "fallbackText", "backgroundImage", "minHeight", "rtl", "speak", "lang", "verticalContentAlignment", "refresh", "authentication", "msteams"]);
  if (card.type !== "AdaptiveCard") bad("card", `type ${String(card.type)}`);
  if (card.version !== "1.5") bad("card", `version ${String(card.version)} (we promise 1.5)`);
  if ("fallbackText" in card) str("card", card.fallbackText, "fallbackText");
  if ("msteams" in card && (!isObj(card.msteams) || Object.keys(card.msteams).some((k) => k !== "width") || card.msteams.width !== "Full"))
    bad("card", "msteams other than { width: Full }");
  if (!Array.isArray(card.body)) bad("card", "body is not an array");
  else card.body.forEach((e, i) => element(`body[${i}]`, e));
  if ("actions" in card) {
    if (!Array.isArray(card.actions)) bad("card", "actions is not an array");
    else card.actions.forEach((a, i) => action(`actions[${i}]`, a));
  }
  return problems;
}

/** The message activity: its shape, its size, and its card. */
export function teamsMessageProblems(message: unknown): string[] {
  if (!isObj(message)) return ["message: not an object"];
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(message), "utf8");
  if (bytes > MAX_TEAMS_MESSAGE_BYTES) problems.push(`message: ${bytes} bytes (Teams refuses about 28 KB)`);
  if (message.type !== "message") problems.push(`message: type ${String(message.type)}`);
  const attachments = message.attachments;
  if (attachments === undefined) {
    if (typeof message.text !== "string" || !message.text.trim()) problems.push("message: no card and no text");
    return problems;
  }
  if (!Array.isArray(attachments) || attachments.length !== 1) return [...problems, "message: expected exactly one attachment"];
  if (message.text !== undefined) problems.push("message: a card message with text (Teams shows it above the card as well)");
  if (typeof message.summary !== "string" || !message.summary.trim()) problems.push("message: a card message without a summary for notifications");
  const a = attachments[0] as Json;
  if (a.contentType !== "application/vnd.microsoft.card.adaptive") problems.push(`attachment: contentType ${String(a.contentType)}`);
  return [...problems, ...adaptiveCardProblems(a.content)];
}
