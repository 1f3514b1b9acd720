// Slack delivers message text in its own markup: &, < and > escaped as &amp; &lt; &gt;, links as
// <https://…> or <https://…|label>, mentions as <@U123>, <#C123|name>, <!channel>. The pipeline
// wants what the person typed: otherwise a note 「A&B社の要求」 is stored as 「A&amp;B社の要求」, a
// pasted URL leaves 「<>」 in the note, and an auto-linked evidence URL keeps its 「|label」.
const TOKEN = /<([^<>]*)>/g;

function token(inner: string): string {
  const bar = inner.indexOf("|");
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
  if (target.startsWith("@")) return label ? `@${label.replace(/^@/, "")}` : target; // a user
  if (target.startsWith("#")) return label ? `#${label}` : target; // a channel
  if (target.startsWith("!")) {
    const special = target.slice(1);
    if (/^(here|channel|everyone)$/.test(special)) return `@${special}`;
    if (special.startsWith("subteam^")) return label ?? "@group";
    return label ?? ""; // <!date^…|fallback> and the like
  }
  if (target.startsWith("mailto:")) return label ?? target.slice("mailto:".length);
  return target; // a link: the address is what the person pasted (and what evidence needs)
}

/** Plain text from Slack's message markup. */
export function slackTextToPlain(text: string): string {
  return text
    .replace(TOKEN, (_m, inner: string) => token(inner))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
