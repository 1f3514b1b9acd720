// Slack's message markup back to what the person typed, before the pipeline reads or stores it.
import { describe, expect, it } from "vitest";
import { slackTextToPlain } from "../../src/channels/slack/slack-text.ts";

describe("slackTextToPlain", () => {
  it.each([
    ["115 未達成 A&amp;B社の要求", "115 未達成 A&B社の要求"],
    ["No.1 &lt;script&gt;", "No.1 <script>"],
    ["&amp;lt; stays as typed", "&lt; stays as typed"],
    ["115 達成 証跡 <https://intra.example.com/rule.pdf>", "115 達成 証跡 https://intra.example.com/rule.pdf"],
    ["115 達成 <https://intra.example.com/rule.pdf|intra.example.com/rule.pdf>", "115 達成 https://intra.example.com/rule.pdf"],
    ["連絡先 <mailto:sec@example.com|sec@example.com>", "連絡先 sec@example.com"],
    ["<@U0123> と <@U0456|sato> に確認", "@U0123 と @sato に確認"],
    ["<#C0123|general> で相談", "#general で相談"],
    ["<!channel> No.3", "@channel No.3"],
    ["<!subteam^S012|@security> の担当", "@security の担当"],
    ["<!date^1392734382^{date}|2014-02-18> まで", "2014-02-18 まで"],
    ["No.115", "No.115"],
  ])("%s", (slack, plain) => {
    expect(slackTextToPlain(slack)).toBe(plain);
  });
});
